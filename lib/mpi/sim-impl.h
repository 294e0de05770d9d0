/*
 * Layout of the distributed simulation (mn_mpi_sim), shared by lib/mpi/sim*.c only.
 * memnet's internal headers come before PETSc's (whose complex.h defines the macro I).
 */
#ifndef MEMNET_MPI_SIM_IMPL_H
#define MEMNET_MPI_SIM_IMPL_H

#include "models/models-private.h"
#include "sim/sim-private.h"
#include "sim/sim-cvode.h"

#include "mpi-private.h"
#include "sensitivity.h"

#include <nvector/nvector_mpiplusx.h>
#include <nvector/nvector_serial.h>
#include <stdio.h>
#include <sundials/sundials_linearsolver.h>

#define MN__MPI_EVENT_KEEP 1000000u

typedef struct mn__mpi_jv mn__mpi_jv; /* sim-jv.c */

typedef struct mn__mpi_event {
    double t;
    int64_t edge; /* global edge id */
    int kind;     /* mn_sim_event_kind */
} mn__mpi_event;

struct mn_mpi_sim {
    mn_context *ctx;
    mn_mpi_kirchhoff *k;
    mn_context *lctx;       /* context of the local graph and network */
    mn_graph *lg;           /* this rank's edges over its local nodes */
    mn_network *net;
    size_t ns, m;           /* local states, local edges */
    const size_t *off;      /* state offsets of the local edges (m + 1) */
    size_t nst;             /* states per junction (one model) */
    int64_t eoff;           /* global id of the first local edge */
    double *xc, *lo, *hi, *G;
    unsigned char *free_state; /* 1: state of an edge with events (not held at its bounds) */
    mn_waveform **wf;       /* per electrode (NULL = 0 V) */
    double *el_phi;         /* applied potentials of the last evaluation */
    double rtol, atol;
    double t, seg_end;
    int initialised, cv_ready;
    SUNContext sun;
    N_Vector yl, y;
    void *cvode;
    SUNLinearSolver ls;
    uint64_t n_rhs, n_root, n_jv;
    double jv_rtol;         /* Kirchhoff tolerance inside Jv products (0: the solver's) */
    mn_mpi_jv_method jv_method;
    mn__mpi_jv *jv;         /* analytic Jv (sim-jv.c) */
    long steps_prev, lin_prev; /* CVODE's counters of the segments before the last restart */
    mn_status rhs_status;   /* first failure inside a CVODE callback */
    /* per-junction block preconditioner (sim-precond.c) */
    size_t njac;
    const size_t *joff;
    double *Jx, *Ablk, *Pinv, *fI, *Gx;
    uint64_t n_psetup;
    /* evaluation cache: the solver's results belong to (tc, xkey, tc_left) */
    double *xkey;
    double tc;
    int tc_left, cache_valid;

    /* events (sim-events.c) */
    size_t nev;             /* local event functions */
    int64_t nev_global;     /* over all ranks: 0 = no root function */
    const size_t *evoff;    /* per local edge (m + 1) */
    double *gev;            /* nev */
    int *fired;             /* nev */
    mn_index *jumped;       /* m */
    mn__mpi_event *evlog;   /* ring of MN__MPI_EVENT_KEEP, grown on demand */
    size_t evcap;
    uint64_t n_events, ev_first; /* events before ev_first happened before a restore */
    FILE *ev_csv;           /* rank 0 */

    /* recording (sim-record.c) */
    int samp_on;
    double samp_t0, samp_dt;
    uint64_t samp_k;
    int64_t *rec;           /* recorded global edges */
    size_t n_rec;
    double *rec_buf, *rec_all; /* n_rec * nst */
    FILE *csv;              /* rank 0 */
    int csv_on;             /* rows are written (known on every rank) */
    mn_mpi_sim_sample_fn samp_fn;
    void *samp_user;
};

/* sim.c: V, I (and rates into dxdt, if not NULL) at (t, x); left: the waveforms' left
 * limits. Collective; skips the solve when the cache belongs to (t, x, left) on every rank. */
mn_status mn__mpi_sim_evaluate(mn_mpi_sim *s, double t, const double *x, int left,
                               double *dxdt);
/* sim.c: forget the solver's hierarchy and warm start, restart the integrator at (t, x) and
 * solve there: the common starting point of a saving run and a resumed one */
mn_status mn__mpi_sim_reset_at(mn_mpi_sim *s);
/* sim.c: the SUNDIALS context and the MPI+X state vector (once); collective */
mn_status mn__mpi_sim_make_vectors(mn_mpi_sim *s);

/* sim-events.c */
mn_status mn__mpi_sim_events_init(mn_mpi_sim *s);
void mn__mpi_sim_events_free(mn_mpi_sim *s);
/* the global root function (max over the ranks' event functions) at (t, x) */
mn_status mn__mpi_sim_root(mn_mpi_sim *s, double t, const double *x, double *g);
/* fire the events with g >= 0 at (s->t, x), jump the states, log; collective */
mn_status mn__mpi_sim_apply_events(mn_mpi_sim *s, double *x);

/* sim-precond.c */
mn_status mn__mpi_sim_precond_init(mn_mpi_sim *s);
void mn__mpi_sim_precond_free(mn_mpi_sim *s);
int mn__mpi_sim_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                       sunbooleantype *jcur, sunrealtype gamma, void *user);
int mn__mpi_sim_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z,
                       sunrealtype gamma, sunrealtype delta, int lr, void *user);

/* sim-jv.c: the analytic Jacobian-vector product J v at (t, x) (fy = f(t, x), may be NULL),
 * collective; CVODE's callback */
mn_status mn__mpi_sim_jv_init(mn_mpi_sim *s);
void mn__mpi_sim_jv_free(mn_mpi_sim *s);
mn_status mn__mpi_sim_jtimes(mn_mpi_sim *s, double t, const double *x, const double *fy,
                             const double *v, double *Jv);
int mn__mpi_sim_cv_jtimes(N_Vector v, N_Vector Jv, sunrealtype t, N_Vector y, N_Vector fy,
                          void *user, N_Vector tmp);

/* sim-record.c */
void mn__mpi_sim_record_free(mn_mpi_sim *s);
double mn__mpi_sim_next_sample(const mn_mpi_sim *s);
int mn__mpi_sim_sample_close(const mn_mpi_sim *s);
/* the samples due at s->t (states x), with close: also those a few roundings later:
 * evaluate, CSV row, callback; collective */
mn_status mn__mpi_sim_emit_samples(mn_mpi_sim *s, const double *x, int left, int close);

#endif
