/* The parts of the nanoparticle generator (003 secs. 1.1 and 5.1), shared by its sources:
 * deposition (nanoparticle-deposit.c), the particle grid and the grouping of overlapping
 * particles (nanoparticle-groups.c), the neighbour rules that say which groups a tunnel gap
 * joins (nanoparticle-cutoff.c, nanoparticle-voronoi.c); nanoparticle.c builds the graph. */
#ifndef MEMNET_NANOPARTICLE_PRIVATE_H
#define MEMNET_NANOPARTICLE_PRIVATE_H

#include "generators-private.h"

/* Particle radius: unit diameter, lengths in particle diameters (pd). */
#define MN__NP_R 0.5

/* Deposit unit-diameter discs with uniform centres in [0, W) x [0, H) (seeded RNG) until the
 * raster of cell h (cell centres inside a disc) is covered to fraction p. *px, *py (allocated,
 * *np entries) receive the centres, *coverage the fraction reached. */
mn_status mn__np_deposit(mn_context *ctx, uint64_t seed, double W, double H, double p, double h,
                         double **px, double **py, size_t *np, double *coverage);

/* Particles binned into square-ish cells at least `cell` wide (cells of a W x H box; at most
 * about 4 np + 16 cells): particle ids of cell c are list[start[c] .. start[c + 1]). */
typedef struct mn__np_grid {
    int64_t ncx, ncy;
    double icx, icy; /* cells per unit length */
    int64_t *start;  /* ncx * ncy + 1 */
    mn_index *list;  /* np */
} mn__np_grid;

mn_status mn__np_grid_build(mn__np_grid *g, mn_context *ctx, const double *px, const double *py,
                            size_t np, double W, double H, double cell);
void mn__np_grid_free(mn__np_grid *g, mn_context *ctx);

static inline int64_t mn__np_cell_x(const mn__np_grid *g, double x)
{
    int64_t c = (int64_t)(x * g->icx);
    return c < 0 ? 0 : c < g->ncx ? c : g->ncx - 1;
}
static inline int64_t mn__np_cell_y(const mn__np_grid *g, double y)
{
    int64_t c = (int64_t)(y * g->icy);
    return c < 0 ? 0 : c < g->ncy ? c : g->ncy - 1;
}

/* Groups of overlapping or touching discs (centre distance <= 1), numbered in order of their
 * lowest particle id: group[i] for every particle, *ngroups. The grid's cells must be at
 * least 1 pd wide. */
mn_status mn__np_group(mn_context *ctx, const mn__np_grid *grid, const double *px,
                       const double *py, size_t np, mn_index *group, mn_index *ngroups);

/* A tunnel gap between particle i of group ga and particle j of group gb (ga < gb), of
 * edge-to-edge length gap. */
typedef struct mn__np_gap {
    mn_index ga, gb;
    double gap;
    mn_index i, j;
} mn__np_gap;

/* Append a candidate (groups in either order) to *cand (*n used, *cap allocated). */
mn_status mn__np_gap_push(mn_context *ctx, mn__np_gap **cand, size_t *n, size_t *cap,
                          const double *px, const double *py, const mn_index *group,
                          mn_index i, mn_index j);

/* Neighbour rule "cutoff": every pair of particles of different groups closer than `cutoff`
 * edge to edge (the grid's cells at least 1 + cutoff wide). */
mn_status mn__np_gaps_cutoff(mn_context *ctx, const mn__np_grid *grid, const double *px,
                             const double *py, size_t np, const mn_index *group, double cutoff,
                             mn__np_gap **cand, size_t *n);

/* Neighbour rule "voronoi": every pair of particles of different groups whose Voronoi cells,
 * clipped to the W x H box, share an edge (nanoparticle-voronoi.c; any grid). */
mn_status mn__np_gaps_voronoi(mn_context *ctx, const mn__np_grid *grid, const double *px,
                              const double *py, size_t np, const mn_index *group, double W,
                              double H, mn__np_gap **cand, size_t *n);

#endif
