/*
 * Reproducible RNG: xoshiro256** (Blackman and Vigna) with its state filled by SplitMix64
 * from (seed, stream). Integer output is identical on every platform.
 */
#include "core-private.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void mn__rng_seed(mn__rng_state *r, uint64_t seed, uint64_t stream)
{
    /* Mix the stream into the seed through one SplitMix64 round so that consecutive streams
     * start far apart in the SplitMix64 sequence. */
    uint64_t x = seed;
    uint64_t k = stream;
    uint64_t h = splitmix64(&k);
    x ^= h;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3])) r->s[0] = 1; /* all-zero state is invalid */
    r->has_spare = 0;
    r->spare = 0.0;
}

uint64_t mn__rng_u64(mn__rng_state *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double mn__rng_uniform(mn__rng_state *r) { return (double)(mn__rng_u64(r) >> 11) * 0x1.0p-53; }

double mn__rng_uniform_pos(mn__rng_state *r)
{
    return ((double)(mn__rng_u64(r) >> 12) + 0.5) * 0x1.0p-52;
}

double mn__rng_normal(mn__rng_state *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * mn__rng_uniform(r) - 1.0;
        v = 2.0 * mn__rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

uint64_t mn__rng_below(mn__rng_state *r, uint64_t n)
{
    if (n == 0) return 0;
    /* rejection: threshold = 2^64 mod n */
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t x = mn__rng_u64(r);
        if (x >= threshold) return x % n;
    }
}

mn_status mn_rng_new(mn_rng **out, mn_context *ctx, uint64_t seed, uint64_t stream)
{
    if (!out) return mn__error(ctx, MN_ERR_INVALID, "mn_rng_new: out is NULL");
    *out = NULL;
    if (!ctx) return MN_ERR_INVALID;
    mn_rng *r = mn__malloc_or_err(ctx, 1, sizeof *r, "rng");
    if (!r) return MN_ERR_NOMEM;
    r->ctx = ctx;
    mn__rng_seed(&r->st, seed, stream);
    *out = r;
    return MN_OK;
}

void mn_rng_free(mn_rng *rng)
{
    if (rng) mn__free(rng->ctx, rng);
}

/* misuse (a NULL generator) returns 0 / NaN instead of crashing */
uint64_t mn_rng_u64(mn_rng *rng) { return rng ? mn__rng_u64(&rng->st) : 0; }
double mn_rng_uniform(mn_rng *rng) { return rng ? mn__rng_uniform(&rng->st) : NAN; }
double mn_rng_normal(mn_rng *rng) { return rng ? mn__rng_normal(&rng->st) : NAN; }
uint64_t mn_rng_below(mn_rng *rng, uint64_t n) { return rng ? mn__rng_below(&rng->st, n) : 0; }
