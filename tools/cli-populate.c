/*
 * The memnet program's large blocks populated when they are allocated.
 *
 * A one-shot `memnet solve` at 6e5 junctions touched about 34 000 fresh 4 KiB pages (CHOLMOD's
 * factor values, 51 MB, a third of them; the solver's per-edge arrays, the row graph, the
 * matrix), each first touch a page fault: 0.10-0.12 s of system time in a 0.55 s process on the
 * 2-core VM of docs/performance.md. The program therefore asks the kernel to populate every
 * block of at least 2 MiB that memnet (through the allocator of the program's contexts,
 * cli_context_new) or CHOLMOD (through SuiteSparse_config's allocation hooks) allocates, in one
 * call (madvise MADV_POPULATE_WRITE, Linux 5.14 and later; elsewhere the call fails and nothing
 * changes): the same pages are allocated and zeroed, but without a trap into the kernel per
 * page, about 20% less system time. Every such block is written in full soon after (CHOLMOD
 * clears the factor's values, memnet fills its per-edge and per-row arrays), so nothing is
 * populated for nothing; smaller blocks (a row-sized array of doubles is 1.2 MB at 1.5e5 rows,
 * and CG's work vectors are never touched by a direct solve) are left alone.
 *
 * Transparent huge pages (MADV_HUGEPAGE on the same blocks) were tried first: 34 000 -> 10 000
 * faults and half the system time in most runs, but on this VM a quarter of the runs paid
 * 0.1-0.2 s more (zeroing huge pages the hypervisor had taken back: free page reporting), so
 * they are not used (docs/performance.md, "The one-shot solve, fifth pass").
 *
 * MEMNET_NO_POPULATE=1 in the environment turns this off. Only the program does it: the library
 * leaves memory policy to the program that embeds it (mn_context_new_with_allocator is the way
 * to do the same there).
 */
#define _GNU_SOURCE /* MADV_POPULATE_WRITE in newer C libraries */
#include "cli.h"

#include <SuiteSparse_config.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux's value (uapi asm-generic/mman-common.h) */
#endif

#define BIG ((size_t)2 << 20)

/* the pages of [p, p + size), from the one holding p on (advice: failure is harmless) */
static void populate(void *p, size_t size)
{
    static uintptr_t page;
    if (!page) {
        long ps = sysconf(_SC_PAGESIZE);
        page = ps > 0 ? (uintptr_t)ps : 4096;
    }
    uintptr_t a = (uintptr_t)p & ~(page - 1);
    (void)madvise((void *)a, (uintptr_t)p + size - a, MADV_POPULATE_WRITE);
}

static void *big_malloc(size_t size)
{
    void *p = malloc(size);
    if (p && size >= BIG) populate(p, size);
    return p;
}

/* a grown block: the pages it already had are skipped by the kernel */
static void *big_realloc(void *old, size_t size)
{
    void *p = realloc(old, size);
    if (p && size >= BIG) populate(p, size);
    return p;
}

static void *ctx_malloc(size_t size, void *ud)
{
    (void)ud;
    return big_malloc(size);
}

static void *ctx_realloc(void *p, size_t size, void *ud)
{
    (void)ud;
    return big_realloc(p, size);
}

static void ctx_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

static const mn_allocator populating = { sizeof(mn_allocator), ctx_malloc, ctx_realloc, ctx_free,
                                         NULL };

int cli_populate_install(void)
{
    const char *off = getenv("MEMNET_NO_POPULATE");
    if (off && *off && *off != '0') return 0;
#if defined(SUITESPARSE_MAIN_VERSION) && SUITESPARSE_MAIN_VERSION >= 7
    SuiteSparse_config_malloc_func_set(big_malloc);
    SuiteSparse_config_realloc_func_set(big_realloc);
#else
    SuiteSparse_config.malloc_func = big_malloc;
    SuiteSparse_config.realloc_func = big_realloc;
#endif
    cli_set_allocator(&populating);
    return 1;
}
