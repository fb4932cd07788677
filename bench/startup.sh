#!/usr/bin/env bash
# Start-up of Sextant: the command line on a one-thread core (vs eu-stack), and the GUI's time to
# a shown window and to a shown dump (needs xvfb-run for a display when none is set).
# Usage: bench/startup.sh [runs]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/bench/lib.sh"
runs=${1:-5}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cc -g -O0 -o "$work/crash" "$here/engine/src/test/native/crash.c"
core=$(make_core "$work" "$work/crash")
"$here/sextant" stack --core "$core" >/dev/null 2>&1 || true    # build, and make the CDS archive
s=$(median_ms "$runs" "$here/sextant" stack --core "$core")
e=$(median_ms "$runs" eu-stack -s --core="$core")
j=$(median_ms "$runs" java -Xshare:auto -XX:TieredStopAtLevel=1 -version)
echo "command line, one-thread core: sextant $s ms, eu-stack $e ms (ratio $(ratio "$s" "$e")); the JVM alone $j ms"
SEXTANT_TIMING=1 "$here/sextant" stack --core "$core" 2>&1 >/dev/null | sed 's/^/  /'
run_gui() {
  if [[ -n "${DISPLAY:-}" ]]; then SEXTANT_TIMING=1 "$here/sextant" gui --core "$core" --screenshot "$work/s.png" 2>&1
  elif command -v xvfb-run >/dev/null; then SEXTANT_TIMING=1 xvfb-run -a -s "-screen 0 1400x900x24" "$here/sextant" gui --core "$core" --screenshot "$work/s.png" 2>&1
  else echo "no display and no xvfb-run: GUI start-up not measured"; fi
}
run_gui >/dev/null   # makes the GUI's CDS archive
for ((i = 0; i < 3; i++)); do run_gui | grep timing | sed 's/^/  gui /'; done
