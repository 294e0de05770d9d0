/* Layout of the simulation handle, shared by the files of lib/sim only. */
#ifndef MEMNET_SIM_IMPL_H
#define MEMNET_SIM_IMPL_H

#include "sim/sim-private.h"
#include "kirchhoff/kirchhoff-private.h"
#include "models/models-private.h"

#include <stdio.h>
#include <time.h>

#define MN__SIM_EVENT_KEEP 1000000u
#define MN__SIM_MAX_SAMPLES 1e9 /* samples per run call (mn__sim_check_limits) */

/* vectors made before CVODE's set-up, handed out by their clone operation (sim_vpool.c) */
typedef struct mn__sim_vpool {
    void **v;             /* N_Vector; NULL once handed out */
    size_t n, next;       /* made, handed out */
    size_t extra;         /* clones made beyond them */
} mn__sim_vpool;

typedef struct mn__sim_event {
    double t;
    mn_index edge;
    int kind;
} mn__sim_event;

struct mn_sim {
    mn_context *ctx;
    mn_network *net;
    mn_graph *g;
    size_t m, nn, ns;     /* edges, nodes, model states */
    size_t nx;            /* integrated values: ns (+ 2 with energy tracking) */
    const size_t *off;    /* state offsets (m + 1) */
    const size_t *joff;   /* rate_dx block offsets (m + 1) */
    size_t njac;
    mn_kirchhoff *kir;

    /* sources */
    size_t n_el;
    mn_waveform **el_wf;  /* n_el, NULL = 0 V */
    double *el_phi;       /* applied potentials of the last evaluation */
    mn_waveform *isrc_wf; /* current source or NULL */
    mn_index *isrc_from, *isrc_to;
    size_t isrc_nfrom, isrc_nto;
    double isrc_amps;     /* applied current of the last evaluation */
    double isrc_last;     /* value last given to the Kirchhoff solver */
    int isrc_set;
    double *emf;          /* m or NULL */
    /* current-controlled and floating electrodes (sim_electrodes.c): their potential is solved
       so that their net current is the prescribed one (0 when floating) */
    size_t el_ext_n;      /* length of the arrays below (electrodes that existed when set) */
    mn_waveform **el_iwf; /* current waveform (A) of a current-controlled electrode, or NULL */
    unsigned char *el_cur; /* 1: current-controlled */
    double **el_fl;       /* floating intervals [a0, b0, a1, b1, ...] or NULL */
    size_t *el_nfl;       /* number of intervals */
    size_t n_fe;          /* electrodes with a solved potential at the cached evaluation */
    size_t *fe;           /* their ids (n_el) */
    double *fe_R;         /* n_fe x n_fe response: current of f per volt on g (n_el^2) */
    double *fe_V;         /* n_fe x m edge voltages of each unit response */
    double *fe_tmp;       /* 3 n_el scratch */

    /* present state */
    double t;
    double *x;            /* nx values at time t */
    int started;          /* a run has started: electrodes are fixed */

    /* evaluation cache (the Kirchhoff solution belongs to xc_key at tc_key) */
    double *xc;           /* clamped states used for the evaluation (ns) */
    double *xc_key;       /* the unclamped states the cache belongs to (ns) */
    double tc_key;
    int tc_left;
    int cache_valid;
    double *G;            /* conductances of the cached evaluation (m) */
    const double *V, *I;  /* borrowed from the Kirchhoff solver */
    double *lo, *hi;      /* state bounds (ns) */
    unsigned char *free_state; /* 1: state of an edge with events, not held at its bounds */
    size_t n_held;        /* states of the cache held at a bound (clamped, not free) */
    signed char *hold;    /* ns: held at the upper (1) / lower (-1) bound (sim_walls.c) */
    size_t n_hold;
    double *rbuf;         /* model rates at the cache point (nx), sim_walls.c */
    int scalar;           /* every edge has one state: state e, Jacobian block e */

    /* Jacobian pieces at the cache point */
    int partials_valid;
    int partials_lagged;  /* partials kept from the last preconditioner setup */
    int lag_partials;     /* lagging allowed (CVODE runs) */
    double *Jx;           /* rate_dx blocks (njac) */
    double *fV, *fI, *Gx; /* ns each */
    double *dG, *dV, *dI; /* m each */
    double *P;            /* preconditioner blocks (njac), inverted */
    double *A;            /* local Jacobian blocks (njac) for psetup reuse */
    double gamma_P;

    /* options */
    int integrator;
    double rtol, atol, dt_fixed, hmax;
    int64_t max_steps;
    int energy;
    int newton_mode;      /* Newton's linear solver, MN__SIM_NEWTON_* (sim-private.h) */
    int newton_explicit;  /* mn_sim_set_newton was called: a checkpoint's mode does not replace it */

    /* CVODE */
    void *sunctx;         /* SUNContext */
    void *cvode;
    void *y;              /* N_Vector */
    void *ytmp;           /* N_Vector for dense output */
    void *LS;             /* SUNLinearSolver */
    mn__sim_vpool vpool;  /* CVODE's and SPGMR's vectors, made beforehand */
    int cv_kind;          /* integrator the CVODE memory was made for, -1 none */
    int need_restart;     /* reinitialise at (t, x) before the next step */
    int kh_forget;        /* a checkpoint was saved or loaded: the Kirchhoff solver forgets its
                             AUTO history at the next restart (mn__kirchhoff_forget), so the
                             saving and the resumed run continue identically */
    double cv_tn;         /* CVODE's internal time */
    double cv_tstop;      /* stop time set in CVODE (NaN: none yet) */
    double seg_start, seg_end;
    int cv_active;
    char cv_msg[256];

    /* fixed step */
    double grid_t0;
    uint64_t grid_k;
    double *fbuf;         /* nx */
    unsigned char *has_exact; /* m */
    double *gprev;        /* event values after the last fixed step (nev) */
    int gprev_valid;
    /* explicit Euler's stability (sim_stability.c) */
    signed char *stab_side; /* ns: clamped at the upper (1) / lower (-1) bound by the last step */
    signed char *stab_from; /* ns: at that bound when the step started */
    double stab_limit;    /* smallest 2/|lambda| seen (INFINITY: none) */
    uint64_t st_unstable; /* fixed steps above the limit or overshooting a bound */

    /* events */
    size_t nev;
    const size_t *eoff;
    double *gev;
    int *fired;
    int *rootsfound;
    mn_index *jumped;
    double *Gold, *Gnew;
    mn__sim_event *evlog; /* ring of MN__SIM_EVENT_KEEP, grown on demand */
    size_t evcap;
    uint64_t n_events;
    uint64_t ev_first;    /* events before this index happened before a checkpoint restore */
    FILE *ev_csv;
    mn_sim_event_fn ev_fn;
    void *ev_user;

    /* recording */
    int samp_mode;        /* 0 none, 1 list, 2 interval */
    double *samp_t;
    size_t samp_n;
    double samp_t0, samp_dt;
    uint64_t samp_k;      /* next sample index */
    mn_index *rec_edges;
    size_t n_rec;
    FILE *csv;
    mn_sim_sample_fn samp_fn;
    void *samp_user;
    double *snap_t;
    size_t snap_n, snap_i;
    char *snap_prefix;
    mn_sim_sample_fn snap_fn;
    void *snap_user;
    mn_sim_sample_fn step_fn;
    void *step_user;
    int sample_pcg;       /* outputs solved by PCG on the present factor (sim_output.c) */
    mn__sim_observer obs; /* the library's observer (sim_observer.c), zero: none */
    mn_sim_progress_fn prog_fn;
    void *prog_user;
    int64_t prog_every;
    double run_end;

    /* statistics */
    uint64_t st_steps, st_rhs, st_jv, st_lin, st_newton, st_psetup, st_errfail, st_root,
        st_restarts, st_solves, st_output_solves, st_convfail;
    uint64_t ns_model, ns_cvode, ns_callbacks, ns_output, ns_run; /* wall nanoseconds */
    long cv_base[6]; /* CVODE counters at the last (re)creation, accumulated on recreation */
};

/* monotonic wall clock in nanoseconds (the statistics' time split) */
static inline uint64_t mn__sim_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* sim.c: the edge a state index belongs to */
size_t mn__sim_edge_of_state(const mn_sim *s, size_t i);

/* sim_rhs.c */
/* refuse runs to t_end whose sample interval or step would never end (sim_step.c) */
mn_status mn__sim_check_limits(const mn_sim *s, double t_end);

/* evaluate at (t, x): Kirchhoff solve, fills the cache; dxdt (nx values) may be NULL */
mn_status mn__sim_eval(mn_sim *s, double t, const double *x, int left, double *dxdt);
/* dx/dt (and the energy rates) from the cache, which must belong to x */
mn_status mn__sim_rates_from_cache(mn_sim *s, const double *x, double *dxdt);
/* whether the cache belongs to (t, x, left) */
int mn__sim_cache_matches(const mn_sim *s, double t, const double *x, int left);
/* reevaluate at (t, x, left) unless the cache belongs to it */
mn_status mn__sim_ensure_cache(mn_sim *s, double t, const double *x, int left);
/* the model partials at the cache point (kept while lagged) */
mn_status mn__sim_ensure_partials(mn_sim *s);
/* side of a waveform jump to use at time t inside the present segment */
int mn__sim_side_at(const mn_sim *s, double t);
/* J v at the cache point with the present partials */
mn_status mn__sim_jv_apply(mn_sim *s, const double *v, double *Jv);
/* mean potential of the nodes of the last solve */
double mn__sim_mean_phi(const mn_sim *s, const mn_index *nodes, size_t n);

/* sim_cvode.c */
/* CVODE's counters added to the statistics */
void mn__sim_cv_accumulate(mn_sim *s);
/* free the CVODE memory, vectors and linear solver (the counters are kept) */
void mn__sim_cv_free(mn_sim *s);
/* the next breakpoint of the sources after t (INFINITY: none) */
double mn__sim_next_breakpoint(const mn_sim *s, double t);
/* sim_electrodes.c: current-controlled and floating electrodes */
double mn__sim_electrodes_next_breakpoint(const mn_sim *s, double t);
mn_status mn__sim_electrodes_check(mn_sim *s, double t0);
/* set the potentials and conductances and solve Kirchhoff at (t, left), the potentials of the
   current-controlled and floating electrodes solved for their currents (s->el_phi updated) */
mn_status mn__sim_electrodes_solve(mn_sim *s, double t, int left);
/* correct the fixed-potential sensitivity dV for the free electrodes of the cached solve */
mn_status mn__sim_electrodes_jv(mn_sim *s, const double *dG, double *dV);
void mn__sim_electrodes_free(mn_sim *s);
/* (re)start the integrator at (s->t, s->x): new segment up to the next breakpoint */
mn_status mn__sim_integrator_restart(mn_sim *s);

/* sim_output.c */
/* the next sample or snapshot time (INFINITY: none) */
double mn__sim_next_output_time(const mn_sim *s);
/* emit the outputs due at the present time s->t (state s->x) */
mn_status mn__sim_emit_outputs(mn_sim *s, int left);

/* sim_stability.c: explicit Euler steps above the stability limit or overshooting a bound */
/* at the start of a fixed step of length h (rates in s->fbuf, the cache at (t, x)) */
mn_status mn__sim_stability_check(mn_sim *s, double h);
/* after the update, before the clamp */
void mn__sim_stability_mark(mn_sim *s);
/* forget the last step (a restart) */
void mn__sim_stability_reset(mn_sim *s);

/* sim_walls.c: states held at a bound while their rate pushes out (CVODE runs) */
/* zero rates / Jacobian rows / preconditioner rows of the held states */
void mn__sim_walls_rates(mn_sim *s, const double *x, double *dxdt);
void mn__sim_walls_jv(const mn_sim *s, const double *v, double *Jv);
void mn__sim_walls_precond(mn_sim *s);
/* between steps, at (t, x) (x may be changed: held states are put on their bound): hold the
   states on or beyond a bound whose rate points out, release those whose rate points in;
   *changed = 1 if any hold changed (then the integrator must restart) */
mn_status mn__sim_walls_update(mn_sim *s, double t, double *x, int left, int *changed);
/* no state held */
void mn__sim_walls_reset(mn_sim *s);

/* sim.c */
/* PCG tolerances of the Kirchhoff solves on a stale factor, relative residuals: the integrator's
   right-hand sides to MN__SIM_STEP_SOLVE_RTOL times rtol, its Jacobian-vector products to
   MN__SIM_JV_SOLVE_RTOL (set at creation and by mn_sim_set_tolerances) */
#define MN__SIM_STEP_SOLVE_RTOL 1e-5
#define MN__SIM_JV_SOLVE_RTOL 1e-4
void mn__sim_solve_tolerances(mn_sim *s);

/* sim_events.c */
/* apply s->fired at the present (t, x): jump the states, update Kirchhoff, log */
mn_status mn__sim_apply_events(mn_sim *s);

#endif
