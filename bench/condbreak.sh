#!/usr/bin/env bash
# 20,000 hits of a conditional breakpoint whose condition is true on the last one only, start-up
# included: sextant run --break 'step if i == 19999'  vs  gdb -batch -ex 'break step if i == 19999' -ex run.
# Both print i at the stop and let the program finish. Prints wall and CPU seconds (best of N runs
# each, same run) and the ratios; then the same with 1 hit, and the cost of one hit for each
# ((time with HITS - time with 1) / (HITS - 1), in µs) and its ratio.
# Usage: bench/condbreak.sh [HITS] [RUNS]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
HITS="${1:-20000}"
RUNS="${2:-3}"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cc -g -O0 -pthread -o "$work/watchloop" engine/src/test/native/watchloop.c
./sextant run --help >/dev/null 2>&1 || true     # builds if needed
echo "$HITS hits of 'step if i == $((HITS - 1))'; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

measure() {
  local best_wall="" best_cpu=""
  for ((i = 0; i < RUNS; i++)); do
    local t tf
    tf=$(mktemp)
    /usr/bin/time -o "$tf" -f "%e %U %S" "$@" > "$work/out" 2>&1 || true
    t=$(tail -1 "$tf"); rm -f "$tf"
    local wall cpu
    wall=$(echo "$t" | awk '{print $1}')
    cpu=$(echo "$t" | awk '{printf "%.2f", $2 + $3}')
    if [[ -z "$best_wall" ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN{exit !(a < b)}'; then
      best_wall=$wall; best_cpu=$cpu
    fi
  done
  echo "$best_wall $best_cpu"
}

sextant_of() { sextant_cmd=(./sextant run --break "step if i == $(($1 - 1))" --print i -- "$work/watchloop" "$1"); }
gdb_of() { gdb_cmd=(gdb -batch -nx -ex "break step if i == $(($1 - 1))" -ex run -ex "print i" -ex continue --args "$work/watchloop" "$1"); }
sextant_of "$HITS"; gdb_of "$HITS"
"${sextant_cmd[@]}" >/dev/null 2>&1 || true; "${sextant_cmd[@]}" >/dev/null 2>&1 || true    # the start-up archive
sextant_of 1; gdb_of 1
read -r sw1 sc1 < <(measure "${sextant_cmd[@]}")
read -r gw1 gc1 < <(measure "${gdb_cmd[@]}")
sextant_of "$HITS"; gdb_of "$HITS"
echo "sextant says: $("${sextant_cmd[@]}" 2>&1 | grep -E '^  i = ' | head -1)"
echo "gdb says:     $("${gdb_cmd[@]}" 2>&1 | grep -E '^\$1 = ' | head -1)"
read -r sw sc < <(measure "${sextant_cmd[@]}")
read -r gw gc < <(measure "${gdb_cmd[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.3f", a / b }'; }
echo "sextant run: ${sw} s wall, ${sc} s CPU"
echo "gdb -batch:  ${gw} s wall, ${gc} s CPU"
echo "ratio sextant/gdb: wall $(ratio "$sw" "$gw")x, CPU $(ratio "$sc" "$gc")x"
perhit() { awk -v a="$1" -v b="$2" -v n="$HITS" 'BEGIN { printf "%.1f", (a - b) * 1e6 / (n - 1) }'; }
echo "1 hit: sextant ${sw1} s wall, ${sc1} s CPU; gdb ${gw1} s wall, ${gc1} s CPU"
psw=$(perhit "$sw" "$sw1"); psc=$(perhit "$sc" "$sc1"); pgw=$(perhit "$gw" "$gw1"); pgc=$(perhit "$gc" "$gc1")
echo "per hit: sextant ${psw} µs wall, ${psc} µs CPU; gdb ${pgw} µs wall, ${pgc} µs CPU"
echo "per-hit ratio sextant/gdb: wall $(ratio "$psw" "$pgw")x, CPU $(ratio "$psc" "$pgc")x"
