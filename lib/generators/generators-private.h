/* Internal layout of mn_gen, shared by the generator sources. */
#ifndef MEMNET_GENERATORS_PRIVATE_H
#define MEMNET_GENERATORS_PRIVATE_H

#include <memnet/generators.h>
#include "core/core-private.h"
#include "graph/graph-private.h"

#define MN__GEN_NOPT 27

enum { MN__EL_RECT = 0, MN__EL_DISC = 1, MN__EL_IDS = 2 };

typedef struct mn__gen_electrode {
    char *name;
    int type;
    double a, b, c, d; /* rect x0 y0 x1 y1, disc cx cy r */
    mn_index *ids;
    size_t n;
} mn__gen_electrode;

struct mn_gen {
    mn_context *ctx;
    double real[MN__GEN_NOPT];
    int64_t ival[MN__GEN_NOPT];
    int gap_set; /* MN_GEN_JUNCTION_GAP set explicitly */
    mn__gen_electrode *el;
    size_t n_el;
    double *cb_S;
    size_t n_cb_S;
    /* extras of the last run */
    double *wx0, *wy0, *wx1, *wy1;
    size_t n_wires;
    double *px, *py;
    mn_index *pnode;
    size_t n_part;
    mn_index *node_map;
    size_t n_map;
    mn_index *node_wire;
    double coverage;
    mn_index *mem_edges, *res_edges;
    size_t n_mem, n_res;
    double *res_G, *emf;
};

/* Forget the extras of the last run. */
void mn__gen_reset_results(mn_gen *gen);

/* The electrodes to use: the ones added, or the default left/right pads (as rects) for a
 * W x H box. *list points into gen or into `defaults` (2 entries, names static). */
size_t mn__gen_electrodes(mn_gen *gen, double W, double H, mn__gen_electrode defaults[2],
                          const mn__gen_electrode **list);

/* Whether segment (x0,y0)-(x1,y1) touches electrode region e (rect or disc); if so, *t is
 * the parameter in [0,1] of the touching point closest to the segment's middle. */
int mn__seg_touches(const mn__gen_electrode *e, double x0, double y0, double x1, double y1,
                    double *t);
/* Whether the disc of centre (x,y), radius r touches region e. */
int mn__disc_touches(const mn__gen_electrode *e, double x, double y, double r);

/* Finish a generated graph: electrode node sets (sets[i] with counts), optional extraction
 * of the electrode components, record node map (object -> node) of length n_obj where
 * object i is node i of g (n_obj may be 0 to skip). Takes ownership of *g. */
mn_status mn__gen_finish(mn_gen *gen, mn_graph **out, mn_graph *g, const mn__gen_electrode *el,
                         size_t n_el, mn_index **sets, const size_t *set_n, int extract,
                         size_t n_obj);

/* Record edge kinds from value column 0/1/2 of g (or "all memristors" if g has no columns). */
mn_status mn__gen_record_kinds(mn_gen *gen, const mn_graph *g);

/* Build a graph from arrays (all copied; len/ex/ey/nx/ny/cols may be NULL). */
mn_status mn__gen_build(mn_graph **out, mn_context *ctx, size_t nn, size_t m, const mn_index *u,
                        const mn_index *v, const double *len, const double *ex,
                        const double *ey, const double *nx, const double *ny, size_t ncols,
                        const double *const *cols);

/* A crossing of wires a < b, at parameters ta, tb in [0, 1] along them, at point (x, y). */
typedef struct mn__junction {
    mn_index a, b;
    double ta, tb;
    double x, y;
} mn__junction;

/* All crossings of n straight segments (x0,y0)-(x1,y1) with lengths len (nanowire-intersect.c):
 * *out (mn__malloc'ed, caller frees; NULL when there are none) sorted by (a, b), *n_out their
 * number. Parallel segments never cross (collinear overlaps are not junctions). With
 * count_only, only *n_out is computed (out may be NULL) and nothing grows with the count.
 * Expected O(n + junctions) on a uniform grid of cell about the mean length.
 * MN_ERR_RANGE beyond 2^31-1 junctions, MN_ERR_NOMEM. */
mn_status mn__wire_crossings(mn_context *ctx, size_t n, const double *x0, const double *y0,
                             const double *x1, const double *y1, const double *len,
                             int count_only, mn__junction **out, size_t *n_out);

/* The graph of n wires and their crossings J (sorted as mn__wire_crossings gives them) with
 * the electrodes el and the options of gen (multi-node, gap, wire resistance, keep)
 * (nanowire-graph.c). On success the wire end points *px0 .. *py1 move into gen
 * (mn_gen_wires()) and the pointers are set to NULL; on failure they stay with the caller. */
mn_status mn__wires_graph(mn_graph **out, mn_gen *gen, size_t n, double **px0, double **py0,
                          double **px1, double **py1, const double *len, const mn__junction *J,
                          size_t nJ, const mn__gen_electrode *el, size_t n_el);

/* Sampling helpers */
double mn__gen_gamma(mn__rng_state *r, double k);

#endif
