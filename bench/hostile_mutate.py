#!/usr/bin/env python3
"""bench/hostile-sweep.sh's input maker: N hostile variants of real files (a core, an executable, a
minidump, a PE image), each the original cut and patched by a list of operations that is written to
the manifest, so that a crashing input can be rebuilt from fewer operations (minimised).
Usage: hostile_mutate.py OUTDIR N ORIGINAL... (each ORIGINAL as KIND=PATH; kinds: core, elf, minidump, pe)
       hostile_mutate.py --rebuild ORIGINAL OPS_JSON OUT      (one variant from an operation list)"""
import json, random, struct, sys

def elf_offsets(b):
    """Structure boundaries of an ELF file: header, program headers, each segment and note, section headers."""
    out = [0, 16, 52, 64]
    if len(b) < 64 or b[:4] != b'\x7fELF':
        return out
    phoff, shoff = struct.unpack_from('<QQ', b, 32)
    phentsize, phnum, shentsize, shnum = struct.unpack_from('<HHHH', b, 54)
    out += [phoff, phoff + phentsize * phnum, shoff, shoff + shentsize * shnum // 2]
    for i in range(min(phnum, 512)):
        o = phoff + i * phentsize
        if o + 56 > len(b):
            break
        ptype, _, off, _, _, filesz = struct.unpack_from('<IIQQQQ', b, o)
        out += [o, off, off + filesz, off + filesz // 2]
    return [x for x in out if 0 <= x <= len(b)]

def ops_for(kind, b, rnd):
    ops = []
    if kind == 'elf' and rnd.random() < 0.03:      # the executable beside its core, its e_type turned ET_REL (issue 15, class 1)
        return [['byte', 16, 1]]
    bounds = elf_offsets(b) if kind in ('core', 'elf') else [0, 32, 64, 128, 256]
    style = rnd.randrange(4)
    if style == 0 or rnd.random() < 0.3:          # cut short: at a structure boundary (± a little) or anywhere
        at = rnd.choice(bounds) + rnd.choice([-1, 0, 1, 4, -8]) if rnd.random() < 0.7 else rnd.randrange(len(b))
        ops.append(['cut', max(0, min(len(b), at))])
    n = rnd.choice([1, 1, 2, 4, 8, 16])
    for _ in range(n if style != 0 else rnd.randrange(2)):
        region = rnd.random()
        if region < 0.5:
            at = rnd.randrange(min(len(b), 4096))          # headers
        elif region < 0.8 and bounds:
            at = min(len(b) - 1, rnd.choice(bounds) + rnd.randrange(64))   # near a structure
        else:
            at = rnd.randrange(len(b))
        if rnd.random() < 0.5:
            ops.append(['byte', at, rnd.randrange(256)])
        else:
            ops.append(['word', at & ~3, rnd.choice([0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0xffff, 0x10000, rnd.randrange(1 << 32)])])
    return ops

def apply(b, ops):
    b = bytearray(b)
    for op in ops:
        if op[0] == 'cut':
            del b[op[1]:]
        elif op[0] == 'byte' and op[1] < len(b):
            b[op[1]] = op[2]
        elif op[0] == 'word' and op[1] + 4 <= len(b):
            struct.pack_into('<I', b, op[1], op[2])
    return bytes(b)

# The commands each kind of input goes through, in turn; {} is the hostile file, {exe} the real executable.
COMMANDS = {
    'core': [['stack', '--core', '{}', '--exe', '{exe}'], ['dump', '{}'], ['symbols', '--core', '{}', '--exe', '{exe}'],
             ['locals', '--core', '{}', '--exe', '{exe}'], ['stack', '--json', '--core', '{}'], ['crashes', '--dir', '{dir}'],
             ['dump', '--data', '{}'], ['save-dump', '--core', '{}', '-o', '{out}']],
    'elf': [['unwind', '{}'], ['bind', '{}'], ['disasm', '{}', '--all-functions'], ['symbols', '--export-breakpad', '{}', '-o', '{out}'],
            ['stack', '--core', '{core}', '--exe', '{}'], ['unwind', '--json', '{}'], ['symbols', '--core', '{core}', '--exe', '{}'],
            ['locals', '--core', '{core}', '--exe', '{}']],
    'minidump': [['dump', '{}'], ['stack', '--core', '{}'], ['dump', '--json', '{}'], ['stack', '--json', '--core', '{}']],
    'pe': [['unwind', '{}'], ['bind', '{}'], ['disasm', '{}', '--all-functions'], ['unwind', '--json', '{}']],
}

def main():
    if sys.argv[1] == '--rebuild':
        original, ops, out = sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
        open(out, 'wb').write(apply(open(original, 'rb').read(), ops))
        return
    jobs, n = sys.argv[1], int(sys.argv[2])
    originals = dict(a.split('=', 1) for a in sys.argv[3:])
    data = {k: open(p, 'rb').read() for k, p in originals.items()}
    weights = {'core': 4, 'elf': 3, 'minidump': 2, 'pe': 1}
    kinds = [k for k in originals for _ in range(weights[k])]
    rnd = random.Random(15)
    turn = {k: 0 for k in originals}
    with open(jobs, 'w') as out:
        for i in range(n):
            kind = kinds[i % len(kinds)]
            ops = ops_for(kind, data[kind], rnd)
            cmd = COMMANDS[kind][turn[kind] % len(COMMANDS[kind])]
            turn[kind] += 1
            ops_text = ','.join(':'.join(str(x) for x in op) for op in ops)
            out.write('\t'.join([str(i), kind, originals[kind], ops_text or '-', ' '.join(cmd)]) + '\n')

main()
