#!/usr/bin/env bash
# Issue 7 figures: `sextant dump FILE --json` on the corpus minidumps, a large synthetic minidump and a fresh ELF core, start-up
# included: median wall time and peak RSS (/usr/bin/time -v). The core is also read by
# `eu-stack -s --core` for a ratio; no minidump reader to compare with is installed here.
# Usage: bench/dump.sh [runs]   (median of `runs`, default 5)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs=${1:-5}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

if [[ -x "$here/sextant" ]]; then
  S=("$here/sextant")
else
  if [[ ! -f "$here/app/target/sextant-app.jar" || ! -f "$here/app/target/classpath.txt" ]]; then
    (cd "$here" && mvn -o -q -B package -DskipTests)
  fi
  S=(java -cp "$(cat "$here/app/target/classpath.txt"):$here/app/target/sextant-app.jar" dev.sextant.app.Main)
fi

ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
median_ms() {
  local n=$1; shift; "$@" >/dev/null 2>&1 || true
  local xs=(); for ((i = 0; i < n; i++)); do xs+=("$(ms "$@")"); done
  printf '%s\n' "${xs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
peak_kb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

corpus=""
for p in "$here/../shared/corpus" "$here/../../shared/corpus" /work/shared/corpus; do [[ -d "$p/minidump" ]] && corpus="$p" && break; done

printf '%-28s %9s %8s %10s %8s %12s\n' file bytes threads time peakRSS frames
b=$(median_ms "$runs" "${S[@]}" --version)
bkb=$(peak_kb "${S[@]}" --version)
printf '%-28s %9s %8s %7s ms %5s MB\n' "(start-up: --version)" "" "" "$b" "$((bkb / 1024))"
if [[ -n "$corpus" ]]; then
  for f in "$corpus"/minidump/*/*.dmp; do
    t=$(median_ms "$runs" "${S[@]}" dump "$f" --json)
    kb=$(peak_kb "${S[@]}" dump "$f" --json)
    info=$("${S[@]}" dump "$f" --json 2>/dev/null | python3 -c 'import json,sys; j=json.load(sys.stdin); print(len(j["threads"]), sum(len(t["frames"]) for t in j["threads"]))' || echo "? ?")
    printf '%-28s %9s %8s %7s ms %5s MB %12s\n' "$(basename "$f")" "$(stat -c %s "$f")" "${info% *}" "$t" "$((kb / 1024))" "${info#* }"
  done
else
  echo "(no corpus found: minidump figures skipped)"
fi

# A large synthetic minidump (bench/make_minidump.py): 2,000 threads, 64 KiB stacks (128 MiB of
# memory), an rbp chain of 20 frames each, 100 modules.
python3 "$here/bench/make_minidump.py" "$work/big.dmp" 2000 65536 20 100
t=$(median_ms "$runs" "${S[@]}" dump "$work/big.dmp" --json)
kb=$(peak_kb "${S[@]}" dump "$work/big.dmp" --json)
printf '%-28s %9s %8s %7s ms %5s MB %12s\n' "synthetic big.dmp" "$(stat -c %s "$work/big.dmp")" 2000 "$t" "$((kb / 1024))" 42000
rm -f "$work/big.dmp"

# A core of a program with 16 threads, one of them crashing.
cat > "$work/crash.c" <<'C'
#include <pthread.h>
#include <unistd.h>
static void *spin(void *a) { (void) a; for (;;) pause(); return 0; }
__attribute__((noinline)) static void crash(void) { *(volatile int *) 0x45 = 5; }
int main(void) { pthread_t t; for (int i = 0; i < 15; i++) pthread_create(&t, 0, spin, 0); usleep(100000); crash(); return 0; }
C
cc -g -O0 -pthread -o "$work/crash" "$work/crash.c"
pattern=$(cat /proc/sys/kernel/core_pattern)
core=""
if [[ "$pattern" != \|* && "$pattern" != */* ]]; then
  { (cd "$work" && bash -c 'ulimit -c unlimited; exec ./crash' >/dev/null 2>&1) || true; } 2>/dev/null
  core=$(ls -t "$work"/core* 2>/dev/null | head -1 || true)
fi
if [[ -z "$core" ]]; then
  (cd "$work" && gdb -batch -nx -ex run -ex "generate-core-file $work/core.gdb" ./crash >/dev/null 2>&1) || true
  core="$work/core.gdb"
fi
if [[ -f "$core" ]]; then
  t=$(median_ms "$runs" "${S[@]}" dump "$core" --json)
  kb=$(peak_kb "${S[@]}" dump "$core" --json)
  e=$(median_ms "$runs" eu-stack -s --core="$core" -e "$work/crash")
  ekb=$(peak_kb eu-stack -s --core="$core" -e "$work/crash")
  printf '%-28s %9s %8s %7s ms %5s MB\n' "core (16 threads)" "$(stat -c %s "$core")" 16 "$t" "$((kb / 1024))"
  printf '%-28s %9s %8s %7s ms %5s MB\n' "  eu-stack -s on same core" "" "" "$e" "$((ekb / 1024))"
  echo "sextant dump --json / eu-stack time ratio: $(ratio "$t" "$e")"
else
  echo "(no core could be made: core figures skipped)"
fi
