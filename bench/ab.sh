#!/usr/bin/env bash
# Interleaved A/B of two commands: runs A, then B, N times each, and prints the median wall time and
# the median CPU time (user + system) of each, with the load average before and after. Interleaving
# keeps a drifting machine from favouring one side; used for the before/after figures in commit
# messages (e.g. one worktree's ./sextant against another's). Output of both is discarded.
# Usage: bench/ab.sh N COMMAND-A… -- COMMAND-B…
set -euo pipefail
source "$(dirname "$0")/lib.sh"
n=$1; shift
a=(); while [[ $1 != -- ]]; do a+=("$1"); shift; done; shift; b=("$@")
# one run: "wall_ms cpu_ms"
run() {
  local f; f=$(mktemp)
  /usr/bin/time -f "%e %U %S" -o "$f" "$@" >/dev/null 2>&1 || true
  tail -1 "$f" | awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}'; rm -f "$f"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
wa=(); ca=(); wb=(); cb=()
for ((i = 0; i < n; i++)); do
  read -r w c < <(run "${a[@]}"); wa+=("$w"); ca+=("$c")
  read -r w c < <(run "${b[@]}"); wb+=("$w"); cb+=("$c")
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo "A median $(median "${wa[@]}") ms wall, $(median "${ca[@]}") ms CPU   B median $(median "${wb[@]}") ms wall, $(median "${cb[@]}") ms CPU"
echo "B/A: wall $(ratio "$(median "${wb[@]}")" "$(median "${wa[@]}")"), CPU $(ratio "$(median "${cb[@]}")" "$(median "${ca[@]}")")"
