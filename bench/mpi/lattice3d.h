/* bench/mpi: an n x n x n cubic lattice (a 3-D network for bench-mpi), built distributed. */
#ifndef MEMNET_BENCH_LATTICE3D_H
#define MEMNET_BENCH_LATTICE3D_H

#include <memnet/mpi.h>

/*
 * The edges whose lower end lies in the z-planes [z0, z1) of the n^3 lattice: node (x, y, z)
 * has id x + n (y + n z) and an edge to each of its +x, +y, +z neighbours. Writes them to u, v
 * (NULL: only counts) and returns their number.
 */
size_t bench_lattice3d_edges(size_t n, size_t z0, size_t z1, mn_index *u, mn_index *v);

/*
 * The lattice on comm: rank r adds the edges of its slab of z-planes, the coordinates of its
 * slab's nodes, and node sets "left" (x = 0) and "right" (x = n - 1) of its slab. Not
 * partitioned (the block partition matches the slabs). MN_OK or the failing call's status.
 */
mn_status bench_lattice3d(mn_mpi_graph **out, mn_context *ctx, MPI_Comm comm, size_t n);

#endif
