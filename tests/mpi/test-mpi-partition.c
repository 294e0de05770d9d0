/*
 * The PT-Scotch partition (MN_MPI_PARTITION_PTSCOTCH) is reproducible and good, on 1, 2 and 3
 * ranks (3 oversubscribed on 2 cores). The graph is an L x L grid whose node ids are shuffled
 * (so that the block partition of the ids would cut about (P - 1) / P of the edges), its edges
 * spread unevenly over the ranks. Checked:
 *   - reproducibility: the same graph partitioned REPEAT times in one process, with the ranks
 *     delayed differently before each partition (so that PT-Scotch's messages arrive in other
 *     orders) and a partition of another graph in between (which draws from PT-Scotch's
 *     random generators), gives bitwise the same owner of every node each time, also when
 *     the edges are added on other ranks, in another order, with their ends swapped;
 *   - quality against closed forms for the grid: every node owned once, parts balanced within
 *     PT-Scotch's 1% imbalance (plus one node for the rounding of N / P), and the cut edges
 *     (ends owned by different ranks, counted from the gathered owners) within twice the
 *     (P - 1) L of P - 1 straight cuts, the optimum for P strips; at least L, the smallest
 *     bisection of the grid, whenever P > 1;
 *   - a graph with isolated nodes and an empty rank still partitions (every node owned once).
 * A plain MPI program: failures are counted per rank and reduced; exit status nonzero if any.
 */
#include <memnet/mpi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int rank, size, fails;

#include "mpi-check.h"

#define L 48
#define N (L * L)
#define M (2 * L * (L - 1))
#define REPEAT 6

static uint64_t rs = 77;
static mn_index perm[N], eu[M], ev[M];

/* the grid's edges with shuffled node ids (Fisher-Yates on the splitmix64 sequence) */
static void grid_make(void)
{
    for (int i = 0; i < N; i++) perm[i] = (mn_index)i;
    for (int i = N - 1; i > 0; i--) {
        int j = (int)(mpi_check_urand(&rs) * (i + 1));
        mn_index t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    int m = 0;
    for (int y = 0; y < L; y++)
        for (int x = 0; x < L; x++) {
            if (x + 1 < L) {
                eu[m] = perm[y * L + x];
                ev[m++] = perm[y * L + x + 1];
            }
            if (y + 1 < L) {
                eu[m] = perm[y * L + x];
                ev[m++] = perm[(y + 1) * L + x];
            }
        }
}

/* delay this rank by a few ms, differently per rank and call */
static void jitter(int call)
{
    struct timespec ts = {0, (long)(((call * 7 + rank * 3) % 5) * 1000000L)};
    nanosleep(&ts, NULL);
}

/* partition n nodes with edges u, v by PT-Scotch; spread 0: edge e added on rank
 * (3e + e / 7) % size, in order; spread 1: on rank (e / 13) % size, in reverse order and the
 * ends swapped. owner[i] = the rank that owns node i, gathered on every rank (-1: nobody, -2:
 * more than one) */
static mn_status partition(int n, const mn_index *u, const mn_index *v, int m, int spread,
                           int *owner)
{
    mn_context *c;
    mn_mpi_graph *g;
    OK(NULL, mn_context_new(&c));
    OK(c, mn_mpi_graph_new(&g, c, MPI_COMM_WORLD, (size_t)n));
    for (int k = 0; k < m; k++) {
        int e = spread ? m - 1 - k : k;
        if (spread == 0 && (3 * e + e / 7) % size == rank)
            OK(c, mn_mpi_graph_add_edges(g, &u[e], &v[e], 1));
        else if (spread == 1 && (e / 13) % size == rank)
            OK(c, mn_mpi_graph_add_edges(g, &v[e], &u[e], 1));
    }
    mn_status st = mn_mpi_graph_partition(g, MN_MPI_PARTITION_PTSCOTCH);
    OK(c, st);
    int *mine = calloc((size_t)n, sizeof *mine);
    if (st == MN_OK) {
        size_t own = mn_mpi_graph_owned_node_count(g);
        const mn_index *ids = mn_mpi_graph_local_nodes(g);
        for (size_t i = 0; i < own; i++) mine[ids[i]] = 1;
    }
    /* per node: how many ranks own it, and the sum of their ranks */
    int *cnt = calloc((size_t)n, sizeof *cnt), *rk = calloc((size_t)n, sizeof *rk);
    int *mr = calloc((size_t)n, sizeof *mr);
    for (int i = 0; i < n; i++) mr[i] = mine[i] ? rank : 0;
    MPI_Allreduce(mine, cnt, n, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Allreduce(mr, rk, n, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    for (int i = 0; i < n; i++) owner[i] = cnt[i] == 1 ? rk[i] : cnt[i] == 0 ? -1 : -2;
    free(mine);
    free(cnt);
    free(rk);
    free(mr);
    mn_mpi_graph_free(g);
    mn_context_free(c);
    return st;
}

static void test_grid(void)
{
    static int first[N], again[N];
    grid_make();
    if (partition(N, eu, ev, M, 0, first) != MN_OK) return;
    /* every node owned once; balance; cut */
    int parts[3] = {0, 0, 0}, bad = 0;
    for (int i = 0; i < N; i++) {
        if (first[i] < 0 || first[i] >= size)
            bad++;
        else
            parts[first[i]]++;
    }
    CHECK(bad == 0, "%d nodes not owned by exactly one rank", bad);
    int cut = 0;
    for (int e = 0; e < M; e++) cut += first[eu[e]] != first[ev[e]];
    int maxpart = 0;
    for (int r = 0; r < size; r++) maxpart = parts[r] > maxpart ? parts[r] : maxpart;
    double ideal = (double)N / size;
    CHECK(maxpart <= 1.01 * ideal + 1.0, "largest part %d nodes, N/P = %.1f", maxpart, ideal);
    CHECK(cut <= 2 * (size - 1) * L, "cut %d edges, (P - 1) L = %d", cut, (size - 1) * L);
    CHECK(size == 1 || cut >= L, "cut %d edges below the grid's smallest bisection %d", cut, L);
    uint64_t h = 14695981039346656037ULL; /* FNV-1a of the owners, to compare processes */
    for (int i = 0; i < N; i++) h = (h ^ (uint64_t)(first[i] + 2)) * 1099511628211ULL;
    if (rank == 0)
        printf("grid %dx%d on %d ranks: cut %d edges ((P-1)L = %d), largest part %d (N/P %.1f), "
               "owners hash %016llx\n",
               L, L, size, cut, (size - 1) * L, maxpart, ideal, (unsigned long long)h);
    /* the same partition every time, whatever came before and whatever the timing */
    mn_index ou[2 * 97], ov[2 * 97];
    for (int k = 0; k < REPEAT; k++) {
        jitter(k);
        if (k % 2) { /* another graph first: a ring of 97 nodes with chords */
            static int other[97];
            for (int i = 0; i < 97; i++) {
                ou[2 * i] = ou[2 * i + 1] = (mn_index)i;
                ov[2 * i] = (mn_index)((i + 1) % 97);
                ov[2 * i + 1] = (mn_index)((i * 31 + 5) % 97);
            }
            partition(97, ou, ov, 2 * 97, 0, other);
            jitter(k + 1);
        }
        if (partition(N, eu, ev, M, k == REPEAT - 1, again) != MN_OK) return;
        int diff = 0;
        for (int i = 0; i < N; i++) diff += again[i] != first[i];
        CHECK(diff == 0, "repeat %d%s: %d of %d nodes change owner", k,
              k == REPEAT - 1 ? " (edges added elsewhere)" : "", diff, N);
    }
}

/* isolated nodes (no edge at all) and ranks without edges: every node owned once */
static void test_sparse(void)
{
    enum { n = 40, m = 10 };
    mn_index u[m], v[m];
    for (int i = 0; i < m; i++) {
        u[i] = (mn_index)(3 * i);
        v[i] = (mn_index)(3 * i + 3);
    }
    int mine[n], cnt[n], bad = 0;
    mn_context *c;
    mn_mpi_graph *g;
    OK(NULL, mn_context_new(&c));
    OK(c, mn_mpi_graph_new(&g, c, MPI_COMM_WORLD, n));
    if (rank == 0) OK(c, mn_mpi_graph_add_edges(g, u, v, m));
    OK(c, mn_mpi_graph_partition(g, MN_MPI_PARTITION_PTSCOTCH));
    memset(mine, 0, sizeof mine);
    size_t own = mn_mpi_graph_owned_node_count(g);
    const mn_index *ids = mn_mpi_graph_local_nodes(g);
    for (size_t i = 0; i < own; i++) mine[ids[i]]++;
    MPI_Allreduce(mine, cnt, n, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    for (int i = 0; i < n; i++) bad += cnt[i] != 1;
    CHECK(bad == 0, "sparse graph: %d nodes not owned by exactly one rank", bad);
    mn_mpi_graph_free(g);
    mn_context_free(c);
}

int main(void)
{
    if (mpi_check_start()) return 1;
    if (size > 3) {
        if (rank == 0) printf("mpi-partition: written for at most 3 ranks\n");
    } else {
        test_grid();
        test_sparse();
    }
    return mpi_check_finish("mpi-partition");
}
