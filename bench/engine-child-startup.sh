#!/usr/bin/env bash
# What the engine process costs the window's start: time to the shown window (first paint) and to
# the shown dump, with the engine in a child process (the default) and in the window's JVM
# (-Dsextant.engine=inprocess), alternating runs on the same one-thread core. Target: <= 150 ms added
# to the first paint. Needs a display or xvfb-run.
# Usage: bench/engine-child-startup.sh [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/bench/lib.sh"
runs=${1:-7}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cc -g -O0 -o "$work/crash" "$here/engine/src/test/native/crash.c"
core=$(make_core "$work" "$work/crash")
gui() {   # $1: engine mode; prints "WINDOW_MS DUMP_MS"
  local cmd=(env SEXTANT_TIMING=1 SEXTANT_JAVA_OPTS="-Dsextant.engine=$1" "$here/sextant" gui --core "$core" --screenshot "$work/s.png")
  if [[ -z "${DISPLAY:-}" ]]; then
    command -v xvfb-run >/dev/null || { echo "no display and no xvfb-run" >&2; exit 1; }
    cmd=(xvfb-run -a -s "-screen 0 1400x900x24" "${cmd[@]}")
  fi
  "${cmd[@]}" 2>&1 | awk '/timing: window shown/ {w=$4} /timing: dump shown/ {d=$4} END {print w, d}'
}
"$here/sextant" gui --core "$core" --screenshot "$work/s.png" >/dev/null 2>&1 || xvfb-run -a "$here/sextant" gui --core "$core" --screenshot "$work/s.png" >/dev/null 2>&1 || true   # build, archive
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
