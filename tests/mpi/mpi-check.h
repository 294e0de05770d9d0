/*
 * Checks shared by the mpi suite's C tests: CHECK counts a failed condition and prints it with
 * the rank, file and line; OK checks that a call returned MN_OK and prints the context's last
 * error otherwise. The including test defines `rank` and `fails` (static ints) before this.
 * mpi_check_unit / mpi_check_urand: the tests' pseudo-random numbers (splitmix64), the same
 * sequence on every rank. mpi_check_start / mpi_check_finish: every test's main begins and ends
 * with them (MPI up, `rank` and `size` set; the failures summed over the ranks, reported on rank
 * 0, MPI down, the exit status). The including test defines `size` too.
 */
#ifndef MEMNET_TESTS_MPI_CHECK_H
#define MEMNET_TESTS_MPI_CHECK_H

#include <memnet/core.h>
#include <memnet/mpi.h>

#include <mpi.h>

#include <stdint.h>
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

/* splitmix64's output function: a uniform double in [0, 1) from the 64-bit word z */
static inline double mpi_check_unit(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

/* the next number of the splitmix64 sequence whose state is *state */
static inline double mpi_check_urand(uint64_t *state)
{
    return mpi_check_unit(*state += 0x9e3779b97f4a7c15ULL);
}

/* MPI up through memnet, `rank` and `size` of MPI_COMM_WORLD set; 0 on success */
static inline int mpi_check_start(void)
{
    if (mn_mpi_init() != MN_OK) {
        fprintf(stderr, "mn_mpi_init failed\n");
        return 1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return 0;
}

/* the failures of all ranks summed and reported on rank 0 as "NAME on N ranks: F failures", MPI
 * finalised; the test's exit status (0: no rank failed) */
static inline int mpi_check_finish(const char *name)
{
    int all = 0;
    MPI_Allreduce(&fails, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0) printf("%s on %d ranks: %d failures\n", name, size, all);
    mn_mpi_finalize();
    return all ? 1 : 0;
}

#endif
