/* Kirchhoff solver: private copies of libmetis for concurrent orderings.
 *
 * METIS 5.1 as Debian builds it cannot run two calls at once in one process with repeatable
 * results: GKlib's random numbers are the C library's srand()/rand() (one process-wide state,
 * reseeded by every METIS call), so two concurrent calls interleave their draws and their
 * results depend on the timing. (Its memory core and error jump buffers are thread-local; the
 * handlers it installs for SIGABRT and SIGTERM during a call are process-wide.) A copy of
 * libmetis loaded with dlmopen into a link-map namespace of its own comes with its own C library
 * and so its own rand() state: calls in different copies are independent and, since each
 * reseeds, give exactly the permutation of the same call in the main copy. The copies are loaded
 * on first use and kept for the life of the process. Without dlmopen (not glibc) or when the
 * load fails there is no copy, and the caller orders serially. */
#define _GNU_SOURCE /* dlmopen, dladdr */
#include "metis_copy.h"

#if defined(MN_HAVE_METIS) && defined(__GLIBC__)
#include <dlfcn.h>
#include <metis.h>
#include <pthread.h>
#include <string.h>

static mn__metis_nodend_fn copies[MN__METIS_COPIES];
static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;
static int load_tried;

mn__metis_nodend_fn mn__metis_copy(int c)
{
    pthread_mutex_lock(&load_mu);
    if (!load_tried) {
        /* the file is the libmetis this library is linked to */
        load_tried = 1;
        Dl_info info;
        mn__metis_nodend_fn main_fn = METIS_NodeND;
        void *addr;
        memcpy(&addr, &main_fn, sizeof addr);
        if (dladdr(addr, &info) && info.dli_fname) {
            for (int i = 0; i < MN__METIS_COPIES; i++) {
                void *h = dlmopen(LM_ID_NEWLM, info.dli_fname, RTLD_NOW | RTLD_LOCAL);
                void *f = h ? dlsym(h, "METIS_NodeND") : NULL;
                if (!f) {
                    if (h) dlclose(h);
                    break;
                }
                memcpy(&copies[i], &f, sizeof f);
            }
        }
    }
    pthread_mutex_unlock(&load_mu);
    return c >= 0 && c < MN__METIS_COPIES ? copies[c] : NULL;
}

#else

mn__metis_nodend_fn mn__metis_copy(int c)
{
    (void)c;
    return NULL;
}

#endif

static const int sigs[2] = {SIGABRT, SIGTERM};

void mn__metis_signals_save(mn__metis_signals *s)
{
    for (int i = 0; i < 2; i++) sigaction(sigs[i], NULL, &s->sa[i]);
}

void mn__metis_signals_restore(const mn__metis_signals *s)
{
    for (int i = 0; i < 2; i++) sigaction(sigs[i], &s->sa[i], NULL);
}
