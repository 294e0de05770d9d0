/*
 * Kirchhoff solver: result kernels shared by the serial and the distributed backends: edge
 * voltages and currents from the potentials, electrode currents from the incidence lists, the
 * terminal admittance matrix and its Kron reduction to G_eff. Pure arithmetic on arrays
 * (libmemnet-mpi links this object).
 */
#include "kirchhoff-private.h"

void mn__kh_edge_results(size_t m, const mn_index *eu, const mn_index *ev, const double *phi,
                         const double *G, const double *emf, const unsigned char *floating,
                         double *V, double *I)
{
    if (floating || emf) {
        for (size_t e = 0; e < m; e++) {
            mn_index u = eu[e], v = ev[e];
            if (floating && (floating[u] || floating[v])) {
                V[e] = 0.0;
                I[e] = 0.0;
                continue;
            }
            double d = phi[u] - phi[v];
            V[e] = d;
            I[e] = G[e] * (d + (emf ? emf[e] : 0.0));
        }
    } else {
        for (size_t e = 0; e < m; e++) {
            double d = phi[eu[e]] - phi[ev[e]];
            V[e] = d;
            I[e] = G[e] * d;
        }
    }
}

void mn__kh_electrode_currents(const mn__kh_incidence *inc, const double *I, double *elc)
{
    for (size_t a = 0; a < inc->n_el; a++) {
        double s = 0.0;
        for (mn_index p = inc->off[a]; p < inc->off[a + 1]; p++)
            s += (double)inc->sign[p] * I[inc->edge[p]];
        elc[a] = s;
    }
}

double mn__kh_terminal_inflow(const mn__kh_incidence *inc, size_t d, const mn_index *eu,
                              const mn_index *ev, const double *G, const double *phi)
{
    double into = 0.0;
    for (mn_index p = inc->off[d]; p < inc->off[d + 1]; p++) {
        mn_index e = inc->edge[p];
        mn_index other = inc->sign[p] > 0 ? ev[e] : eu[e];
        into += G[e] * phi[other];
    }
    return into;
}

mn_status mn__kh_geff_kron(const double *Y, size_t E, size_t a, size_t b, double *work,
                           size_t *iwork, double *G_eff)
{
    /* other electrodes open: zero net current, equipotential. Eliminate them (Kron). */
    size_t *o = iwork, no = 0;
    double *M = work, *rhs = work + E * E;
    for (size_t c = 0; c < E; c++)
        if (c != a && c != b && Y[c * E + c] > 0.0) o[no++] = c; /* isolated ones carry nothing */
    double Ga = Y[a * E + a];
    if (no > 0) {
        /* solve Y_OO z = Y_Oa, then Ga -= Y_aO z */
        for (size_t i = 0; i < no; i++) {
            rhs[i] = Y[o[i] * E + a];
            for (size_t j = 0; j < no; j++) M[i * no + j] = Y[o[i] * E + o[j]];
        }
        for (size_t c = 0; c < no; c++) { /* Gaussian elimination, SPD: no pivoting needed */
            double piv = M[c * no + c];
            if (!(piv > 0.0)) return MN_ERR_SINGULAR;
            for (size_t r = c + 1; r < no; r++) {
                double f = M[r * no + c] / piv;
                for (size_t j = c; j < no; j++) M[r * no + j] -= f * M[c * no + j];
                rhs[r] -= f * rhs[c];
            }
        }
        for (size_t c = no; c-- > 0;) {
            double s = rhs[c];
            for (size_t j = c + 1; j < no; j++) s -= M[c * no + j] * rhs[j];
            rhs[c] = s / M[c * no + c];
        }
        for (size_t i = 0; i < no; i++) Ga -= Y[a * E + o[i]] * rhs[i];
    }
    *G_eff = Ga;
    return MN_OK;
}
