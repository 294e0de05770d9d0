/**
 * @file memnet.h
 * @brief The supported include of memnet: every public header.
 *
 * memnet simulates networks of memristive junctions (self-organising nanowire networks,
 * percolating nanoparticle networks, memristor circuits) and reduces them to mean-field
 * models. See the module headers for each part.
 *
 * Threads: a context and its objects are used by one thread at a time; separate contexts
 * share nothing and may run concurrently.
 */
#ifndef MEMNET_MEMNET_H
#define MEMNET_MEMNET_H

#include <memnet/common.h>
#include <memnet/version.h>
#include <memnet/core.h>
#include <memnet/graph.h>
/* module headers (one line each) */

#endif /* MEMNET_MEMNET_H */
