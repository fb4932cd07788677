#!/usr/bin/env bash
# Correctness sweep: every ELF file in /usr/bin and /usr/lib/x86_64-linux-gnu (by real path, so
# that ldd's $ORIGIN is the file's own directory) bound by `sextant bind --all --json` in batches
# of 200 per JVM, compared with `ldd -r`: each needed library resolves to the same file (real
# paths) and the set of undefined symbols ("undefined symbol: NAME[, version V] (FILE)") is equal.
# Prints each mismatch and a total. Needs ldd, python3 and a built app. Takes a few minutes.
set -eu
cd "$(dirname "$0")/.."
CP="$(cat app/target/classpath.txt):app/target/sextant-app.jar"
export CP
find /usr/bin /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f 2>/dev/null | while read -r f; do
  head -c 4 "$f" 2>/dev/null | grep -q ELF && realpath "$f" || true
done | sort -u | python3 -c '
import json, os, re, subprocess, sys
files = [l.strip() for l in sys.stdin if l.strip()]
total = bad = 0
for start in range(0, len(files), 200):
    batch = files[start:start + 200]
    out = subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", os.environ["CP"],
                          "dev.sextant.app.Main", "bind", "--all", "--json"] + batch, capture_output=True, text=True)
    docs = {}
    for line in out.stdout.splitlines():
        d = json.loads(line); docs[d["image"]] = d
    for f in batch:
        p = subprocess.run(["ldd", "-r", f], capture_output=True, text=True)
        text = p.stdout + p.stderr
        if "not a dynamic executable" in text or "statically linked" in text:
            continue
        total += 1
        if f not in docs:
            print("NO RESULT", f); bad += 1; continue
        libs, und = {}, set()
        for line in text.splitlines():
            m = re.match(r"\s+(\S+) => (not found|(\S+) \(0x)", line)
            if m: libs[m.group(1)] = None if m.group(2) == "not found" else os.path.realpath(m.group(3)); continue
            m = re.match(r"\s+(/\S+) \(0x", line)
            if m: libs[os.path.basename(m.group(1))] = os.path.realpath(m.group(1)); continue
            m = re.match(r"undefined symbol: ([^,\s]+)(?:, version (\S+))?\s+\((.*)\)$", line)
            if m: und.add((m.group(1), m.group(2), os.path.realpath(m.group(3))))
        libs.pop("linux-vdso.so.1", None)
        d = docs[f]
        path = {m["name"]: m["path"] for m in d["modules"]}
        ours = {m["name"]: (os.path.realpath(m["path"]) if m["path"] else None) for m in d["modules"] if m["foundBy"] != "image"}
        ours_und = {(u["name"], u["version"], os.path.realpath(path[u["module"]])) for u in d["unresolved"]}
        if ours != libs or ours_und != und:
            bad += 1
            print("MISMATCH", f, "libs:", {k: (libs.get(k), ours.get(k)) for k in set(libs) | set(ours) if libs.get(k) != ours.get(k)},
                  "undefined only in ldd:", sorted(und - ours_und)[:5], "only in sextant:", sorted(ours_und - und)[:5])
print(f"{total} dynamic ELF files compared with ldd -r, {bad} mismatches")
'
