#!/usr/bin/env bash
# Benchmark: `sextant bind --all` vs `ldd -r` on the 20 ELF files of this machine with the most
# undefined dynamic symbols (from /usr/bin and /usr/lib/x86_64-linux-gnu).
#   1. total: one JVM run binding all 20 vs `ldd -r` run on each, wall time ratio
#   2. single binary, cold (fresh JVM, fresh ld.so): the file with the most undefined symbols
#   3. bindings per second for both (bindings = imports bound in the --all run, the same work ldd -r does)
# Usage: bench/bind.sh [N]   (N files, default 20). Needs readelf, ldd, python3, a built app
# (mvn -o -q -B package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
CP="$(cat app/target/classpath.txt):app/target/sextant-app.jar"
sextant() { java -cp "$CP" dev.sextant.app.Main "$@"; }
now() { date +%s.%N; }

echo "# choosing the $N files with the most undefined dynamic symbols ..."
LIST=$(mktemp)
find /usr/bin /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -size +1k 2>/dev/null | sort | while read -r f; do
  head -c 4 "$f" 2>/dev/null | grep -q 'ELF' && echo "$f"
done | xargs -P2 -I{} sh -c 'printf "%s %s\n" "$(readelf -W --dyn-syms "{}" 2>/dev/null | grep -c " UND [^ ]")" "{}"' \
  | sort -k1,1nr -k2 | head -n "$N" > "$LIST"
FILES=$(awk '{print $2}' "$LIST")
awk '{printf "  %6d undefined  %s\n", $1, $2}' "$LIST"

echo "# warm-up (page cache for both tools)"
for f in $FILES; do ldd -r "$f" >/dev/null 2>&1 || true; done
sextant bind --all --json $FILES >/dev/null || true

echo "# 1. total wall time"
t0=$(now); for f in $FILES; do ldd -r "$f" >/dev/null 2>&1 || true; done; t1=$(now)
OUT=$(mktemp)
t2=$(now); sextant bind --all --json $FILES >"$OUT" || true; t3=$(now)
BINDINGS=$(python3 -c '
import json,sys
n=0
for line in open(sys.argv[1]):
    d=json.loads(line)
    n+=sum(1 for m in d["modules"] for p in m["procedures"] if p["status"] in ("bound","forwarded"))
print(n)' "$OUT")
python3 - "$t0" "$t1" "$t2" "$t3" "$BINDINGS" <<'PY'
import sys
t0,t1,t2,t3=map(float,sys.argv[1:5]); b=int(sys.argv[5])
ldd=t1-t0; sx=t3-t2
print(f"  ldd -r x{20 if False else ''} files: {ldd*1000:8.0f} ms   {b/ldd:10.0f} bindings/s")
print(f"  sextant bind --all (1 JVM): {sx*1000:8.0f} ms   {b/sx:10.0f} bindings/s")
print(f"  bindings: {b}   ratio sextant/ldd = {sx/ldd:.2f}x")
PY

FIRST=$(echo "$FILES" | head -n1)
echo "# 2. single binary, cold process: $FIRST"
best_ldd=999; best_sx=999
for i in 1 2 3; do
  a=$(now); ldd -r "$FIRST" >/dev/null 2>&1 || true; b=$(now)
  c=$(now); sextant bind --all --json "$FIRST" >"$OUT" || true; d=$(now)
  best_ldd=$(python3 -c "print(min($best_ldd, $b-$a))"); best_sx=$(python3 -c "print(min($best_sx, $d-$c))")
done
ONE=$(python3 -c '
import json,sys
d=json.loads(open(sys.argv[1]).readline())
print(sum(1 for m in d["modules"] for p in m["procedures"] if p["status"] in ("bound","forwarded")))' "$OUT")
python3 -c "
l=$best_ldd; s=$best_sx; b=$ONE
print(f'  ldd -r: {l*1000:.0f} ms  sextant: {s*1000:.0f} ms  ratio {s/l:.2f}x  ({b} bindings; {b/l:.0f} vs {b/s:.0f} bindings/s)')"
rm -f "$LIST" "$OUT"
