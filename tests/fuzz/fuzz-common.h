/*
 * Shared by the libFuzzer targets (docs/fuzzing.md). memnet's readers take file names, so each
 * input is written to an anonymous in-memory file (memfd) read back through /proc/self/fd/N:
 * no disk traffic, nothing left behind.
 */
#ifndef MEMNET_FUZZ_COMMON_H
#define MEMNET_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* the input as a file (slot 0 or 1: two files per target at most); returns its path */
static inline const char *fuzz_file(int slot, const uint8_t *data, size_t size)
{
    static int fd[2] = { -1, -1 };
    static char path[2][64];
    if (fd[slot] < 0) {
        fd[slot] = memfd_create(slot ? "memnet-fuzz-1" : "memnet-fuzz-0", 0);
        if (fd[slot] < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path[slot], sizeof path[slot], "/proc/self/fd/%d", fd[slot]);
    }
    if (ftruncate(fd[slot], 0) != 0 || (size && pwrite(fd[slot], data, size, 0) != (ssize_t)size)) {
        perror("memfd write");
        abort();
    }
    return path[slot];
}

/* the input as a NUL-terminated string (malloc'ed; the caller frees it) */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    for (size_t i = 0; i < size; i++) s[i] = (char)data[i];
    s[size] = '\0';
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
