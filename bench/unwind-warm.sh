#!/usr/bin/env bash
# Issue 6's bound: how fast can `sextant unwind --json` be on this machine at all? Three figures, same run:
#   1. the listing in one JVM run again and again (C2-compiled and warm: no JIT warm-up left), median of the last half;
#   2. the launcher's floor: `./sextant unwind --json` of a library with a handful of FDEs (the JVM starting and exiting);
#   3. readelf --debug-dump=frames-interp on the library, and the 3x target it sets.
# (1) + (2) is the best a cold run could reach if its code were compiled before it started.
# Usage: bench/unwind-warm.sh [LIBRARY] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
LIB="${1:-/usr/lib/x86_64-linux-gnu/libLLVM-14.so.1}"
RUNS="${2:-15}"
SMALL=/usr/lib/x86_64-linux-gnu/libpthread.so.0
./sextant unwind --help >/dev/null 2>&1   # build if needed
java=$(SEXTANT_WHICH_JAVA=1 ./sextant)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp="$(cat app/target/classpath.txt):app/target/sextant-app.jar"
"${java%/java}/javac" -cp "$cp" -d "$work" bench/WarmUnwind.java
warm=$("$java" -XX:+UseSerialGC -Xmn256m --enable-native-access=ALL-UNNAMED -cp "$work:$cp" WarmUnwind "$RUNS" "$LIB" 2>/dev/null \
  | awk '{print $1}' | tail -n $((RUNS / 2)) | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
floor=$(median_ms 9 ./sextant unwind --json "$SMALL")
cold=$(median_ms 5 ./sextant unwind --json "$LIB")
ref=$(median_ms 5 readelf --debug-dump=frames-interp "$LIB")
echo "library: $LIB; $(nproc) CPUs"
printf '%-58s %6s ms\n' "listing, warm (median of the last $((RUNS / 2)) of $RUNS runs in one JVM)" "$warm" \
  "floor: ./sextant unwind --json $(basename "$SMALL")" "$floor" \
  "best a cold run could reach (warm listing + floor)" "$((warm + floor))" \
  "./sextant unwind --json, cold (as bench/unwind.sh)" "$cold" \
  "readelf --debug-dump=frames-interp" "$ref" \
  "the target: readelf / 3" "$((ref / 3))"
