#!/usr/bin/env bash
# Disassemble all of libc's code, the same work on both sides: every executable section whole, with
# symbol labels and symbolic targets:  sextant disasm LIB --all-code  vs  objdump -d -M intel LIB.
# (--all-functions, the functions with a size, decodes only the third of libc that has exported
# symbols; it is timed too, for reference.) Prints wall and CPU seconds (best of N runs each, same
# run), the instructions each printed (objdump elides runs of zero padding as "..."), and the ratios.
# Usage: bench/disasm.sh [LIBRARY] [RUNS]      (run from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
LIB="${1:-/usr/lib/x86_64-linux-gnu/libc.so.6}"
RUNS="${2:-5}"
./sextant disasm --help >/dev/null 2>&1 || true     # builds if needed
echo "library: $LIB ($(du -h "$LIB" | cut -f1)); $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# best wall time and the CPU time of that run, over $RUNS runs: "wall cpu"
measure() {
  local best_wall="" best_cpu=""
  for ((i = 0; i < RUNS; i++)); do
    local t tf
    tf=$(mktemp)
    /usr/bin/time -o "$tf" -f "%e %U %S" "$@" > /dev/null 2>/dev/null || true
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

./sextant disasm "$LIB" --all-code >/dev/null 2>&1 || true   # warm: the start-up archive
./sextant disasm "$LIB" --all-code >/dev/null 2>&1 || true
insns() { grep -cP ':\t[0-9a-f ]+\t' || true; }       # instruction lines (not objdump's byte continuation lines)
ours_n=$(./sextant disasm "$LIB" --all-code 2>/dev/null | insns)
funcs_n=$(./sextant disasm "$LIB" --all-functions 2>/dev/null | insns)
theirs_n=$(objdump -d -M intel "$LIB" | insns)
read -r sw sc < <(measure ./sextant disasm "$LIB" --all-code)
read -r fw fc < <(measure ./sextant disasm "$LIB" --all-functions)
read -r ow oc < <(measure objdump -d -M intel "$LIB")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
echo "sextant disasm --all-code:      ${sw} s wall, ${sc} s CPU, $ours_n instructions (every code section)"
echo "objdump -d -M intel:            ${ow} s wall, ${oc} s CPU, $theirs_n instructions (every code section)"
echo "ratio sextant/objdump (same code): wall $(ratio "$sw" "$ow")x, CPU $(ratio "$sc" "$oc")x"
echo "sextant disasm --all-functions: ${fw} s wall, ${fc} s CPU, $funcs_n instructions (functions with a size; for reference)"
