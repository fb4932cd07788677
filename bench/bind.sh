#!/usr/bin/env bash
# Benchmark: `sextant bind --all` vs `ldd -r` on the N (default 20) ELF files of this machine with
# the most undefined dynamic symbols (from /usr/bin and /usr/lib/x86_64-linux-gnu).
#   1. total: one JVM run binding all N vs `ldd -r` run on each; wall and CPU (user+sys) time
#   2. single binary, cold process (fresh JVM, fresh ld.so): the file with the most undefined symbols
#   3. the floor: sextant on a tiny static executable (JVM start-up and nothing to bind)
#   4. bindings per second for both (bindings = imports bound in the --all run: the same symbol
#      lookups ldd -r makes ld.so do). Timed runs print the text report (like ldd, a summary);
#      the JSON run that counts bindings is not timed.
# Each figure is the best of 3 runs. Needs readelf, ldd, python3 and a built app
# (mvn -o -q -B package -DskipTests).
set -eu
cd "$(dirname "$0")/.."
N=${1:-20}
CP="$(cat app/target/classpath.txt):app/target/sextant-app.jar"
# The launcher (C1, serial GC, class-data-sharing archive) when there is one, else plain java with
# the same flags but no archive.
if [ -x ./sextant ]; then SX="$PWD/sextant"; else SX="java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp $CP dev.sextant.app.Main"; fi
export SX

echo "# choosing the $N files with the most undefined dynamic symbols ..."
LIST=$(mktemp)
find /usr/bin /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -size +1k 2>/dev/null | sort | while read -r f; do
  head -c 4 "$f" 2>/dev/null | grep -q 'ELF' && echo "$f" || true
done | xargs -P2 -I{} sh -c 'printf "%s %s\n" "$(readelf -W --dyn-syms "{}" 2>/dev/null | grep -c " UND [^ ]")" "{}"' \
  | sort -k1,1nr -k2 | head -n "$N" > "$LIST" || true
FILES=$(awk '{print $2}' "$LIST")
export FILES
awk '{printf "  %6d undefined  %s\n", $1, $2}' "$LIST"
echo "# sextant: $SX; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# best of 3: prints "real cpu" in seconds for a bash command line
measure() {
  local best_r=999 best_c=999 r u s
  for i in 1 2 3; do
    read -r r u s < <( { TIMEFORMAT='%R %U %S'; time bash -c "$1" >/dev/null 2>&1; } 2>&1 )
    best_r=$(python3 -c "print(min($best_r, $r))"); best_c=$(python3 -c "print(min($best_c, $u + $s))")
  done
  echo "$best_r $best_c"
}
bindings() {
  python3 -c '
import json,sys
n=0
for line in open(sys.argv[1]):
    d=json.loads(line)
    n+=sum(1 for m in d["modules"] for p in m["procedures"] if p["status"] in ("bound","forwarded"))
print(n)' "$1"
}

OUT=$(mktemp)
$SX bind --all --json $FILES >"$OUT" || true     # also warms the page cache
if [ "$SX" = "$PWD/sextant" ]; then source bench/lib.sh; sextant_warm "$SX" bind --all $FILES; fi   # the launcher's start-up archive
for f in $FILES; do ldd -r "$f" >/dev/null 2>&1 || true; done
B=$(bindings "$OUT")
read -r LR LC < <(measure 'for f in $FILES; do ldd -r "$f"; done')
read -r SR SC < <(measure '$SX bind --all $FILES')
echo "# 1. all $N files ($B bindings)"
python3 - "$LR" "$LC" "$SR" "$SC" "$B" <<'PY'
import sys
lr, lc, sr, sc = map(float, sys.argv[1:5]); b = int(sys.argv[5])
print(f"  ldd -r, one run per file:  wall {lr*1000:6.0f} ms  cpu {lc*1000:6.0f} ms  {b/lr:9.0f} bindings/s")
print(f"  sextant bind --all, 1 JVM: wall {sr*1000:6.0f} ms  cpu {sc*1000:6.0f} ms  {b/sr:9.0f} bindings/s")
print(f"  ratio sextant/ldd: wall {sr/lr:.2f}x  cpu {sc/lc:.2f}x")
PY

FIRST=$(echo "$FILES" | head -n1)
export FIRST
$SX bind --all --json "$FIRST" >"$OUT" || true
B1=$(bindings "$OUT")
read -r LR LC < <(measure 'ldd -r "$FIRST"')
read -r SR SC < <(measure '$SX bind --all "$FIRST"')
echo "# 2. one file, cold process: $FIRST ($B1 bindings)"
python3 - "$LR" "$LC" "$SR" "$SC" "$B1" <<'PY'
import sys
lr, lc, sr, sc = map(float, sys.argv[1:5]); b = int(sys.argv[5])
print(f"  ldd -r:  wall {lr*1000:6.0f} ms  cpu {lc*1000:6.0f} ms  {b/lr:9.0f} bindings/s")
print(f"  sextant: wall {sr*1000:6.0f} ms  cpu {sc*1000:6.0f} ms  {b/sr:9.0f} bindings/s")
print(f"  ratio sextant/ldd: wall {sr/lr:.2f}x  cpu {sc/lc:.2f}x")
PY

# 3. the floor: a start of the JVM and a bind that has nothing to do (a tiny static executable)
TINY=$(mktemp -d)
if printf 'int main(void){return 0;}\n' > "$TINY/t.c" && cc -static -o "$TINY/tiny" "$TINY/t.c" 2>/dev/null; then
  export TINYF="$TINY/tiny"
  if [ "$SX" = "$PWD/sextant" ]; then sextant_warm "$SX" bind "$TINYF"; fi
  read -r TR TC < <(measure '$SX bind "$TINYF"')
  echo "# 3. floor: sextant bind on a tiny static executable (JVM start-up, nothing to bind)"
  python3 -c 'import sys; print("  sextant: wall %6.0f ms  cpu %6.0f ms" % (float(sys.argv[1])*1000, float(sys.argv[2])*1000))' "$TR" "$TC"
fi
rm -rf "$LIST" "$OUT" "$TINY"
