#!/usr/bin/env bash
# The FX-pulse figure of issue 4: how long the FX thread runs per pulse while 200 modules load
# symbols at once (a real core of a program linked with 200 small libraries, DWARF in a build-id
# directory, loaded through the real window, headless). Runs SymbolLoadPulseTest RUNS times and
# prints each run's figures, then the median of the per-run maxima.
# Usage: bench/fx-pulse.sh [RUNS [-Dsextant.bench.tab="Symbol load log"] [-Dsextant.bench.sortBy=Symbols]]
#   RUNS defaults to 3; the options show another bottom tab, or sort the Modules table, while loading;
#   -Dsextant.bench.sample=true also writes the FX thread's frames per long pulse to
#   app/target/fx-pulse-profile.txt (a sampler that perturbs the figures: for finding, not measuring).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${1:-3}
shift || true
out=$(mktemp)
for ((r = 1; r <= runs; r++)); do
  mvn -o -q -B -pl engine,app -am test -Dtest=SymbolLoadPulseTest -Dsextant.bench=true \
      -Dsurefire.failIfNoSpecifiedTests=false "$@" >/dev/null 2>&1 || { echo "run $r failed: see app/target/surefire-reports"; exit 1; }
  cat app/target/fx-pulse.txt | tee -a "$out"
done
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median over $runs runs:"
echo "  longest event batch (FX-thread CPU): $(grep -o 'batches (FX CPU): [0-9]*, max [0-9.]*' "$out" | awk '{print $NF}' | med) ms"
echo "  longest FX-thread CPU between two pulses: $(grep -o 'FX CPU per pulse: max [0-9.]*' "$out" | awk '{print $NF}' | med) ms (target: 50 ms)"
echo "  median FX-thread CPU per pulse: $(grep -o 'FX CPU per pulse: max [0-9.]* ms, median [0-9.]*' "$out" | awk '{print $NF}' | med) ms"
echo "  longest pulse gap (wall, includes waiting for a CPU): $(grep -o 'while loading: [0-9]*, max [0-9.]*' "$out" | awk '{print $NF}' | med) ms"
echo "  load average: $(grep -o 'loadavg [0-9.]*' "$out" | awk '{print $NF}' | tr '\n' ' ')"
rm -f "$out"
