/**
 * @file meanfield.h
 * @brief Mean-field reduction: projector quantities, effective one-junction models, potentials, fitting, Caravelli-Barucca theory.
 *
 * Threads: objects are used by one thread at a time (see core.h).
 */
#ifndef MEMNET_MEANFIELD_H
#define MEMNET_MEANFIELD_H

#include <memnet/graph.h>

MN_BEGIN_DECLS

MN_END_DECLS

#endif /* MEMNET_MEANFIELD_H */
