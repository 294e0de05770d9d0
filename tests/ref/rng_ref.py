#!/usr/bin/python3
"""Independent reference for memnet's RNG (xoshiro256** seeded by SplitMix64 from
(seed, stream)). Prints the first outputs that tests/test-core.c checks."""
M = (1 << 64) - 1


def splitmix(x):
    x = (x + 0x9E3779B97F4A7C15) & M
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return x, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


def seeded(seed, stream):
    _, h = splitmix(stream)
    x = seed ^ h
    s = []
    for _ in range(4):
        x, z = splitmix(x)
        s.append(z)
    return s


def step(s):
    r = (rotl((s[1] * 5) & M, 7) * 9) & M
    t = (s[1] << 17) & M
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 45)
    return r


if __name__ == "__main__":
    s = [1, 2, 3, 4]
    print("state 1,2,3,4:", [step(s) for _ in range(4)])
    for seed, stream in [(42, 0), (42, 1), (0, 0), (12345678901234567, 7)]:
        s = seeded(seed, stream)
        print(seed, stream, [hex(step(s)) for _ in range(3)])
