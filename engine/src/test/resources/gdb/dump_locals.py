# Dumps every frame's arguments and locals of every thread as JSON, in the shape of
# `sextant locals --json`: {threads: [{tid, frames: [{index, function, variables: [VAR]}]}]},
# VAR = {name, kind, type, value, optimizedOut, children}. Run as:
#   gdb -batch -nx -ex 'set print elements 200' -x dump_locals.py --args EXE CORE   (then `python dump("out.json", 8)`)
import json
import gdb

def child_list(value, elements, depth):
    t = value.type.strip_typedefs()
    out = []
    if depth > 24:
        return out
    if t.code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        for f in t.fields():
            if getattr(f, "is_base_class", False):
                name = "<" + str(f.type) + ">"
            elif f.name is None:
                name = "<anonymous>"
            else:
                name = f.name
            if hasattr(f, "bitpos") is False:
                continue   # a static member
            try:
                v = value[f]
            except gdb.error as e:
                out.append({"name": name, "kind": "member", "error": str(e)})
                continue
            out.append(var(name, "member", v, elements, depth + 1))
    elif t.code == gdb.TYPE_CODE_ARRAY:
        target = t.target().strip_typedefs()
        if target.code == gdb.TYPE_CODE_INT and target.sizeof == 1:
            return out          # char arrays print as strings
        lo, hi = t.range()
        for i in range(lo, min(hi + 1, lo + elements)):
            out.append(var("[%d]" % i, "element", value[i], elements, depth + 1))
    return out

def var(name, kind, value, elements, depth=0):
    d = {"name": name, "kind": kind, "type": str(value.type)}
    try:
        if value.is_optimized_out:
            d["value"] = "<optimized out>"
            d["optimizedOut"] = True
            d["children"] = []
            return d
        d["value"] = value.format_string()
        d["optimizedOut"] = False
        d["children"] = child_list(value, elements, depth)
    except gdb.error as e:
        d["value"] = "<error: %s>" % e
        d["error"] = str(e)
        d["children"] = []
    return d

def frame_vars(frame, elements):
    args, local = [], []
    try:
        block = frame.block()
    except RuntimeError:
        return []
    while block is not None:
        for sym in block:
            if not (sym.is_argument or sym.is_variable):
                continue
            try:
                v = sym.value(frame)
            except gdb.error as e:
                (args if sym.is_argument else local).append({"name": sym.name, "error": str(e)})
                continue
            (args if sym.is_argument else local).append(var(sym.name, "argument" if sym.is_argument else "local", v, elements))
        if block.function is not None:
            break
        block = block.superblock
    return args + local

def dump(path, elements=8):
    out = {"threads": []}
    for inferior in gdb.inferiors():
        for thread in inferior.threads():
            thread.switch()
            frames = []
            frame = gdb.newest_frame()
            index = 0
            while frame is not None and index < 256:
                frames.append({"index": index, "function": frame.name(), "pc": "0x%x" % frame.pc(),
                               "variables": frame_vars(frame, elements)})
                frame = frame.older()
                index += 1
            out["threads"].append({"tid": thread.ptid[1], "frames": frames})
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
