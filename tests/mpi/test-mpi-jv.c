/*
 * The analytic Jacobian-vector product of the distributed simulation (lib/mpi/sim-jv.c) on 1,
 * 2 or 3 ranks, against independent references:
 *
 * - a central finite difference of the right-hand side, (f(x + h v) - f(x - h v)) / (2 h), at a
 *   point of a running simulation (states inside their bounds), for miranda junctions (one
 *   state, 000 eqs 1-4) and filament junctions (three states d, w, bridged, 003 eqs 1-3: the
 *   block loops; v on d and w), on a random network whose edges are split over the ranks
 *   (relative to the largest |J v|: within 1e-5, h = 1e-6 max|x| / max|v|; measured 1e-7; the
 *   difference has truncation error h^2 and solver noise 1e-12 / h);
 * - a run with analytic products and one with CVODE's difference quotients reach the same
 *   source current at T within 1e-6 (both integrate to rtol 1e-8), and the analytic run needs
 *   fewer right-hand sides (its products solve no right-hand side).
 *
 * It links the library's objects to call the internal product (mn__mpi_sim_jtimes) and the
 * right-hand side (mn__mpi_sim_evaluate).
 */
#include "mpi/sim-impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rank, size, fails;

#include "mpi-check.h"

static double hash01(uint64_t k)
{
    return mpi_check_unit(k * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
}

#define NNODE 40
#define MAXE (3 * NNODE)
static mn_index eu[MAXE], ev[MAXE];
static double elen[MAXE];
static int m;

/* a simulation of `model` on this rank's block of the network, source at `volts` */
static mn_mpi_sim *make_sim(mn_context *ctx, const char *model, double volts, mn_mpi_graph **g,
                            mn_mpi_kirchhoff **k, mn_waveform **w)
{
    mn_model *md = NULL;
    mn_mpi_sim *s = NULL;
    OK(ctx, mn_model_new(&md, ctx, model));
    if (!strcmp(model, "filament")) {
        OK(ctx, mn_model_set(md, "beta", 150.0)); /* contrast below 1e12 */
        OK(ctx, mn_model_set(md, "rd", 1e-2));
        OK(ctx, mn_model_set(md, "rw", 100.0));
    }
    size_t e0 = (size_t)m * (size_t)rank / (size_t)size, e1 = (size_t)m * (size_t)(rank + 1) / (size_t)size;
    OK(ctx, mn_mpi_graph_new(g, ctx, MPI_COMM_WORLD, NNODE));
    OK(ctx, mn_mpi_graph_add_edges(*g, eu + e0, ev + e0, e1 - e0));
    OK(ctx, mn_mpi_graph_set_edge_lengths(*g, elen + e0));
    OK(ctx, mn_mpi_graph_partition(*g, MN_MPI_PARTITION_BLOCK));
    OK(ctx, mn_mpi_kirchhoff_new(k, *g));
    mn_index left[2] = {0, 1}, right[2] = {NNODE - 2, NNODE - 1};
    OK(ctx, mn_mpi_kirchhoff_add_electrode(*k, left, rank == 0 ? 2 : 0, NULL));
    OK(ctx, mn_mpi_kirchhoff_add_electrode(*k, right, rank == 0 ? 2 : 0, NULL));
    OK(ctx, mn_mpi_sim_new(&s, *k, md));
    OK(ctx, mn_waveform_new_dc(w, ctx, volts));
    OK(ctx, mn_mpi_sim_set_waveform(s, 0, *w));
    OK(ctx, mn_mpi_sim_set_tolerances(s, 1e-8, 1e-12));
    mn_model_free(md);
    return s;
}

static void free_sim(mn_mpi_sim *s, mn_mpi_kirchhoff *k, mn_mpi_graph *g, mn_waveform *w)
{
    mn_mpi_sim_free(s);
    mn_mpi_kirchhoff_free(k);
    mn_mpi_graph_free(g);
    mn_waveform_free(w);
}

static double gmax(double x)
{
    double y = x;
    MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return y;
}

/* analytic J v against the central difference at the state after a short run */
static void check_fd(const char *model, double volts, double t_run, size_t n_vary)
{
    mn_context *ctx;
    mn_mpi_graph *g;
    mn_mpi_kirchhoff *k;
    mn_waveform *w;
    OK(NULL, mn_context_new(&ctx));
    mn_mpi_sim *s = make_sim(ctx, model, volts, &g, &k, &w);
    OK(ctx, mn_mpi_sim_init_default(s, 0.0));
    OK(ctx, mn_mpi_sim_run(s, t_run));
    size_t ns = s->ns, nst = s->nst;
    double t = mn_mpi_sim_time(s);
    double *x = malloc((ns + 1) * sizeof *x), *v = malloc((ns + 1) * sizeof *v);
    double *xp = malloc((ns + 1) * sizeof *xp), *fp = malloc((ns + 1) * sizeof *fp);
    double *fm = malloc((ns + 1) * sizeof *fm), *Jv = malloc((ns + 1) * sizeof *Jv);
    memcpy(x, mn_mpi_sim_states(s), ns * sizeof *x);
    /* v: a function of the global state index only (the same for any rank count), on the
     * first n_vary states of each junction */
    int64_t e0 = mn_mpi_graph_edge_offset(g);
    double xn = 0, vn = 0;
    for (size_t i = 0; i < ns; i++) {
        size_t e = i / nst, j = i % nst;
        v[i] = j < n_vary ? hash01((uint64_t)((e0 + (int64_t)e) * (int64_t)nst + (int64_t)j)) - 0.5 : 0.0;
        if (fabs(x[i]) > xn) xn = fabs(x[i]);
        if (fabs(v[i]) > vn) vn = fabs(v[i]);
    }
    xn = gmax(xn), vn = gmax(vn);
    double h = 1e-6 * xn / vn;
    /* v only on states whose perturbation stays inside the bounds (the clamp would cut the
     * difference); enough of them must remain */
    double nv = 0;
    for (size_t i = 0; i < ns; i++) {
        if (v[i] != 0 && (x[i] - 2 * h * fabs(v[i]) <= s->lo[i] || x[i] + 2 * h * fabs(v[i]) >= s->hi[i]))
            v[i] = 0;
        nv += v[i] != 0;
    }
    double nv_all = 0;
    MPI_Allreduce(&nv, &nv_all, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    CHECK(nv_all >= 10, "%s: only %g states inside their bounds", model, nv_all);
    OK(ctx, mn__mpi_sim_jtimes(s, t, x, NULL, v, Jv));
    for (size_t i = 0; i < ns; i++) xp[i] = x[i] + h * v[i];
    OK(ctx, mn__mpi_sim_evaluate(s, t, xp, 0, fp));
    for (size_t i = 0; i < ns; i++) xp[i] = x[i] - h * v[i];
    OK(ctx, mn__mpi_sim_evaluate(s, t, xp, 0, fm));
    double jmax = 0, dmax = 0;
    for (size_t i = 0; i < ns; i++) {
        double fd = (fp[i] - fm[i]) / (2 * h);
        if (fabs(fd) > jmax) jmax = fabs(fd);
        if (fabs(Jv[i] - fd) > dmax) dmax = fabs(Jv[i] - fd);
    }
    jmax = gmax(jmax), dmax = gmax(dmax);
    CHECK(jmax > 0 && dmax <= 1e-5 * jmax, "%s: |Jv - finite difference| = %.3g, max |Jv| = %.3g",
          model, dmax, jmax);
    if (rank == 0)
        printf("%s (t = %g, %d rank(s), %g states varied): max |Jv - FD| / max |FD| = %.2g\n",
               model, t, size, nv_all, dmax / jmax);
    free(x), free(v), free(xp), free(fp), free(fm), free(Jv);
    free_sim(s, k, g, w);
    mn_context_free(ctx);
}

/* a run with each method: I(T), right-hand sides */
static void run_method(mn_mpi_jv_method method, double *cur, double *rhs, double *jv)
{
    mn_context *ctx;
    mn_mpi_graph *g;
    mn_mpi_kirchhoff *k;
    mn_waveform *w;
    OK(NULL, mn_context_new(&ctx));
    mn_mpi_sim *s = make_sim(ctx, "miranda", 2.0, &g, &k, &w);
    OK(ctx, mn_mpi_sim_set_jv_method(s, method));
    OK(ctx, mn_mpi_sim_init_default(s, 0.0));
    OK(ctx, mn_mpi_sim_run(s, 0.2));
    *cur = mn_mpi_sim_electrode_current(s, 0);
    *rhs = mn_mpi_sim_stat_get(s, MN_MPI_SIM_STAT_RHS);
    *jv = mn_mpi_sim_stat_get(s, MN_MPI_SIM_STAT_JV);
    CHECK(mn_mpi_sim_set_jv_method(s, (mn_mpi_jv_method)7) == MN_ERR_RANGE, "method 7 accepted");
    free_sim(s, k, g, w);
    mn_context_free(ctx);
}

int main(void)
{
    if (mpi_check_start()) return 1;
    uint64_t r = 1;
    for (int i = 1; i < NNODE; i++) eu[m] = (mn_index)(hash01(r++) * i), ev[m++] = i;
    while (m < 5 * NNODE / 2) {
        int a = (int)(hash01(r++) * NNODE), b = (int)(hash01(r++) * NNODE);
        if (a != b) eu[m] = a, ev[m++] = b;
    }
    for (int e = 0; e < m; e++) elen[e] = 0.1 + 0.04 * hash01(r++);

    check_fd("miranda", 2.0, 0.1, 1);
    check_fd("filament", 4.0, 0.05, 2);

    double Ia, ra, ja, Id, rd, jd;
    run_method(MN_MPI_JV_ANALYTIC, &Ia, &ra, &ja);
    run_method(MN_MPI_JV_DIFFERENCE, &Id, &rd, &jd);
    CHECK(fabs(Ia - Id) <= 1e-6 * fabs(Id), "I(T): analytic %.15g, difference quotient %.15g", Ia, Id);
    CHECK(ja > 0 && ra < rd, "right-hand sides: analytic %g (%g products), difference %g (%g)", ra,
          ja, rd, jd);
    if (rank == 0)
        printf("I(T) analytic %.12g, difference quotient %.12g (rel %.2g); right-hand sides %g "
               "and %g, products %g and %g\n", Ia, Id, fabs(Ia - Id) / fabs(Id), ra, rd, ja, jd);
    return mpi_check_finish("mpi-jv");
}
