#!/usr/bin/env python3
"""Writes a Breakpad symbol store for the modules of a make_minidump.py dump: for module i (/usr/lib/libbenchI.so,
build-id bytes (i+k)&0xff), libbenchI.so/ID/libbenchI.so.sym with FUNCS functions of 16 bytes from 0x1000, each with
two LINE records and a STACK CFI INIT that follows the dump's rbp chain. Usage: make_sym_store.py DIR MODULES FUNCS"""
import os, sys

root, nmods, nfuncs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(nmods):
    b = bytes([(i + k) & 0xff for k in range(20)])[:16]
    g = bytes(reversed(b[0:4])) + bytes(reversed(b[4:6])) + bytes(reversed(b[6:8])) + b[8:16]
    mid = g.hex().upper() + "0"
    name = "libbench%d.so" % i
    d = os.path.join(root, name, mid)
    os.makedirs(d, exist_ok=True)
    out = ["MODULE Linux x86_64 %s %s" % (mid, name), "FILE 0 /src/bench/module%d.c" % i]
    for f in range(nfuncs):
        a = 0x1000 + f * 16
        out.append("FUNC %x 10 0 bench%d_function_%d(int, char const*)" % (a, i, f))
        out.append("%x 8 %d 0" % (a, 10 + f * 3))
        out.append("%x 8 %d 0" % (a + 8, 11 + f * 3))
    for f in range(nfuncs):
        a = 0x1000 + f * 16
        out.append("STACK CFI INIT %x 10 .cfa: $rbp 16 + .ra: .cfa -8 + ^ $rbp: .cfa -16 + ^" % a)
    with open(os.path.join(d, name + ".sym"), "w") as fh:
        fh.write("\n".join(out) + "\n")
