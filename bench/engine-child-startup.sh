#!/usr/bin/env bash
# What the engine process costs the window's start: time to the shown window (first paint) and to
# the shown dump, with the engine in a child process (the default) and in the window's JVM
# (-Dsextant.engine=inprocess), alternating runs on the same one-thread core, the window headless on
# Monocle. Target: <= 150 ms added to the first paint.
# Usage: bench/engine-child-startup.sh [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/bench/lib.sh"
runs=${1:-7}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cc -g -O0 -o "$work/crash" "$here/engine/src/test/native/crash.c"
core=$(make_core "$work" "$work/crash")
# The GUI headless on Monocle (as the GUI tests run it; this machine has no GTK), from the reactor's classes.
mvn -o -q -B -pl icons,engine,app -am test-compile >/dev/null
mvn -o -q -B -pl icons,engine,app dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp=$(tr ':' '\n' < "$work/cp.txt" | grep -v '/dev/sextant/' | paste -sd: -)
cp="$here/app/target/classes:$here/engine/target/classes:$here/icons/target/classes:$cp"
java=$(SEXTANT_WHICH_JAVA=1 "$here/sextant")
gui() {   # $1: engine mode; prints "WINDOW_MS DUMP_MS"
  SEXTANT_TIMING=1 "$java" -XX:+UseSerialGC -Xss2m -Xshare:auto -Dsextant.engine="$1" -Dglass.platform=Monocle -Dmonocle.platform=Headless \
      -Dprism.order=sw -Dheadless.geometry=1600x1200-32 -cp "$cp" dev.sextant.app.Main gui --core "$core" --screenshot="$work/s.png" 2>&1 \
    | awk '/timing: window shown/ {w=$4} /timing: dump shown/ {d=$4} END {print w, d}'
}
gui child >/dev/null; gui inprocess >/dev/null    # warm the page cache for both
cw=(); cd=(); iw=(); id=()
for ((i = 0; i < runs; i++)); do
  read -r w d < <(gui child); cw+=("$w"); cd+=("$d")
  read -r w d < <(gui inprocess); iw+=("$w"); id+=("$d")
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
a=$(med "${cw[@]}"); b=$(med "${iw[@]}"); c=$(med "${cd[@]}"); d=$(med "${id[@]}")
echo "window shown (first paint), median of $runs: engine process $a ms, in-process $b ms: +$((a - b)) ms (ratio $(ratio "$a" "$b")); target <= +150 ms"
echo "dump shown, median of $runs:                 engine process $c ms, in-process $d ms: +$((c - d)) ms (ratio $(ratio "$c" "$d"))"
echo "  runs, child:      window ${cw[*]}; dump ${cd[*]}"
echo "  runs, in-process: window ${iw[*]}; dump ${id[*]}"
