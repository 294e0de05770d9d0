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
#include <memnet/models.h>
#include <memnet/kirchhoff.h>
#include <memnet/generators.h>
#include <memnet/sim.h>
#include <memnet/meanfield.h>
#include <memnet/analysis.h>
#include <memnet/reservoir.h>
#include <memnet/spice.h>
#include <memnet/h5.h>

#endif /* MEMNET_MEMNET_H */
