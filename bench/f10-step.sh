#!/usr/bin/env bash
# Issue 17's figure: F10 in the window -> Source, Call stack, Registers and Variables updated
# (StepLatencyGuiTest.views; it also prints the FX thread's CPU per step, load-independent), median over STEPS steps in the demo's process_order,
# from the key to the last view's update, headless (TestFX, Monocle). The reference: gdb's `next`
# on the same demo binary, the same breakpoint and the same steps, each timed inside gdb (Python).
# A step that leaves process_order continues to the breakpoint first, unmeasured, in both.
# Usage: bench/f10-step.sh [STEPS]    (default 100; prints both medians and the ratio)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
steps=${1:-100}
mvn -o -q -B -pl engine,app -am test -Dtest=StepLatencyGuiTest -Dsextant.f10.steps="$steps" \
    -Dsurefire.failIfNoSpecifiedTests=false >/dev/null 2>&1 || echo "(the test failed its bound: see app/target/surefire-reports)"
cat app/target/f10-latency.txt | head -3
ours=$(grep -o 'median [0-9.]* ms' app/target/f10-latency.txt | head -1 | awk '{print $2}')

exe="$HOME/.cache/sextant/demo/sextant-demo"
[ -x "$exe" ] || { echo "no demo binary at $exe (the test builds it)"; exit 1; }
py=$(mktemp --suffix=.py)
cat > "$py" <<PY
import gdb, time
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("break process_order")
gdb.execute("run > /dev/null")
times = []
while len(times) < $steps:
    f = gdb.selected_frame()
    if f.name() != "process_order":
        gdb.execute("continue", to_string=True)
        continue
    t0 = time.perf_counter()
    gdb.execute("next", to_string=True)
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print("gdb next over %d steps: median %.1f ms, p90 %.1f ms, max %.1f ms" % (len(times), times[(len(times) - 1) // 2], times[int(len(times) * 0.9) - 1], times[-1]))
gdb.execute("kill")
PY
ref_line=$(timeout 300 gdb -nx -batch -x "$py" "$exe" 2>/dev/null | grep '^gdb next')
rm -f "$py"
echo "$ref_line"
ref=$(echo "$ref_line" | grep -o 'median [0-9.]* ms' | awk '{print $2}')
echo "Sextant (key to every view updated) / gdb (next alone, no views): $(ratio "$ours" "$ref")   load average $(cut -d' ' -f1 /proc/loadavg)"
