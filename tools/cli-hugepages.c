/*
 * Transparent huge pages for the memnet program's large blocks.
 *
 * A one-shot `memnet solve` at 6e5 junctions touched about 35 000 fresh 4 KiB pages (CHOLMOD's
 * factor values, 51 MB, a third of them; the solver's per-edge arrays, the row graph, the
 * matrix), and on this kind of machine (a VM) every first touch costs a page fault of about
 * 3 us: 0.10-0.12 s of system time in a 0.55 s process. Transparent huge pages are enabled "on
 * madvise" on common distributions (Debian's default): a 2 MiB region the program marks with
 * madvise(MADV_HUGEPAGE) is then filled by one fault instead of 512, and the random accesses
 * of the analysis (AMD's quotient graph, the edge -> matrix maps) miss the TLB less.
 *
 * The program therefore allocates every block of at least 2 MiB that memnet (through the
 * allocator of the program's contexts, cli_context_new) or CHOLMOD (through SuiteSparse_config's
 * allocation hooks) asks for aligned to 2 MiB and marks its whole 2 MiB pages. Smaller blocks
 * are left to malloc: rounding them up to a huge page cost more system time (zeroing 2 MiB for
 * a 1 MiB array) than it saved (docs/performance.md, "The one-shot solve, fifth pass").
 * Blocks are freed with free(), as before. The kernel falls back to small pages by itself when
 * it has no free huge page (defrag "madvise" compacts for marked regions: no compaction stall
 * was seen in the measurements). MEMNET_NO_HUGEPAGES=1 in the environment turns this off.
 *
 * Only the program does this: the library leaves memory policy to the program that embeds it
 * (mn_context_new_with_allocator is the way to do the same there).
 */
#define _GNU_SOURCE /* MADV_HUGEPAGE */
#include "cli.h"

#include <SuiteSparse_config.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HP_SIZE ((size_t)2 << 20)

/* the whole 2 MiB pages inside [p, p + size) on huge pages */
static void hp_advise(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
    uintptr_t a = ((uintptr_t)p + HP_SIZE - 1) & ~(uintptr_t)(HP_SIZE - 1);
    uintptr_t b = ((uintptr_t)p + size) & ~(uintptr_t)(HP_SIZE - 1);
    if (b > a) (void)madvise((void *)a, b - a, MADV_HUGEPAGE); /* advice: failure is harmless */
#else
    (void)p, (void)size;
#endif
}

static void *hp_malloc(size_t size)
{
    if (size < HP_SIZE) return malloc(size);
    void *p = NULL;
    if (posix_memalign(&p, HP_SIZE, size)) return NULL;
    hp_advise(p, size);
    return p;
}

/* a block that grows may move (the C library's realloc does not keep the alignment): its
 * aligned interior is marked */
static void *hp_realloc(void *old, size_t size)
{
    void *p = realloc(old, size);
    if (p && size >= HP_SIZE) hp_advise(p, size);
    return p;
}

static void *ctx_malloc(size_t size, void *ud)
{
    (void)ud;
    return hp_malloc(size);
}

static void *ctx_realloc(void *p, size_t size, void *ud)
{
    (void)ud;
    return hp_realloc(p, size);
}

static void ctx_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

static const mn_allocator hp_allocator = { sizeof(mn_allocator), ctx_malloc, ctx_realloc,
                                           ctx_free, NULL };

int cli_hugepages_install(void)
{
    const char *off = getenv("MEMNET_NO_HUGEPAGES");
    if (off && *off && *off != '0') return 0;
#if defined(SUITESPARSE_MAIN_VERSION) && SUITESPARSE_MAIN_VERSION >= 7
    SuiteSparse_config_malloc_func_set(hp_malloc);
    SuiteSparse_config_realloc_func_set(hp_realloc);
#else
    SuiteSparse_config.malloc_func = hp_malloc;
    SuiteSparse_config.realloc_func = hp_realloc;
#endif
    cli_set_allocator(&hp_allocator);
    return 1;
}
