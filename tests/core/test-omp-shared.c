/* libmemnet.so's GOMP_parallel (lib/core/omp_regions.c) as a program linked against the shared
 * library sees it: the process's GOMP_parallel@GOMP_4.0 (the version libcholmod's reference
 * asks for) is libmemnet's, and the next one after it is libgomp's, to which every region
 * outside memnet's calls goes. No Check: this program must not link the internal static
 * library (whose GOMP_parallel would be the program's own). Exit status 0 when both hold. */
#define _GNU_SOURCE /* RTLD_DEFAULT, dladdr, dlvsym */
#include <memnet/memnet.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static const char *object_of(void *sym)
{
    Dl_info info;
    if (!sym || !dladdr(sym, &info) || !info.dli_fname) return "(none)";
    const char *slash = strrchr(info.dli_fname, '/');
    return slash ? slash + 1 : info.dli_fname;
}

int main(void)
{
    /* a call into the library, so that the link keeps it */
    printf("memnet %s\n", mn_version_string());
    const char *bound = object_of(dlvsym(RTLD_DEFAULT, "GOMP_parallel", "GOMP_4.0"));
    const char *next = object_of(dlvsym(dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD),
                                        "GOMP_parallel", "GOMP_4.0"));
    printf("GOMP_parallel@GOMP_4.0: %s; libgomp's: %s\n", bound, next);
    int ok = strncmp(bound, "libmemnet.so", 12) == 0 && strncmp(next, "libgomp.so", 10) == 0;
    if (!ok) fprintf(stderr, "expected libmemnet.so's GOMP_parallel first and libgomp.so's next\n");
    return ok ? 0 : 1;
}
