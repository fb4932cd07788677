#!/usr/bin/env bash
# The delay from dlopen returning in a target to the module's row reaching the GUI's Modules table
# (the real MainWindow, headless on Monocle), over a storm of N dlopen/dlclose (default 1000):
# median, p90 and worst, and the LOADS/UNLOADS notification rate. Both clocks are CLOCK_MONOTONIC.
# Usage: bench/modules-delay.sh [N]   (needs cc and the compiled test classes: mvn -o -pl engine,app -am test-compile)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (times vary with load)"
if [ ! -f app/target/test-classes/dev/sextant/app/ModulesDelayBench.class ]; then
  mvn -o -q -B -pl icons,engine,app -am test-compile
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mvn -o -q -B -pl icons,engine,app dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
# The reactor's own modules from their target directories, not from a local repository.
CP=$(tr ':' '\n' < "$WORK/cp.txt" | grep -v '/dev/sextant/' | paste -sd: -)
CP="app/target/test-classes:app/target/classes:engine/target/test-classes:engine/target/classes:icons/target/classes:$CP"
java ${BENCH_JAVA_OPTS:-} -Dtestfx.headless=true -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw -Dprism.text=t2k \
     -Dheadless.geometry=1600x1200-32 -Djava.awt.headless=true \
     -cp "$CP" dev.sextant.app.ModulesDelayBench "$N" engine/src/test/native
