/*
 * Inside of the Kirchhoff solver (lib/kirchhoff only; other modules use kirchhoff-private.h).
 *
 * Kirchhoff solver: grounded weighted Laplacian on the free nodes, factorised by CHOLMOD.
 *
 * Unknowns: the potentials of the free nodes (not in an electrode, not the injection ground).
 * KCL at a free node i: sum_e B_ie G_e (V_e + S_e) = j_i, i.e. (B G B^T) phi = j - B G S,
 * with the Dirichlet columns moved to the right-hand side. The matrix pattern holds every edge
 * between free nodes (also zero conductances) so that the symbolic analysis depends only on
 * the topology and the electrode configuration. Floating nodes (no path of positive
 * conductance to a Dirichlet node) get an identity row: the pattern is unchanged, they are
 * decoupled exactly (their couplings are zero conductances), and they hold 0.
 *
 * Strategies: numeric refactorisation (supernodal LL'), rank-k update/downdate of a simplicial
 * LDL' copy (cholmod_updown; the update columns are permuted by the fill-reducing ordering),
 * PCG preconditioned by the last factor and warm-started from the last solution.
 *
 * CHOLMOD int version: indices are int; the 10^7-junction target (about 1.7e6 unknowns,
 * nnz(L) of order 1e8 on 2-D stick networks) fits in int and saves 1/3 of the index memory.
 * An analysis whose factor would exceed INT_MAX entries fails with MN_ERR_RANGE.
 */
#ifndef MEMNET_KIRCHHOFF_IMPL_H
#define MEMNET_KIRCHHOFF_IMPL_H

#include "kirchhoff-private.h"

#include "core/core-private.h"
#include "graph/graph-private.h"

#include <cholmod.h>
#include <stdint.h>

#define MN__UPD_CHUNK 8
/* above this max/min conductance ratio the cancellation-free elimination is used */
#define MN__GTH_RATIO MN__KH_CONTRAST_MAX

/* the factor's elimination tree cut into subtrees per thread (treesplit.c) */
typedef struct mn__kh_split {
    uint64_t analysis;       /* n_analyse it was made for */
    int want;                /* thread count asked for */
    int nthreads;            /* partitions; 1: no split (serial kernels) */
    int nsuper;              /* supernodes of the factor it cuts */
    int *roff;               /* thread t owns ranges roff[t] .. roff[t+1]-1 */
    int *rs0, *rs1;          /* range: supernodes [rs0, rs1), a subtree in postorder */
    int *top;                /* the other supernodes (the top part), ascending */
    int ntop;
    double **buf;            /* per thread t >= 1: nf doubles, zero between kernels */
    double **w;              /* per thread t >= 1: L->maxesize doubles of workspace */
    double gain;             /* estimated speed-up of a solve (by entries of L) */
} mn__kh_split;

typedef struct mn__electrode {
    mn_index *nodes;
    size_t n;
    double volts;
} mn__electrode;

struct mn_kirchhoff {
    mn_context *ctx;
    mn_graph *g;
    size_t n, m;             /* nodes, edges at creation */
    /* configuration */
    mn__electrode *el;
    size_t n_el, cap_el;
    mn_index *inj_from, *inj_to;
    size_t n_from, n_to;
    double inj_amps;
    int have_inj;
    double *emf;             /* m or NULL */
    double *G;               /* m or NULL (not set) */
    double *G_fac;           /* conductances the factor represents (m) */
    mn_kirchhoff_strategy strategy;
    mn_kirchhoff_ordering ordering;
    int ordering_used;
    int metis_via_cholmod;   /* METIS through cholmod_analyze instead of memnet's own call
                              * (analyse.c; tests of that path, and builds without metis.h) */
    double t_order;          /* wall time of the last ordering call of analyse.c (AMD or METIS
                              * on the row graph, s; 0 on CHOLMOD's path) */
    int order_threads;       /* threads of the last METIS ordering of analyse.c (1 or 2) */
    int keep_order_input;    /* for bench/kirchhoff/bench-oneshot-floor: the AMD analysis keeps
                              * a copy of the row graph it orders (order_in_p, order_in_i, in the
                              * breadth-first numbering AMD is given) and of AMD's permutation
                              * (order_out); freed with the structure */
    int *order_in_p, *order_in_i, *order_out;
    int expect_many;         /* many refactorisations follow (mn__kirchhoff_expect_refactorisations):
                              * MN_ORDERING_DEFAULT is METIS, else AMD */
    double t_fac_total, t_solve_total; /* wall time in numeric factorisations and in solves
                              * with the factor since creation (s) */
    double flops;            /* floating-point operations of one numeric factorisation (CHOLMOD's
                              * count of the last analysis): the BLAS thread policy's size */
    double cg_rtol;
    /* structure (valid when !need_analyse) */
    int need_analyse;
    int *role;               /* node -> row (>= 0), or -1 - electrode id, or INT_MIN ground */
    mn_index *row_node;      /* row -> node */
    size_t nf;               /* rows */
    int *emap;               /* edge -> index into Ax of the off-diagonal entry, -1 if none */
    int *dpos;               /* row -> index into Ax of the diagonal */
    int *eda, *edb;          /* edge -> index into Ax of the diagonal of its u / v end, -1 if
                              * that end is not a row (refill without role look-ups) */
    int *egr;                /* edge -> row grounded through it (other end held), else -1 */
    mn_index *inc_off;       /* electrode incidence: per electrode, list of (edge, sign) */
    mn_index *inc_edge;
    signed char *inc_sign;
    /* floating nodes */
    unsigned char *floating; /* n */
    mn_index *floating_list;
    size_t n_floating;
    int floating_dirty;      /* a conductance crossed zero, or first solve */
    int floating_changed;    /* floating set differs from the factor's */
    int *uf;                 /* union-find workspace (n) */
    /* changed edges since the factor (for updates) */
    mn_index *chg;
    size_t n_chg, cap_chg;
    int chg_overflow;
    unsigned char *chg_mark; /* m */
    int values_dirty;        /* G changed since A was filled (refilled lazily: ensure_A) */
    int g_changed;           /* G changed since the last prepare() */
    double gmax_est, gmin_est; /* bounds of the positive conductances (conservative) */
    /* CHOLMOD */
    cholmod_common cm;
    int cm_started;
    cholmod_sparse *A;
    cholmod_factor *L, *Lsym;
    cholmod_sparse *C;       /* update columns, nf x 8 */
    cholmod_dense *B, *X, *Y, *E, *Xs, *Bs;
    int *ipos;               /* row -> position in the factor (inverse permutation) */
    /* cancellation-free LDL' (GTH elimination) for extreme conductance ratios */
    int gth;                 /* use it (ratio above MN__GTH_RATIO, or CHOLMOD lost a pivot) */
    int gth_forced;          /* CHOLMOD reported a non-positive pivot for this topology */
    double *ground;          /* row -> conductance to held nodes (exact positive sum) */
    int *pap, *pai, *pamap;  /* lower triangle of P A P^T by columns, map into A->x */
    int *gw_head, *gw_link, *gw_pos;
    double *gw_x, *gw_s;
    int L_is_gth;            /* L holds the GTH pattern (simplicial LDL', packed) */
    double g_ratio;          /* max / min positive conductance of the last refill */
    int fac_valid;           /* L is a factor of some SPD matrix of this pattern */
    int fac_current;         /* ... of the present A */
    int have_x;              /* X holds a previous solution (warm start) */
    double *r, *p, *q;       /* PCG work (nf; z is the preconditioner's output, Xs) */
    /* results */
    double *phi, *V, *I, *el_cur;
    int solved;              /* results valid for the present conductances */
    /* statistics, cost model */
    uint64_t n_analyse, n_refactor, n_update, n_cg, n_cg_it;
    int last_strategy, last_cg_it;
    double last_resid, last_secs;
    double t_fac, t_solve, t_upd, t_conv, t_spmv;
    double t_analyse; /* wall time of the last symbolic analysis (s) */
    /* scratch reused across calls so that solves and sensitivities allocate nothing per step */
    double *volts_buf;       /* electrode potentials (n_el) */
    size_t volts_cap;
    double *dphi_buf;        /* sensitivity solution (nf) */
    size_t dphi_cap;
    double *sw_buf;          /* supernodal solve workspace (L->maxesize) */
    size_t sw_cap;
    int fac_solves;          /* solves with the present numeric factor */
    /* AUTO's refactorisation rule for slowly drifting conductances (ski rental, shared with
     * the distributed backend: kirchhoff-private.h) with the refactorisation as the setup */
    mn__kh_rule rule;
    /* AUTO's deterministic cost model (costmodel.c): the costs the rule compares, in units of
     * one floating-point operation of a numeric factorisation, from operation counts of the
     * analysis and fixed relative rates, so that the same inputs give the same choices */
    double c_fac;            /* one numeric refactorisation */
    double c_iter;           /* one PCG iteration (a solve pair with L, a product with A, vectors) */
    double c_upd;            /* one rank-1 column of an update/downdate */
    double c_conv;           /* converting a supernodal factor to simplicial LDL' */
    uint64_t cost_analysis;  /* n_analyse the costs belong to (0: not computed) */
    double sens_rtol;        /* PCG tolerance of sensitivity solves (0: cg_rtol) */
    int aside;               /* solves are output solves (mn__kirchhoff_set_output_solves) */
    double *xa_buf;          /* the warm start kept across an output solve (nf) */
    size_t xa_cap;
    double step_rtol;        /* PCG tolerance of a simulation's solves (its right-hand sides
                              * and outputs) when looser than cg_rtol (0: cg_rtol;
                              * mn__kirchhoff_set_step_tolerance) */
    /* warm starts extrapolated in time (warmstart.c): the solutions of the last three distinct
     * times of the integrator's solves, and the sources they were solved for */
    int have_t;              /* t_next holds the time of the next solve (mn__kirchhoff_set_time) */
    double t_next;
    int wn;                  /* solutions held (0..3): wh[j] at wt[j], wh[0] the newest */
    double wt[3];
    double *wh[3];
    size_t wh_cap[3];
    double *wv;              /* electrode potentials of the history (n_el) */
    size_t wv_cap;
    double w_inj;            /* injected current of the history */
    mn__kh_split split;      /* parallel solves and products (treesplit.c) */
    /* the edges of each entry of A (assemble.c: the refill and the sensitivities' right-hand
     * sides by entries, in parallel): entry p of A receives the conductances of the edges
     * rf_edge[rf_ptr[p] .. rf_ptr[p+1]-1] >> 1, ascending (bit 0: the row is the edge's v end) */
    uint64_t rf_analysis;    /* n_analyse the lists belong to (0: none) */
    int *rf_ptr, *rf_edge;
    int *rf_gnd;             /* edges grounding a row through a held node, ascending */
    size_t rf_ngnd;
    /* the backend behind the seam (the serial CHOLMOD one: backend.c) */
    const mn__kh_ops *ops;
};

/* allocate a zeroed array or fail with MN_ERR_NOMEM (needs `st`, `ctx` and a cleanup label) */
#define MN__KH_ALLOC(ptr, cnt, what)                                                            \
    do {                                                                                        \
        (ptr) = mn__calloc_or_err(ctx, (cnt), sizeof *(ptr), what);                             \
        if (!(ptr)) MN__FAIL(MN_ERR_NOMEM);                                                     \
    } while (0)

/* the electrode incidence lists as the shared result kernels take them */
static inline mn__kh_incidence mn__kh_inc(const mn_kirchhoff *k)
{
    mn__kh_incidence inc = {k->n_el, k->inc_off, k->inc_edge, k->inc_sign};
    return inc;
}


/* the serial CHOLMOD backend (backend.c); self is the mn_kirchhoff */
extern const mn__kh_ops mn__kh_cholmod_ops;

/* shared helpers (one concern per file; see the file named in each group) */
/* kirchhoff.c */
double mn__kh_now(void);
mn_status mn__kh_chol_err(mn_kirchhoff *k, const char *what);
void mn__kh_free_structure(mn_kirchhoff *k);
double *mn__kh_scratch(mn_kirchhoff *k, double **buf, size_t *cap, size_t n, const char *what);
void mn__kh_new_factor(mn_kirchhoff *k);
/* config.c */
void mn__kh_clear_changed(mn_kirchhoff *k);
/* analyse.c */
mn_status mn__kh_analyse(mn_kirchhoff *k);
/* floating.c */
int mn__kh_detect_floating(mn_kirchhoff *k);
/* assemble.c */
void mn__kh_ensure_A(mn_kirchhoff *k);
double mn__kh_ratio_est(const mn_kirchhoff *k);
void mn__kh_spmv(mn_kirchhoff *k, const double *x, double *y);
void mn__kh_refill_free(mn_kirchhoff *k);
/* b = the right-hand side of the sensitivity to dG (b_r = sum over the edges at row r of
 * -+ dG_e (V_e + S_e), u end minus, v end plus, edges at a floating node left out), nf values */
void mn__kh_sens_rhs(mn_kirchhoff *k, const double *dG, double *b);
/* exact.c */
mn_status mn__kh_gth_factor(mn_kirchhoff *k);
/* factor.c */
mn_status mn__kh_refactor(mn_kirchhoff *k);
mn_status mn__kh_fsolve(mn_kirchhoff *k, cholmod_dense *b, cholmod_dense **x);
/* supersolve.c */
void mn__kh_super_solve(const cholmod_factor *L, double *x, double *w);
void mn__kh_super_solve_par(mn_context *ctx, const mn__kh_split *sp, const cholmod_factor *L,
                            double *x, double *w);
/* treesplit.c: the split for the present analysis and thread count, or NULL (serial) */
const mn__kh_split *mn__kh_split_get(mn_kirchhoff *k);
void mn__kh_split_free(mn_kirchhoff *k);
/* update.c */
mn_status mn__kh_update_factor(mn_kirchhoff *k);
/* warmstart.c */
void mn__kh_warm_start(mn_kirchhoff *k, const double *volts);
mn_status mn__kh_warm_record(mn_kirchhoff *k, const double *volts);
/* pcg.c */
mn_status mn__kh_pcg(mn_kirchhoff *k, const double *b, double *x, int x_zero, int maxit,
                     int *iters, double *relres);
void mn__kh_pcg_account(mn_kirchhoff *k, int kind, int it);
/* costmodel.c */
void mn__kh_cost_refresh(mn_kirchhoff *k);
/* strategy.c */
mn_status mn__kh_solve_system(mn_kirchhoff *k, mn_kirchhoff_strategy s, int *used);
mn_kirchhoff_strategy mn__kh_choose(mn_kirchhoff *k);
/* solve.c */
void mn__kh_build_rhs(mn_kirchhoff *k, double *b, int with_sources, const double *el_volts);
mn_status mn__kh_prepare(mn_kirchhoff *k);
mn_status mn__kh_aux_solve(mn_kirchhoff *k, double *x, double rtol);
/* results.c */
void mn__kh_postprocess(mn_kirchhoff *k, const double *x, const double *el_volts, double *phi,
                        double *V, double *I, double *elc, int with_emf);

#endif /* MEMNET_KIRCHHOFF_IMPL_H */
