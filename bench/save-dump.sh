#!/usr/bin/env bash
# Saving a dump of a live process with ~1 GiB resident: `sextant save-dump --pid` (attach, registers
# through ptrace, memory through /proc/PID/mem, detach) vs gcore on the same process, runs alternating.
# Also the "snapshot from a core" path (save-dump --core re-writing the kernel's core of that process).
# Prints wall time, CPU time and peak RSS (/usr/bin/time -v) of each, and the speed ratio
# (target: Sextant >= 0.5x gcore's speed).
# Usage: bench/save-dump.sh [MiB]   (default 1024)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/bench/lib.sh"
mib=${1:-1024}
command -v gcore >/dev/null || { echo "gcore (gdb) is needed" >&2; exit 3; }
work=$(mktemp -d /tmp/save-dump-bench.XXXXXX)
pid=
cleanup() { [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cat > "$work/hog.c" <<'C'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static void *idle(void *a) { (void)a; for (;;) pause(); }
int main(int argc, char **argv) {
    size_t n = (size_t)atol(argv[1]) << 20;
    char *p = malloc(n);
    for (size_t i = 0; i < n; i += 4096) p[i] = (char)(i >> 12) | 1;   /* touch every page, not zero */
    for (int i = 0; i < 3; i++) { pthread_t t; pthread_create(&t, 0, idle, 0); }
    printf("ready\n"); fflush(stdout);
    for (;;) pause();
}
C
cc -O1 -g -pthread -o "$work/hog" "$work/hog.c"
(cd "$here" && ./sextant save-dump --help >/dev/null)          # build and warm the launcher first

(ulimit -c unlimited; cd "$work" && exec ./hog "$mib" > "$work/hog.out" 2>&1) &
pid=$!
for _ in $(seq 600); do grep -q ready "$work/hog.out" 2>/dev/null && break; sleep 0.1; done
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "process $pid: VmRSS $((rss / 1024)) MiB, $(ls /proc/$pid/task | wc -l) threads"

measure() {  # label, command...: prints "wall_ms cpu_ms maxrss_kb"
  local f; f=$(mktemp)
  local t0 t1; t0=$(date +%s%N)
  /usr/bin/time -v -o "$f" "$@" >/dev/null 2>"$work/err.txt" || { cat "$work/err.txt" >&2; }
  t1=$(date +%s%N)
  awk -v w=$(( (t1 - t0) / 1000000 )) '/User time/ {u=$4} /System time/ {s=$4} /Maximum resident/ {m=$6}
      END {printf "%d %d %d\n", w, (u + s) * 1000, m}' "$f"
  rm -f "$f"
}

runs=${RUNS:-3}
g_best=; s_best=
for ((i = 0; i < runs; i++)); do
  rm -f "$work"/gcore.*
  read -r gw gc gm < <(measure gcore -o "$work/gcore" "$pid")
  echo "gcore           run $i: ${gw} ms wall, ${gc} ms cpu, peak RSS $((gm / 1024)) MiB, $(du -m "$work"/gcore.* | cut -f1) MiB on disk"
  [[ -z "$g_best" || $gw -lt $g_best ]] && { g_best=$gw; g_cpu=$gc; g_rss=$gm; }
  rm -f "$work"/gcore.* "$work/live.core"
  read -r sw sc sm < <(measure "$here/sextant" save-dump --pid "$pid" -o "$work/live.core")
  echo "save-dump --pid run $i: ${sw} ms wall, ${sc} ms cpu, peak RSS $((sm / 1024)) MiB, $(du -m "$work/live.core" | cut -f1) MiB on disk"
  [[ -z "$s_best" || $sw -lt $s_best ]] && { s_best=$sw; s_cpu=$sc; s_rss=$sm; }
done
eu-stack --core="$work/live.core" --executable="$work/hog" 2>/dev/null | grep -c '^TID' | sed 's/^/threads eu-stack reads from the --pid core: /' || true
rm -f "$work/live.core"
rm -f "$work/hashed.core"
read -r hw hc hm < <(measure "$here/sextant" save-dump --pid "$pid" -o "$work/hashed.core" --sha256)
echo "save-dump --pid --sha256 (every block through a KbCallbackDumpIo routine): ${hw} ms wall, ${hc} ms cpu, peak RSS $((hm / 1024)) MiB"
rm -f "$work/hashed.core"

kill -ABRT "$pid"; wait "$pid" 2>/dev/null || true; pid=
core=$(ls -t "$work"/core* 2>/dev/null | head -1 || true)
[[ -n "$core" ]] || { echo "no kernel core (core_pattern: $(cat /proc/sys/kernel/core_pattern))" >&2; exit 4; }
c_best=
for ((i = 0; i < runs; i++)); do
  rm -f "$work/saved.core"
  read -r cw cc cm < <(measure "$here/sextant" save-dump --core "$core" -o "$work/saved.core")
  echo "save-dump --core run $i: ${cw} ms wall, ${cc} ms cpu, peak RSS $((cm / 1024)) MiB"
  [[ -z "$c_best" || $cw -lt $c_best ]] && { c_best=$cw; c_cpu=$cc; c_rss=$cm; }
done
rm -f "$work/saved.core" "$core"

echo
echo "best of $runs: gcore ${g_best} ms (cpu ${g_cpu} ms, peak RSS $((g_rss / 1024)) MiB)"
echo "best of $runs: sextant save-dump --pid ${s_best} ms (cpu ${s_cpu} ms, peak RSS $((s_rss / 1024)) MiB)"
echo "best of $runs: sextant save-dump --core ${c_best} ms (cpu ${c_cpu} ms, peak RSS $((c_rss / 1024)) MiB)"
echo "speed of save-dump --pid relative to gcore: $(ratio "$g_best" "$s_best")x (target >= 0.50); with --sha256: $(ratio "$g_best" "$hw")x"
echo "speed of save-dump --core relative to gcore: $(ratio "$g_best" "$c_best")x"
