#!/usr/bin/env bash
# Interleaved A/B of two commands: runs A, then B, N times each, and prints the median wall time of
# each. Interleaving keeps a drifting machine from favouring one side; used for the before/after
# figures in commit messages (e.g. one worktree's ./sextant against another's).
# Usage: bench/ab.sh N COMMAND-A… -- COMMAND-B…
set -euo pipefail
source "$(dirname "$0")/lib.sh"
n=$1; shift
a=(); while [[ $1 != -- ]]; do a+=("$1"); shift; done; shift; b=("$@")
ta=(); tb=()
for ((i = 0; i < n; i++)); do ta+=("$(time_ms "${a[@]}")"); tb+=("$(time_ms "${b[@]}")"); done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "A median $(med "${ta[@]}") ms   B median $(med "${tb[@]}") ms"
