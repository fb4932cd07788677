#!/usr/bin/env python3
"""Writes a large synthetic Linux amd64 minidump for bench/dump.sh: N threads, each with a STACK-byte
stack holding an rbp chain of DEPTH frames into M modules. Usage: make_minidump.py OUT N STACK DEPTH M"""
import struct, sys

out, nthreads, stack_size, depth, nmods = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
blobs = bytearray()
streams = []
DATA = 32 + 12 * 8

def blob(b):
    while len(blobs) % 8:
        blobs.append(0)
    rva = DATA + len(blobs)
    blobs.extend(b)
    return rva

def utf16(s):
    b = s.encode('utf-16-le')
    return blob(struct.pack('<I', len(b)) + b + b'\0\0')

mod_base = lambda i: 0x400000 + i * 0x100000
sysinfo = struct.pack('<HHHBBIIIIIHH', 9, 6, 0x4601, 8, 1, 0, 0, 0, 0x8201, utf16('Linux 6.1.0 bench'), 0, 0) + b'GenuineIntel' + bytes(12)
streams.append((7, blob(sysinfo), len(sysinfo)))
mods = bytearray(struct.pack('<I', nmods))
for i in range(nmods):
    name = utf16('/usr/lib/libbench%d.so' % i)
    bid = bytes([(i + k) & 0xff for k in range(20)])
    cv = blob(struct.pack('<I', 0x4270454c) + bid)
    mods += struct.pack('<QIIII', mod_base(i), 0x100000, 0, 0, name) + bytes(52) + struct.pack('<IIIIQQ', 24, cv, 0, 0, 0, 0)
threads = bytearray(struct.pack('<I', nthreads))
memlist = bytearray(struct.pack('<I', nthreads))
for t in range(nthreads):
    start = 0x7f0000000000 + t * (stack_size + 0x10000)
    words = [0] * (stack_size // 8)
    step = max(2, (len(words) - 4) // (depth + 1))
    for f in range(depth):
        at = 2 + f * step
        nxt = start + (at + step) * 8 if f + 1 < depth else 0
        words[at] = nxt
        words[at + 1] = mod_base((t + f) % nmods) + 0x1000 + f * 16
    data = struct.pack('<%dQ' % len(words), *words)
    srva = blob(data)
    ctx = bytearray(1232)
    struct.pack_into('<I', ctx, 48, 0x10000b)
    struct.pack_into('<QQ', ctx, 120 + 8 * 4, start, start + 16)
    struct.pack_into('<Q', ctx, 248, mod_base(t % nmods) + 0x2000)
    crva = blob(bytes(ctx))
    threads += struct.pack('<IIIIQQIIII', 1000 + t, 0, 0, 0, 0, start, len(data), srva, 1232, crva)
    memlist += struct.pack('<QII', start, len(data), srva)
streams.append((3, blob(bytes(threads)), len(threads)))
streams.append((4, blob(bytes(mods)), len(mods)))
streams.append((5, blob(bytes(memlist)), len(memlist)))
exc = struct.pack('<IIIIQQII', 1000, 0, 11, 1, 0, 0x45, 0, 0) + bytes(120) + struct.pack('<II', 0, 0)
streams.append((6, blob(exc), len(exc)))
with open(out, 'wb') as f:
    f.write(struct.pack('<IIIIIIQ', 0x504d444d, 0xa793, len(streams), 32, 0, 0, 0))
    for typ, rva, size in streams:
        f.write(struct.pack('<III', typ, size, rva))
    f.write(bytes(DATA - 32 - 12 * len(streams)))
    f.write(blobs)
