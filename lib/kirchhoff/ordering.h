/*
 * Fill-reducing orderings memnet computes itself on the row graph of the Kirchhoff matrix
 * (lib/kirchhoff/ordering_metis.c, ordering_amd.c), for the symbolic analysis (analyse.c).
 * Internal.
 *
 * The row graph: rows 0..nf-1, adjacency Sp/Si (both triangles, no diagonal, each neighbour
 * once). perm[i] is the row placed at position i (CHOLMOD's and METIS's Perm).
 */
#ifndef MEMNET_KIRCHHOFF_ORDERING_H
#define MEMNET_KIRCHHOFF_ORDERING_H

#include <memnet/memnet.h>

#include <stddef.h>

/* Nested dissection of the row graph by METIS, called directly with the options of
 * mn__kh_metis_options_set (not through cholmod_analyze, which forms A + A' first and analyses
 * the ordering twice). From mn__kh_metis_split_min_set's rows on (2e5 by default) the top level
 * is split off (METIS_ComputeVertexSeparator) and its two parts are ordered by METIS_NodeND on
 * two threads of the context's pool when it allows them (metis_copy.c), else one after the
 * other: *threads_used says which. Deterministic, and the same permutation with one thread or
 * two: METIS draws from the C library's rand() after seeding it, so the calls hold memnet's
 * METIS lock (lib/core/threads.c) and concurrent ones run in private copies of libmetis.
 * MN_ERR_UNSUPPORTED (no message) when memnet was built without metis.h: the caller then takes
 * CHOLMOD's METIS; MN_ERR_NOMEM / MN_ERR_SOLVER with a message if METIS fails. */
mn_status mn__kh_order_metis(mn_context *ctx, size_t nf, const int *Sp, const int *Si,
                             int *perm, int *threads_used);

/* The approximate minimum degree ordering of the row graph (AMD's amd_2 called directly, with
 * AMD's default settings, which are also CHOLMOD's: dense rows beyond 10 sqrt(nf) entries,
 * aggressive absorption; the order is postordered on AMD's assembly tree). cholmod_amd, the way
 * before, copied the graph into a CHOLMOD matrix with elbow room first (filtering one triangle
 * and mirroring it, although the row graph already holds both) and allocated CHOLMOD's
 * workspace: about 4% of a one-shot solve at 6e5 junctions. amd_2 destroys its input: the caller
 * gives iw, mn__kh_amd_iwlen(nf, Sp[nf]) ints (any contents), into which the graph is copied,
 * and work, 8 nf ints of workspace (any contents; NULL: allocated here). MN_ERR_UNSUPPORTED (no message) when memnet was built without amd.h: the caller then takes
 * cholmod_amd; MN_ERR_NOMEM / MN_ERR_RANGE with a message. */
size_t mn__kh_amd_iwlen(size_t nf, size_t nz);
mn_status mn__kh_order_amd(mn_context *ctx, size_t nf, const int *Sp, const int *Si, int *iw,
                           int *work, int *perm);

/* rows from which mn__kh_order_metis splits off the top level (0: the default); for tests and
 * benchmarks, process-wide, not thread-safe */
void mn__kh_metis_split_min_set(size_t rows);

/* METIS options for mn__kh_order_metis, for the benchmarks: "name=value,..." with names
 * ctype, rtype, iptype, niter, nseps, ufactor, compress, ccorder, pfactor, no2hop, seed (the
 * METIS_OPTION_* of metis.h); NULL or "" restores memnet's defaults. Process-wide, not
 * thread-safe; 0, or -1 for a malformed spec or a build without metis.h. */
int mn__kh_metis_options_set(const char *spec);

#endif
