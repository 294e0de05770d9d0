/* Context, allocator hooks, error messages and logging. */
#include "core-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *default_malloc(size_t size, void *ud) { (void)ud; return malloc(size); }
static void *default_realloc(void *p, size_t size, void *ud) { (void)ud; return realloc(p, size); }
static void default_free(void *p, void *ud) { (void)ud; free(p); }

mn_status mn_context_new(mn_context **out) { return mn_context_new_with_allocator(out, NULL); }

mn_status mn_context_new_with_allocator(mn_context **out, const mn_allocator *allocator)
{
    mn_allocator a = { sizeof(mn_allocator), default_malloc, default_realloc, default_free, NULL };
    if (!out) return MN_ERR_INVALID;
    *out = NULL;
    if (allocator) {
        size_t known = allocator->struct_size;
        if (known < offsetof(mn_allocator, user_data)) return MN_ERR_INVALID;
        memset(&a, 0, sizeof a);
        memcpy(&a, allocator, known < sizeof a ? known : sizeof a);
        a.struct_size = sizeof a;
        if (!a.malloc_fn || !a.realloc_fn || !a.free_fn) return MN_ERR_INVALID;
    }
    mn_context *ctx = a.malloc_fn(sizeof *ctx, a.user_data);
    if (!ctx) return MN_ERR_NOMEM;
    memset(ctx, 0, sizeof *ctx);
    ctx->alloc = a;
    ctx->log_level = MN_LOG_ERROR;
    *out = ctx;
    return MN_OK;
}

void mn_context_free(mn_context *ctx)
{
    if (!ctx) return;
    mn__pool_free(ctx);
    ctx->alloc.free_fn(ctx, ctx->alloc.user_data);
}

const char *mn_context_last_error(const mn_context *ctx) { return ctx ? ctx->last_error : ""; }

mn_status mn_context_last_status(const mn_context *ctx) { return ctx ? ctx->last_status : MN_OK; }

void mn_context_clear_error(mn_context *ctx)
{
    if (!ctx) return;
    ctx->last_status = MN_OK;
    ctx->last_error[0] = '\0';
}

void mn_context_set_log(mn_context *ctx, mn_log_fn fn, mn_log_level max_level, void *user_data)
{
    if (!ctx) return;
    ctx->log_fn = fn;
    ctx->log_level = max_level;
    ctx->log_user = user_data;
}

void *mn__malloc(mn_context *ctx, size_t size)
{
    if (size == 0) size = 1;
    return ctx->alloc.malloc_fn(size, ctx->alloc.user_data);
}

void *mn__calloc(mn_context *ctx, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    size_t bytes = count * size;
    void *p = mn__malloc(ctx, bytes);
    if (p && bytes) memset(p, 0, bytes);
    return p;
}

void *mn__realloc(mn_context *ctx, void *ptr, size_t size)
{
    if (size == 0) size = 1;
    return ctx->alloc.realloc_fn(ptr, size, ctx->alloc.user_data);
}

void *mn__realloc_array(mn_context *ctx, void *ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    return mn__realloc(ctx, ptr, count * size);
}

void mn__free(mn_context *ctx, void *ptr)
{
    if (ptr) ctx->alloc.free_fn(ptr, ctx->alloc.user_data);
}

char *mn__strdup(mn_context *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = mn__malloc(ctx, n);
    if (d) memcpy(d, s, n);
    return d;
}

void *mn__malloc_or_err(mn_context *ctx, size_t count, size_t size, const char *what)
{
    void *p = NULL;
    if (!(size && count > SIZE_MAX / size)) p = mn__malloc(ctx, count * size);
    if (!p)
        mn__error(ctx, MN_ERR_NOMEM, "out of memory allocating %s (%zu x %zu bytes)", what, count,
                  size);
    return p;
}

void *mn__calloc_or_err(mn_context *ctx, size_t count, size_t size, const char *what)
{
    void *p = mn__calloc(ctx, count, size);
    if (!p)
        mn__error(ctx, MN_ERR_NOMEM, "out of memory allocating %s (%zu x %zu bytes)", what, count,
                  size);
    return p;
}

mn_status mn__error(mn_context *ctx, mn_status status, const char *fmt, ...)
{
    if (!ctx) return status;
    /* format into a local buffer first: an argument may be the previous message itself
     * (mn_context_last_error(ctx)), which must not overlap the destination */
    char buf[MN__ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    memcpy(ctx->last_error, buf, sizeof buf);
    ctx->last_status = status;
    if (ctx->log_fn && ctx->log_level >= MN_LOG_ERROR)
        ctx->log_fn(MN_LOG_ERROR, ctx->last_error, ctx->log_user);
    return status;
}

void mn__log(mn_context *ctx, mn_log_level level, const char *fmt, ...)
{
    if (!ctx || !ctx->log_fn || level > ctx->log_level) return;
    char buf[MN__ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->log_fn(level, buf, ctx->log_user);
}

int mn__isfinite(double x) { return isfinite(x) != 0; }
