#!/usr/bin/env bash
# Issue 21's scale figure: a synthetic core of N threads (default 100,000; this machine's pid_max
# and max_map_count let no real process have that many: bench/manycore.py copies the threads of a
# real core of engine/src/test/native/groups.c) opened in the real window, headless
# (ManyThreadsBench): the time from the open to the grouped view (the Parallel stacks tree), the
# longest FX-thread CPU per pulse and per event batch. The reference, on the same core in the
# same run: `eu-stack` whose output is grouped as `pstack | sort | uniq -c` would (the habit the
# view replaces); SKIP_REF=1 leaves it out (it takes minutes at 100,000 threads).
# Usage: bench/many-threads-window.sh [THREADS]   (bench/many-threads.sh: the command line's time and memory)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
threads=${1:-100000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cc -g -O0 -pthread -o "$work/groups" engine/src/test/native/groups.c
real=$(make_core "$work" "$work/groups" 10)
python3 bench/manycore.py "$real" "$work/core-many" "$threads" >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); core: $threads threads, $(du -m "$work/core-many" | cut -f1) MB"
mvn -o -q -B -pl engine,app -am test -Dtest=ManyThreadsBench -Dsextant.bench=true -Dsextant.bench.threads="$threads" \
    -Dsextant.bench.core="$work/core-many" -Dsextant.bench.exe="$work/groups" \
    -Dsurefire.failIfNoSpecifiedTests=false >"$work/mvn.log" 2>&1 || { tail -40 "$work/mvn.log"; echo "the bench failed: see app/target/surefire-reports"; exit 1; }
line=$(cat app/target/many-threads.txt)
echo "$line" | tr '|' '\n' | sed 's/^ */  /'
grouped=$(echo "$line" | grep -o 'open to grouped view: [0-9.]*' | awk '{printf "%d", $NF * 1000}')
if [[ "${SKIP_REF:-0}" != 1 ]]; then
  t0=$(date +%s%N)
  eu-stack --core "$work/core-many" -e "$work/groups" 2>/dev/null \
    | awk '/^TID/ {if (s != "") print s; s = ""; next} /^#/ {s = s " " $2} END {print s}' | sort | uniq -c | sort -rn >"$work/ref.txt" || true
  ref=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "reference: eu-stack | sort | uniq -c: $ref ms, $(wc -l <"$work/ref.txt") groups"
  echo "Sextant's window, open to grouped view: $grouped ms; ratio sextant/reference: $(ratio "$grouped" "$ref")"
fi
echo "(targets: grouped view <= 5 s after opening; FX CPU per pulse <= 50 ms)"
