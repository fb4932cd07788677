#!/usr/bin/env bash
# Issue 19 figure: symbolizing a minidump of THREADS threads (default 100) from a Breakpad store of MODULES
# (default 50) .sym files with FUNCS functions each, cold: a fresh process, the store never read by a
# Sextant process before (files fresh in the page cache), every module's .sym needed by some frame.
#   sextant dump --json --symbols STORE  vs  the same dump without symbols (frame pointers and scan only).
# No Breakpad minidump_stackwalk is packaged here to compare with.
# Usage: bench/breakpad-stackwalk.sh [THREADS] [MODULES] [FUNCS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${1:-100}; MODS=${2:-50}; FUNCS=${3:-5000}; RUNS=${4:-5}
source bench/lib.sh
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 bench/make_minidump.py "$work/bench.dmp" "$THREADS" 65536 40 "$MODS"
python3 bench/make_sym_store.py "$work/store" "$MODS" "$FUNCS"
echo "minidump: $THREADS threads x 40 frames, $MODS modules; store: $MODS .sym files, $(du -sh "$work/store" | cut -f1); load $(cut -d' ' -f1-3 /proc/loadavg)"
sextant_warm "$PWD/sextant" dump --json "$work/bench.dmp"
# Cold: each run reads the store afresh (a copy never read by Sextant: no cache of ours is involved).
cold=(); coldcpu=()
for ((i = 0; i < RUNS; i++)); do
  cp -r "$work/store" "$work/store$i"; cp -r "$work/store" "$work/cpu$i"
  cold+=("$(time_ms ./sextant dump --json --symbols "$work/store$i" "$work/bench.dmp")")
  coldcpu+=("$(cpu_ms ./sextant dump --json --symbols "$work/cpu$i" "$work/bench.dmp")")
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
S=$(med "${cold[@]}"); SC=$(med "${coldcpu[@]}")
N=$(median_ms "$RUNS" ./sextant dump --json "$work/bench.dmp"); NC=$(median_cpu_ms "$RUNS" ./sextant dump --json "$work/bench.dmp")
named=$(./sextant dump --json --symbols "$work/store0" "$work/bench.dmp" 2>/dev/null | grep -o '"function":"bench[0-9]*_function_[0-9]*' | wc -l)
echo "frames named from the store: $named"
printf '%-52s %8s %8s\n' "run (median of $RUNS)" "wall ms" "cpu ms"
printf '%-52s %8s %8s\n' "sextant dump --json --symbols STORE (cold)" "$S" "$SC"
printf '%-52s %8s %8s\n' "sextant dump --json (no symbols)" "$N" "$NC"
echo "with symbols / without: wall $(ratio "$S" "$N")x, cpu $(ratio "$SC" "$NC")x; target: <= 1000 ms with symbols"
