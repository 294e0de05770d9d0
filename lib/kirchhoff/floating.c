/* Kirchhoff solver: floating nodes (components with no path of positive conductance to a
 * held node). */
#include "kirchhoff-impl.h"

#include <string.h>

static int uf_find(int *p, int x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

/* Components through positive conductances; a component is held if it contains a node that
 * is not a row (electrode or ground). Returns 1 if the floating set changed. */
int mn__kh_detect_floating(mn_kirchhoff *k)
{
    int *p = k->uf;
    size_t n = k->n;
    const mn_index *eu = k->g->u, *ev = k->g->v;
    for (size_t i = 0; i < n; i++) p[i] = (int)i;
    for (size_t e = 0; e < k->m; e++) {
        if (!(k->G[e] > 0.0)) continue;
        int a = uf_find(p, eu[e]), b = uf_find(p, ev[e]);
        if (a != b) p[a > b ? a : b] = a > b ? b : a;
    }
    /* held roots: mark with a flag array reuse: use floating_list as scratch */
    unsigned char *held = (unsigned char *)k->floating_list; /* n*4 bytes >= n */
    memset(held, 0, n);
    for (size_t i = 0; i < n; i++)
        if (k->role[i] < 0) held[uf_find(p, (int)i)] = 1;
    int changed = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char f = (unsigned char)(k->role[i] >= 0 && !held[uf_find(p, (int)i)]);
        if (f != k->floating[i]) changed = 1;
        k->floating[i] = f;
    }
    size_t nfl = 0;
    for (size_t i = 0; i < n; i++)
        if (k->floating[i]) k->floating_list[nfl++] = (mn_index)i;
    k->n_floating = nfl;
    return changed;
}
