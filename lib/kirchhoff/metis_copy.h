/*
 * Private copies of libmetis (lib/kirchhoff/metis_copy.c) for orderings that run concurrently
 * with repeatable results. Internal.
 */
#ifndef MEMNET_KIRCHHOFF_METIS_COPY_H
#define MEMNET_KIRCHHOFF_METIS_COPY_H

#include <signal.h>

/* METIS_NodeND's signature with 32-bit indices (metis.h's idx_t is int in memnet's builds) */
typedef int (*mn__metis_nodend_fn)(int *nvtxs, int *xadj, int *adjncy, int *vwgt, int *options,
                                   int *perm, int *iperm);

#define MN__METIS_COPIES 2

/* METIS_NodeND of private copy c (0 .. MN__METIS_COPIES-1), each with its own rand() state;
 * loaded on the first call (thread-safe). NULL if copies cannot be had (no dlmopen, no METIS in
 * this build, the load failed): order serially then. Calls into one copy must not overlap;
 * callers hold memnet's METIS lock (lib/core/threads.c) around a parallel section and give each
 * thread its own copy. */
mn__metis_nodend_fn mn__metis_copy(int c);

/* The handlers of SIGABRT and SIGTERM, which METIS replaces for the length of a call and
 * restores on return: calls overlapping in time restore each other's, so a parallel section
 * saves them before and restores them after (under memnet's METIS lock). */
typedef struct mn__metis_signals {
    struct sigaction sa[2];
} mn__metis_signals;
void mn__metis_signals_save(mn__metis_signals *s);
void mn__metis_signals_restore(const mn__metis_signals *s);

#endif
