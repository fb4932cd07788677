#!/usr/bin/env python3
"""Writes a synthetic ELF core of many threads from a real x86-64 core (issue 21's 100,000-thread
figure: this machine's pid_max and max_map_count do not let a process have that many threads).

Usage: bench/manycore.py IN_CORE OUT_CORE THREADS

The memory (PT_LOAD) and the process-wide notes stay as they are; the threads' notes are copied
round-robin from the real threads other than the crashing one (each copy's NT_PRSTATUS with a new
pr_pid, its NT_FPREGSET/NT_X86_XSTATE left out) until there are THREADS threads: the copies have
the stacks of the real threads they were made from, so the groups stay those of the real core,
each about THREADS / (real threads - 1) times larger. The notes are written at the end of the file
and PT_NOTE points there.
"""
import struct
import sys

NT_PRSTATUS = 1
PR_PID = 32          # offset of pr_pid in x86-64's elf_prstatus


def notes(data):
    """(type, whole note bytes) of a note segment."""
    out, i = [], 0
    while i + 12 <= len(data):
        namesz, descsz, ntype = struct.unpack_from('<III', data, i)
        size = 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
        out.append((ntype, namesz, data[i:i + size]))
        i += size
    return out


def main():
    src, dst, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
    core = bytearray(open(src, 'rb').read())
    if core[:4] != b'\x7fELF' or core[4] != 2 or struct.unpack_from('<H', core, 18)[0] != 62:
        sys.exit('manycore: %s is not an x86-64 ELF core' % src)
    phoff, = struct.unpack_from('<Q', core, 32)
    phentsize, phnum = struct.unpack_from('<HH', core, 54)
    note_ph = next(phoff + k * phentsize for k in range(phnum) if struct.unpack_from('<I', core, phoff + k * phentsize)[0] == 4)
    off, = struct.unpack_from('<Q', core, note_ph + 8)
    size, = struct.unpack_from('<Q', core, note_ph + 32)
    # Split into the first thread's notes (with the process-wide ones) and one chunk per other thread.
    chunks, first = [], []
    for ntype, namesz, raw in notes(bytes(core[off:off + size])):
        if ntype == NT_PRSTATUS and namesz == 5 and first:
            chunks.append([])
        (chunks[-1] if chunks else first).append((ntype, raw))
    if not chunks:
        sys.exit('manycore: %s has one thread: nothing to copy' % src)
    prstatus = [next(raw for t, raw in c if t == NT_PRSTATUS) for c in chunks]
    name_end = 12 + 8                                    # "CORE\0" padded to 8
    out = bytearray(b''.join(raw for _, raw in first))
    for c in chunks:
        out += b''.join(raw for _, raw in c)             # the real threads, whole
    tid = 1_000_000
    for k in range(want - 1 - len(chunks)):
        raw = bytearray(prstatus[k % len(prstatus)])
        struct.pack_into('<i', raw, name_end + PR_PID, tid)
        tid += 1
        out += raw
    core += b'\0' * (-len(core) % 8)
    struct.pack_into('<Q', core, note_ph + 8, len(core))
    struct.pack_into('<Q', core, note_ph + 32, len(out))
    struct.pack_into('<Q', core, note_ph + 40, len(out))
    with open(dst, 'wb') as f:
        f.write(core)
        f.write(out)
    print(dst)


if __name__ == '__main__':
    main()
