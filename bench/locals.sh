#!/usr/bin/env bash
# Issue 17 figure: `sextant locals --core` (every variable of every frame of every thread, all values)
# vs `gdb -batch -ex 'thread apply all bt full'` on the same core, start-up included.
# The core: engine/src/test/native/state.c at -O0 and -O2 (structs, arrays, unions, bitfields,
# three threads; libc's frames have variables too when libc6-dbg is installed).
# Usage: bench/locals.sh [runs]   (median of `runs`, default 5). Prints the ratio; target <= 0.5x gdb.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/bench/lib.sh"
runs=${1:-5}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$here/sextant" locals --help >/dev/null 2>&1   # build if needed
echo "wall time, median of $runs (CPU time in brackets), start-up included"
printf '%-5s %10s %18s %18s %11s\n' opt variables sextant gdb sextant/gdb
for opt in -O0 -O2; do
  mkdir -p "$work/$opt"
  cc -g "$opt" -pthread -o "$work/$opt/state" "$here/engine/src/test/native/state.c"
  core=$(make_core "$work/$opt" "$work/$opt/state" crash)
  sextant_warm "$here/sextant" locals --core "$core" --exe "$work/$opt/state"
  vars=$("$here/sextant" locals --core "$core" --exe "$work/$opt/state" | grep -c ' = ' || true)
  # Interleaved (Sextant, gdb, Sextant, gdb, ...), so that a machine whose load drifts favours neither.
  gdb -batch -nx -ex "thread apply all bt full" "$work/$opt/state" "$core" >/dev/null 2>&1 || true
  sw=(); gw=(); scs=(); gcs=()
  for ((i = 0; i < runs; i++)); do
    sw+=("$(time_ms "$here/sextant" locals --core "$core" --exe "$work/$opt/state")")
    gw+=("$(time_ms gdb -batch -nx -ex "thread apply all bt full" "$work/$opt/state" "$core")")
    scs+=("$(cpu_ms "$here/sextant" locals --core "$core" --exe "$work/$opt/state")")
    gcs+=("$(cpu_ms gdb -batch -nx -ex "thread apply all bt full" "$work/$opt/state" "$core")")
  done
  s=$(median "${sw[@]}"); g=$(median "${gw[@]}"); sc=$(median "${scs[@]}"); gc=$(median "${gcs[@]}")
  printf '%-5s %10s %7s ms (%5s) %7s ms (%5s) %5s (%4s)\n' "$opt" "$vars" "$s" "$sc" "$g" "$gc" "$(ratio "$s" "$g")" "$(ratio "$sc" "$gc")"
done
echo "(target: sextant <= 0.5x gdb; load average $(cut -d' ' -f1-3 /proc/loadavg))"
