/**
 * @file common.h
 * @brief Shared definitions of every memnet header: export macro, C++ guards, index type.
 *
 * Threads: a context and every object created from it are used by one thread at a time;
 * separate contexts share nothing and may be used concurrently.
 */
#ifndef MEMNET_COMMON_H
#define MEMNET_COMMON_H

#include <stddef.h>
#include <stdint.h>

/** @cond INTERNAL */
#if defined(_WIN32) && defined(MN_BUILDING_LIBRARY)
#define MN_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define MN_API __attribute__((visibility("default")))
#else
#define MN_API
#endif

#ifdef __cplusplus
#define MN_BEGIN_DECLS extern "C" {
#define MN_END_DECLS }
#else
#define MN_BEGIN_DECLS
#define MN_END_DECLS
#endif
/** @endcond */

MN_BEGIN_DECLS

/**
 * @brief Index of a node or an edge.
 *
 * Signed 32-bit: up to 2^31 - 1 nodes and edges per graph, which covers 10^9 junctions.
 * Negative values mean "none" in the maps returned by the library (-1).
 */
typedef int32_t mn_index;

MN_END_DECLS

#endif /* MEMNET_COMMON_H */
