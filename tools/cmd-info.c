/* memnet info: version and build information, and the versions of the libraries in use. */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include "cli.h"

#include <dlfcn.h>
#include <string.h>

#include <cholmod.h>
#include <sundials/sundials_config.h>
#include <sundials/sundials_version.h>
#ifdef MN_HAVE_OPENMP
#include <omp.h>
#endif

#ifndef MN_INFO_BUILDTYPE
#define MN_INFO_BUILDTYPE "unknown"
#endif
#ifndef MN_INFO_COMPILER
#define MN_INFO_COMPILER "unknown"
#endif
#ifndef MN_INFO_LIBRARY
#define MN_INFO_LIBRARY "unknown"
#endif
#ifndef MN_INFO_SANITIZE
#define MN_INFO_SANITIZE "none"
#endif
#ifndef MN_INFO_MPI
#define MN_INFO_MPI "unknown"
#endif

static void usage(FILE *f)
{
    fprintf(f, "usage: memnet info [--json]\n\n"
               "Prints as key=value lines (--json: one JSON object): the memnet version (of the\n"
               "linked library and of the headers), the versions of the libraries in use\n"
               "(CHOLMOD: cholmod_version() at run time and the header's; SUNDIALS:\n"
               "SUNDIALSGetVersion(); the BLAS: OpenBLAS's openblas_get_config() when the process\n"
               "uses OpenBLAS, else \"unknown\"; OpenMP: the _OPENMP date and the thread count),\n"
               "the thread setting the command's contexts get (context_threads: 0 = automatic;\n"
               "memnet sweep run sets its --threads for the tasks it runs), and the build options\n"
               "(build type, compiler, library kind, sanitizers, MPI).\n");
}

int mn_cli_info(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
        return cli_usage_error("info", "unknown option \"%s\"", argv[i]);
    }
    cli_out("memnet_version=%s\n", mn_version_string());
    cli_out("memnet_version_number=%d\n", mn_version_number());
    cli_out("header_version=%s\n", MN_VERSION_STRING);
    int v[3] = { 0, 0, 0 };
    cholmod_version(v);
    cli_out_str("cholmod_version", "%d.%d.%d", v[0], v[1], v[2]);
    cli_out_str("cholmod_header_version", "%d.%d.%d", CHOLMOD_MAIN_VERSION, CHOLMOD_SUB_VERSION,
                CHOLMOD_SUBSUB_VERSION);
    char sv[64] = "";
    if (SUNDIALSGetVersion(sv, (int)sizeof sv) != 0) snprintf(sv, sizeof sv, "unknown");
    cli_out_str("sundials_version", "%s", sv);
    cli_out_str("sundials_header_version", "%s", SUNDIALS_VERSION);
    /* the BLAS the process resolved (libmemnet's LAPACK pulls it in): OpenBLAS says what it is */
    char *(*ob_config)(void) = (char *(*)(void))(void (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_config");
    int (*ob_threads)(void) = (int (*)(void))(void (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_num_threads");
    if (ob_config) {
        cli_out_str("blas", "%s", ob_config());
        if (ob_threads) cli_out("blas_threads=%d\n", ob_threads());
    } else {
        cli_out_str("blas", "%s", "unknown (not OpenBLAS)");
    }
    mn_context *ctx = NULL;
    if (cli_context_new(&ctx) != MN_OK) return cli_error("info", "cannot create a context");
    cli_out("context_threads=%zu\n", mn_context_threads(ctx));
    mn_context_free(ctx);
#ifdef MN_HAVE_OPENMP
    cli_out("openmp=%d\n", (int)_OPENMP);
    cli_out("openmp_max_threads=%d\n", omp_get_max_threads());
#else
    cli_out_str("openmp", "%s", "none");
#endif
    cli_out_str("build_type", "%s", MN_INFO_BUILDTYPE);
    cli_out_str("compiler", "%s", MN_INFO_COMPILER);
    cli_out_str("library", "%s", MN_INFO_LIBRARY);
    cli_out_str("sanitize", "%s", MN_INFO_SANITIZE);
    cli_out_str("mpi", "%s", MN_INFO_MPI);
    cli_out("hdf5=%d\n", mn_h5_available()); /* memnet simulate --out FILE.h5 */
    return 0;
}
