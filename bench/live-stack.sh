#!/usr/bin/env bash
# Attach + every thread's symbolized stack + detach of a live C process with N threads blocked
# several calls deep: Sextant (`stack --pid`, JVM start-up included) vs eu-stack -s -p and
# gdb -batch "thread apply all bt", in one run; prints medians and ratios.
# Then the dlopen storm: LOADS/UNLOADS notifications per second through the live engine.
# Usage: bench/live-stack.sh [runs]   (./sextant builds what is missing; its first runs make the start-up archive)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
RUNS=${1:-5}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (the ratios are from one run; absolute times vary with load)"
WORK=$(mktemp -d)
trap 'for p in $(cat "$WORK"/pids 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
cc -g -O0 -pthread -o "$WORK/threads" engine/src/test/native/threads.c

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for N in 100 1000; do
  # started through sh so it is re-parented (not a child of this shell's job table either)
  sh -c '"$@" </dev/null >"$0" 2>&1 &' "$WORK/out.$N" "$WORK/threads" "$N"
  for _ in $(seq 1 200); do grep -q ready "$WORK/out.$N" 2>/dev/null && break; sleep 0.05; done
  PID=$(awk '/ready/ {print $2}' "$WORK/out.$N"); echo "$PID" >> "$WORK/pids"
  sextant_warm "$PWD/sextant" stack --pid "$PID"             # the start-up archive, and the page cache
  ./sextant stack --pid "$PID" --json > "$WORK/warm.json"
  S=(); E=(); G=()
  for _ in $(seq 1 "$RUNS"); do
    S+=("$(ms ./sextant stack --pid "$PID")")
    E+=("$(ms eu-stack -s -p "$PID")")
    if command -v gdb >/dev/null; then G+=("$(ms gdb -batch -nx -p "$PID" -ex 'thread apply all bt')"); fi
  done
  s=$(printf '%s\n' "${S[@]}" | median); e=$(printf '%s\n' "${E[@]}" | median)
  line="threads=$N sextant=${s}ms eu-stack=${e}ms ratio=$(awk -v a="$s" -v b="$e" 'BEGIN {printf "%.2f", a/b}')"
  if [ ${#G[@]} -gt 0 ]; then g=$(printf '%s\n' "${G[@]}" | median); line="$line gdb=${g}ms sextant/gdb=$(awk -v a="$s" -v b="$g" 'BEGIN {printf "%.2f", a/b}')"; fi
  echo "$line"
  test "$(grep -o '"tid"' "$WORK/warm.json" | wc -l)" -ge "$((N + 1))" || echo "WARNING: fewer threads than expected in sextant's JSON"
  kill -9 "$PID"
done

if [ -f engine/target/test-classes/dev/sextant/engine/linux/DlopenStorm.class ]; then
  mvn -o -q -B -pl engine dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
  java -cp "$(cat "$WORK/cp.txt"):engine/target/classes:engine/target/test-classes" dev.sextant.engine.linux.DlopenStorm 1000
fi
