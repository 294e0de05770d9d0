/* bench/mpi: a 3-D cubic lattice, each rank building a slab of z-planes (lattice3d.h). */
#include "lattice3d.h"

#include <stdlib.h>

size_t bench_lattice3d_edges(size_t n, size_t z0, size_t z1, mn_index *u, mn_index *v)
{
    size_t k = 0;
    for (size_t z = z0; z < z1; z++)
        for (size_t y = 0; y < n; y++)
            for (size_t x = 0; x < n; x++) {
                size_t id = x + n * (y + n * z);
                size_t nb[3] = {x + 1 < n ? id + 1 : id, y + 1 < n ? id + n : id,
                                z + 1 < n ? id + n * n : id};
                for (int d = 0; d < 3; d++)
                    if (nb[d] != id) {
                        if (u) u[k] = (mn_index)id, v[k] = (mn_index)nb[d];
                        k++;
                    }
            }
    return k;
}

mn_status bench_lattice3d(mn_mpi_graph **out, mn_context *ctx, MPI_Comm comm, size_t n)
{
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    size_t z0 = n * (size_t)rank / (size_t)size, z1 = n * (size_t)(rank + 1) / (size_t)size;
    size_t m = bench_lattice3d_edges(n, z0, z1, NULL, NULL), nn = (z1 - z0) * n * n;
    mn_index *u = malloc((m + 1) * sizeof *u), *v = malloc((m + 1) * sizeof *v);
    mn_index *ids = malloc((nn + 1) * sizeof *ids), *left = malloc((nn / n + 1) * sizeof *left);
    mn_index *right = malloc((nn / n + 1) * sizeof *right);
    double *xyz = malloc((3 * nn + 1) * sizeof *xyz);
    mn_status st = u && v && ids && left && right && xyz ? MN_OK : MN_ERR_NOMEM;
    size_t nl = 0;
    if (st == MN_OK) {
        bench_lattice3d_edges(n, z0, z1, u, v);
        for (size_t i = 0; i < nn; i++) {
            size_t id = z0 * n * n + i, x = id % n, y = id / n % n, z = id / (n * n);
            ids[i] = (mn_index)id;
            xyz[3 * i] = (double)x, xyz[3 * i + 1] = (double)y, xyz[3 * i + 2] = (double)z;
            if (x == 0) left[nl] = (mn_index)id, right[nl++] = (mn_index)(id + n - 1);
        }
        st = mn_mpi_graph_new(out, ctx, comm, n * n * n);
    }
    if (st == MN_OK) st = mn_mpi_graph_add_edges(*out, u, v, m);
    if (st == MN_OK) st = mn_mpi_graph_set_coordinates(*out, ids, xyz, nn);
    if (st == MN_OK) st = mn_mpi_graph_add_node_set(*out, "left", left, nl);
    if (st == MN_OK) st = mn_mpi_graph_add_node_set(*out, "right", right, nl);
    free(u), free(v), free(ids), free(left), free(right), free(xyz);
    return st;
}
