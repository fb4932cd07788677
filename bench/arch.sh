#!/usr/bin/env bash
# Stacks of every thread of a core, per architecture: a program with THREADS threads parked three
# calls deep and a crash in the main thread, built natively (x86_64) and with Debian's cross
# compilers, crashed under qemu-user (which writes the guest's core). For each architecture:
#   sextant stack --core CORE --exe EXE   vs   eu-stack --core CORE -e EXE
# best of RUNS wall times, milliseconds per thread, and each architecture's per-thread time against
# x86_64's (issue 22: no architecture slower than x86_64 per thread by more than 20 %). Every
# program is linked statically, so that each walk goes through the same code on every architecture
# (qemu-user's cores have no NT_FILE: a dynamic libc would not be found and walks would stop early);
# the frames per thread are printed to show how equal the work is, and the same program's core with
# no parked thread is timed too and taken off (start-up, reading, the main thread) before dividing.
# Usage: bench/arch.sh [THREADS] [RUNS]     (run from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-300}"
RUNS="${2:-3}"
work=$(mktemp -d /tmp/sextant-arch.XXXXXX)
trap 'rm -rf "$work"' EXIT
[[ -f app/target/sextant-app.jar ]] || mvn -o -q -B package -DskipTests

cat > "$work/parked.c" <<EOF
#include <pthread.h>
#include <unistd.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready;
__attribute__((noinline)) static void park(void) { pthread_mutex_lock(&m); ready++; for (;;) pthread_cond_wait(&c, &m); }
__attribute__((noinline)) static void wait_work(void) { park(); __asm__ volatile(""); }
static void *worker(void *a) { wait_work(); return a; }
__attribute__((noinline)) void leaf(int *p) { *p = 42; }
int main(int argc, char **argv) {
  pthread_attr_t at; pthread_attr_init(&at); pthread_attr_setstacksize(&at, 65536);
  for (int i = 0; i < THREADS; i++) { pthread_t t; pthread_create(&t, &at, worker, 0); }
  for (;;) { pthread_mutex_lock(&m); int r = ready; pthread_mutex_unlock(&m); if (r == THREADS) break; usleep(1000); }
  leaf((int *)(argc > 5 ? (void *)argv : 0));
  return 0;
}
EOF

declare -A triple=([aarch64]=aarch64-linux-gnu [arm]=arm-linux-gnueabihf [s390x]=s390x-linux-gnu
                   [ppc64le]=powerpc64le-linux-gnu [ppc64]=powerpc64-linux-gnu [mips64el]=mips64el-linux-gnuabi64)
arches=(x86_64 aarch64 arm s390x ppc64le ppc64 mips64el)

best() {   # best wall seconds of RUNS runs of "$@"
  local b=""
  for ((i = 0; i < RUNS; i++)); do
    local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s.%N)
    b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN{t=e-s; if (b=="" || t<b) printf "%.3f", t; else print b}')
  done
  echo "$b"
}

echo "$THREADS parked threads + the crashing main thread; best of $RUNS; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
# crash ARCH N: builds the program with N parked threads for ARCH, crashes it, prints "EXE CORE" (empty: skipped).
crash() {
  local a=$1 n=$2 dir="$work/$1-$2" exe core=""
  mkdir -p "$dir"; exe="$dir/parked"
  if [[ $a == x86_64 ]]; then
    cc -g -O1 -pthread -static -DTHREADS="$n" -o "$exe" "$work/parked.c"
    (cd "$dir" && ulimit -c unlimited && { "$exe" || true; }) > /dev/null 2>&1
    core=$(ls "$dir"/core* 2>/dev/null | head -1 || true)
  else
    local t=${triple[$a]}
    command -v "$t-gcc" > /dev/null && command -v "qemu-$a" > /dev/null || return 0
    "$t-gcc" -g -O1 -pthread -static -DTHREADS="$n" -o "$exe" "$work/parked.c"
    (cd "$dir" && ulimit -c unlimited && { qemu-"$a" -L /usr/"$t" "$exe" || true; }) > /dev/null 2>&1
    core=$(ls "$dir"/qemu_*.core 2>/dev/null | head -1 || true)
  fi
  [[ -n "$core" ]] && echo "$exe $core"
  return 0
}

counts() {   # threads and frames sextant lists
  ./sextant stack --json --core "$2" --exe "$1" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len(d["threads"]), sum(len(t.get("frames", [])) for t in d["threads"]))'
}

# Per thread: (the core of THREADS threads - the same program's core of none) / THREADS, on each
# architecture: the start-up and the main thread's walk are taken off.
printf '%-9s %9s %9s %9s %10s %10s %14s %14s\n' arch "sextant s" "floor s" "eu-stack s" "ms/thread" "vs eu-stack" "vs x86_64/thread" "frames/thread"
base=""
for a in "${arches[@]}"; do
  read -r exe core < <(crash "$a" "$THREADS") || true
  read -r exe0 core0 < <(crash "$a" 0) || true
  if [[ -z "${core:-}" || -z "${core0:-}" ]]; then printf '%-9s skipped: no cross compiler, qemu-%s, or no core written\n' "$a" "$a"; continue; fi
  read -r n frames < <(counts "$exe" "$core")
  read -r n0 frames0 < <(counts "$exe0" "$core0")
  s=$(best ./sextant stack --core "$core" --exe "$exe")
  f=$(best ./sextant stack --core "$core0" --exe "$exe0")
  e=$(best eu-stack --core "$core" -e "$exe")
  per=$(awk -v s="$s" -v f="$f" -v n="$((n - n0))" 'BEGIN{printf "%.3f", 1000*(s-f)/n}')
  [[ -z "$base" ]] && base=$per
  printf '%-9s %9s %9s %9s %10s %10s %14s %14s\n' "$a" "$s" "$f" "$e" "$per" "$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.2fx", a/b}')" \
    "$(awk -v a="$per" -v b="$base" 'BEGIN{printf "%.2fx", a/b}')" "$(awk -v f="$((frames - frames0))" -v n="$((n - n0))" 'BEGIN{printf "%.1f", f/n}')"
done
