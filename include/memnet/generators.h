/**
 * @file generators.h
 * @brief Network generators: random nanowire sticks, percolating nanoparticle deposition, lattices, the Caravelli-Barucca circuit, electrodes.
 *
 * Threads: objects are used by one thread at a time (see core.h).
 */
#ifndef MEMNET_GENERATORS_H
#define MEMNET_GENERATORS_H

#include <memnet/graph.h>

MN_BEGIN_DECLS

MN_END_DECLS

#endif /* MEMNET_GENERATORS_H */
