/*
 * Checks shared by the mpi suite's C tests: CHECK counts a failed condition and prints it with
 * the rank, file and line; OK checks that a call returned MN_OK and prints the context's last
 * error otherwise. The including test defines `rank` and `fails` (static ints) before this.
 */
#ifndef MEMNET_TESTS_MPI_CHECK_H
#define MEMNET_TESTS_MPI_CHECK_H

#include <memnet/core.h>

#include <stdio.h>

#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fails++;                                                                           \
            fprintf(stderr, "[rank %d] %s:%d: ", rank, __FILE__, __LINE__);                    \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fputc('\n', stderr);                                                               \
        }                                                                                      \
    } while (0)

#define OK(ctx, call)                                                                          \
    do {                                                                                       \
        mn_status st_ = (call);                                                                \
        CHECK(st_ == MN_OK, "%s -> %s: %s", #call, mn_status_str(st_),                         \
              (ctx) ? mn_context_last_error(ctx) : "");                                        \
    } while (0)

#endif
