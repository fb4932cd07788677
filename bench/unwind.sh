#!/usr/bin/env bash
# Decode every FDE and its rows of the largest library on the machine:
#   sextant unwind --json  vs  readelf --debug-dump=frames-interp  vs  llvm-dwarfdump-14 --eh-frame
# Prints wall and CPU seconds (best of N runs each, same run), FDEs per second and ratios.
# Usage: bench/unwind.sh [LIBRARY] [RUNS]      (run from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
LIB="${1:-}"
RUNS="${2:-3}"
if [[ -z "$LIB" ]]; then
  if [[ -f /usr/lib/x86_64-linux-gnu/libLLVM-14.so.1 ]]; then LIB=/usr/lib/x86_64-linux-gnu/libLLVM-14.so.1
  else LIB=$(find /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -name '*.so*' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
  fi
fi
if [[ ! -f app/target/sextant-app.jar || ! -f app/target/classpath.txt ]]; then
  mvn -o -q -B package -DskipTests
fi
CP="$(cat app/target/classpath.txt):app/target/sextant-app.jar"
JAVA_OPTS=${JAVA_OPTS:-}
FDES=$(readelf --debug-dump=frames "$LIB" 2>/dev/null | grep -c ' FDE cie=' || true)
echo "library: $LIB ($(du -h "$LIB" | cut -f1)), $FDES FDEs; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

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

read -r S_WALL S_CPU < <(measure java $JAVA_OPTS -cp "$CP" dev.sextant.app.Main unwind --json "$LIB")
# the same with the JIT/GC flags suited to a short command-line run (C1 only, serial GC)
CLI_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
read -r C_WALL C_CPU < <(measure java $CLI_OPTS -cp "$CP" dev.sextant.app.Main unwind --json "$LIB")
if [[ -x ./sextant ]]; then
  source bench/lib.sh; sextant_warm "$PWD/sextant" unwind --json "$LIB"     # the launcher's start-up archive
  read -r X_WALL X_CPU < <(measure ./sextant unwind --json "$LIB")
else X_WALL=""; fi
read -r R_WALL R_CPU < <(measure readelf --debug-dump=frames-interp "$LIB")
if command -v llvm-dwarfdump-14 > /dev/null; then
  read -r L_WALL L_CPU < <(measure llvm-dwarfdump-14 --eh-frame "$LIB")
else
  L_WALL=""; L_CPU=""
fi

rate() { awk -v n="$FDES" -v t="$1" 'BEGIN{ if (t > 0) printf "%.0f", n / t; else print "inf" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
printf '%-52s %8s %8s %14s\n' "tool" "wall s" "cpu s" "FDEs/s (wall)"
printf '%-52s %8s %8s %14s\n' "java -cp … unwind --json" "$S_WALL" "$S_CPU" "$(rate "$S_WALL")"
printf '%-52s %8s %8s %14s\n' "  same, $CLI_OPTS" "$C_WALL" "$C_CPU" "$(rate "$C_WALL")"
[[ -n "$X_WALL" ]] && printf '%-52s %8s %8s %14s\n' "./sextant unwind --json" "$X_WALL" "$X_CPU" "$(rate "$X_WALL")"
printf '%-52s %8s %8s %14s\n' "readelf --debug-dump=frames-interp" "$R_WALL" "$R_CPU" "$(rate "$R_WALL")"
[[ -n "$L_WALL" ]] && printf '%-52s %8s %8s %14s\n' "llvm-dwarfdump-14 --eh-frame" "$L_WALL" "$L_CPU" "$(rate "$L_WALL")"
# The headline is the launcher's (the README's command); the plain-java rows show what its flags and archive give.
if [[ -n "$X_WALL" ]]; then
  echo "./sextant speed-up:         vs readelf wall $(ratio "$R_WALL" "$X_WALL")x, cpu $(ratio "$R_CPU" "$X_CPU")x (target >= 3x)$([[ -n "$L_WALL" ]] && echo "; vs llvm-dwarfdump wall $(ratio "$L_WALL" "$X_WALL")x (target > 1x)")"
fi
echo "speed-up vs readelf:        wall $(ratio "$R_WALL" "$S_WALL")x, cpu $(ratio "$R_CPU" "$S_CPU")x (default JVM); wall $(ratio "$R_WALL" "$C_WALL")x, cpu $(ratio "$R_CPU" "$C_CPU")x (CLI flags)   (target >= 3x)"
[[ -n "$L_WALL" ]] && echo "speed-up vs llvm-dwarfdump: wall $(ratio "$L_WALL" "$S_WALL")x, cpu $(ratio "$L_CPU" "$S_CPU")x (default JVM); wall $(ratio "$L_WALL" "$C_WALL")x, cpu $(ratio "$L_CPU" "$C_CPU")x (CLI flags)   (target > 1x)"
exit 0
