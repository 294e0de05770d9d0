/*
 * libhdf5 loaded at run time (h5-private.h says why): dlopen of the library memnet was built
 * against (its SONAME, found at configure time), then the other usual names; every function
 * and global of MN__H5_FUNCS / MN__H5_VARS looked up; the library's version checked against
 * the headers' (the structs memnet fills, H5AC_cache_config_t and H5E_error2_t, belong to a
 * major.minor release).
 */
#define MN__H5_API_IMPL
#include "h5/h5-private.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef MN_HDF5_SONAME
#define MN_HDF5_SONAME "libhdf5.so"
#endif

mn__h5_api mn__h5;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_ok;
static char load_msg[400];

static void load(void)
{
    static const char *const names[] = { MN_HDF5_SONAME, "libhdf5_serial.so.103", "libhdf5.so.103",
                                         "libhdf5_serial.so", "libhdf5.so" };
    void *h = NULL;
    const char *tried = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !h; i++) {
        if (i && !strcmp(names[i], names[0])) continue;
        h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (!tried) tried = names[i];
    }
    if (!h) {
        const char *e = dlerror();
        snprintf(load_msg, sizeof load_msg, "cannot load the HDF5 library %s (%s); install it "
                 "(Debian: libhdf5-103-1) or write CSV", tried, e ? e : "not found");
        return;
    }
    void *p;
#define X(f)                                                                                    \
    if (!(p = dlsym(h, #f))) {                                                                  \
        snprintf(load_msg, sizeof load_msg, "the HDF5 library %s has no %s", tried, #f);        \
        return;                                                                                 \
    }                                                                                           \
    memcpy(&mn__h5.f, &p, sizeof p);
    MN__H5_FUNCS(X)
#undef X
    /* The globals (type and class ids) as the program's global scope sees them first: an
     * executable that links libhdf5 itself holds copies of them (copy relocations) which the
     * library then uses, and the library's own definitions stay unset. Only when that scope's
     * libhdf5 is the one loaded here (the same H5open). */
    void *self = dlopen(NULL, RTLD_NOW), *hopen = dlsym(h, "H5open");
    if (self && dlsym(self, "H5open") != hopen) self = NULL;
#define X(v)                                                                                    \
    if (!(p = self ? dlsym(self, #v) : NULL) && !(p = dlsym(h, #v))) {                          \
        snprintf(load_msg, sizeof load_msg, "the HDF5 library %s has no %s", tried, #v);        \
        return;                                                                                 \
    }                                                                                           \
    memcpy(&mn__h5.v, &p, sizeof p);
    MN__H5_VARS(X)
#undef X
    unsigned maj = 0, min = 0, rel = 0;
    if (mn__h5.H5open() < 0 || mn__h5.H5get_libversion(&maj, &min, &rel) < 0 ||
        maj != H5_VERS_MAJOR || min != H5_VERS_MINOR) {
        snprintf(load_msg, sizeof load_msg, "the HDF5 library loaded is version %u.%u.%u, memnet "
                 "was built against %d.%d (rebuild memnet)", maj, min, rel, H5_VERS_MAJOR, H5_VERS_MINOR);
        return;
    }
    load_ok = 1; /* the library stays loaded for the life of the process */
}

mn_status mn__h5_load(mn_context *ctx)
{
    pthread_once(&load_once, load);
    if (load_ok) return MN_OK;
    return mn__error(ctx, MN_ERR_UNSUPPORTED, "HDF5 recorder: %s", load_msg);
}
