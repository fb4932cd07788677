#!/usr/bin/env bash
# Issue 21 figures (memory and time with many threads): `sextant stack --core` vs gdb's
# `thread apply all bt` on a real core of a program with N threads (default 10,000) blocked three
# calls deep, start-up included. Prints each tool's wall time and peak resident memory
# (/usr/bin/time's maximum RSS) and the ratios. Targets: time <= 0.1x gdb's, peak RSS <= 1.5x gdb's.
# Usage: bench/many-threads.sh [threads] [runs]   (best of `runs` for each, default 10000 and 3)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/bench/lib.sh"
n=${1:-10000}; runs=${2:-3}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cc -g -O0 -pthread -o "$work/threads" "$here/engine/src/test/native/abortthreads.c"
core=$(make_core "$work" "$work/threads" "$n")
echo "core of $n threads: $(du -m "$core" | cut -f1) MiB"
"$here/sextant" stack --help >/dev/null 2>&1   # build if needed
sextant_warm "$here/sextant" stack --core "$core"

measure() {  # command...: prints "wall_ms maxrss_kb" of one run, output discarded
  local f; f=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$f" "$@" >/dev/null 2>&1 || true
  tail -1 "$f" | awk '{printf "%d %d\n", $1 * 1000, $2}'; rm -f "$f"
}
best() {  # label, command...: best wall time and the smallest peak RSS of `runs` runs
  local label=$1; shift
  local bw="" bm=""
  for ((i = 0; i < runs; i++)); do
    read -r w m < <(measure "$@")
    echo "  $label run $((i + 1)): ${w} ms, peak RSS $((m / 1024)) MiB" >&2
    [[ -z "$bw" || $w -lt $bw ]] && bw=$w
    [[ -z "$bm" || $m -lt $bm ]] && bm=$m
  done
  echo "$bw $bm"
}
read -r sw sm < <(best sextant "$here/sextant" stack --core "$core")
read -r gw gm < <(best gdb gdb -batch -nx -ex "thread apply all bt" "$work/threads" "$core")
printf '%-8s %10s %14s\n' tool "wall ms" "peak RSS MiB"
printf '%-8s %10s %14s\n' sextant "$sw" "$((sm / 1024))" gdb "$gw" "$((gm / 1024))"
echo "sextant/gdb: time $(ratio "$sw" "$gw")x (target <= 0.1), peak RSS $(ratio "$sm" "$gm")x (target <= 1.5)"
# the same frames: thread count and the innermost function of each thread
st=$("$here/sextant" stack --core "$core" | grep -c '^Thread ' || true)
gt=$(gdb -batch -nx -ex "thread apply all bt" "$work/threads" "$core" 2>/dev/null | grep -c '^Thread ' || true)
echo "threads listed: sextant $st, gdb $gt"
