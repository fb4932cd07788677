#!/usr/bin/env bash
# Issue 2 figures: `sextant stack --core` vs `eu-stack -s --core` vs `gdb -batch -ex "thread apply all bt"`
# on real cores of a program with 50 and 1,000 threads blocked three calls deep, start-up included.
# Usage: bench/core-stack.sh [runs]   (median of `runs`, default 5). Prints the ratios.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/bench/lib.sh"
runs=${1:-5}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cc -g -O0 -pthread -o "$work/threads" "$here/engine/src/test/native/abortthreads.c"
"$here/sextant" stack --help >/dev/null 2>&1   # build if needed
echo "wall time, median of $runs (CPU time in brackets), start-up included"
printf '%-8s %18s %18s %18s %11s %11s\n' threads sextant eu-stack gdb sextant/eu sextant/gdb
for n in 50 1000; do
  mkdir -p "$work/$n"; cp "$work/threads" "$work/$n/"
  core=$(make_core "$work/$n" "$work/$n/threads" "$n")
  sextant_warm "$here/sextant" stack --core "$core"
  s=$(median_ms "$runs" "$here/sextant" stack --core "$core")
  e=$(median_ms "$runs" eu-stack -s --core="$core" -e "$work/$n/threads")
  g=$(median_ms "$runs" gdb -batch -nx -ex "thread apply all bt" "$work/$n/threads" "$core")
  sc=$(median_cpu_ms "$runs" "$here/sextant" stack --core "$core")
  ec=$(median_cpu_ms "$runs" eu-stack -s --core="$core" -e "$work/$n/threads")
  gc=$(median_cpu_ms "$runs" gdb -batch -nx -ex "thread apply all bt" "$work/$n/threads" "$core")
  printf '%-8s %7s ms (%5s) %7s ms (%5s) %7s ms (%5s) %5s (%4s) %5s (%4s)\n' "$n" "$s" "$sc" "$e" "$ec" "$g" "$gc" \
    "$(ratio "$s" "$e")" "$(ratio "$sc" "$ec")" "$(ratio "$s" "$g")" "$(ratio "$sc" "$gc")"
done
echo "(targets: 50 threads <= 3x eu-stack and <= 0.5x gdb; 1,000 threads <= 1.0x eu-stack)"
for n in 50 1000; do
  echo "where Sextant's time goes on the $n-thread core (JNA + libdw load on its own here; a normal run overlaps it with reading the notes):"
  SEXTANT_TIMING=1 "$here/sextant" stack --core "$(ls -t "$work/$n"/core* | head -1)" 2>&1 >/dev/null | sed 's/^/  /'
done
jvm=$(SEXTANT_WHICH_JAVA=1 "$here/sextant")
echo "the JVM alone ($jvm -version): $(median_ms "$runs" "$jvm" -Xshare:auto -XX:TieredStopAtLevel=1 -version) ms"
