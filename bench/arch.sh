#!/usr/bin/env bash
# Stacks of every thread of a core, per architecture: a program with THREADS threads parked three
# calls deep and a crash in the main thread, built natively (x86_64) and with Debian's cross
# compilers, crashed under qemu-user (which writes the guest's core). For each architecture:
#   sextant stack --core CORE --exe EXE   vs   eu-stack --core CORE -e EXE
# best of RUNS wall times, milliseconds per thread, and each architecture's per-thread time against
# x86_64's (issue 22: no architecture slower than x86_64 per thread by more than 20 %). Every
# program is linked statically, so that each walk goes through the same code on every architecture
# (qemu-user's cores have no NT_FILE: a dynamic libc would not be found and walks would stop early);
# the frames per thread are printed to show the work is equal, and the start-up floor (the same
# command on a core of one thread) is taken off before dividing by the threads.
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
  for (int i = 0; i < $THREADS; i++) { pthread_t t; pthread_create(&t, &at, worker, 0); }
  for (;;) { pthread_mutex_lock(&m); int r = ready; pthread_mutex_unlock(&m); if (r == $THREADS) break; usleep(1000); }
  leaf((int *)(argc > 5 ? (void *)argv : 0));
  return 0;
}
EOF

declare -A triple=([aarch64]=aarch64-linux-gnu [arm]=arm-linux-gnueabihf [s390x]=s390x-linux-gnu
                   [ppc64le]=powerpc64le-linux-gnu [ppc64]=powerpc64-linux-gnu)
arches=(x86_64 aarch64 arm s390x ppc64le ppc64)

best() {   # best wall seconds of RUNS runs of "$@"
  local b=""
  for ((i = 0; i < RUNS; i++)); do
    local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s.%N)
    b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN{t=e-s; if (b=="" || t<b) printf "%.3f", t; else print b}')
  done
  echo "$b"
}

echo "$THREADS parked threads + the crashing main thread; best of $RUNS; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
# The floor: the JVM and sextant starting (stack --help), subtracted from every run.
floor=$(best ./sextant stack --help)
echo "start-up floor (sextant stack --help, best of $RUNS): $floor s"
printf '%-9s %9s %9s %10s %10s %14s %14s\n' arch "sextant s" "eu-stack s" "ms/thread" "vs eu-stack" "vs x86_64/thread" "frames/thread"
base=""
for a in "${arches[@]}"; do
  dir="$work/$a"; mkdir -p "$dir"; exe="$dir/parked"
  if [[ $a == x86_64 ]]; then
    cc -g -O1 -pthread -static -o "$exe" "$work/parked.c"
    (cd "$dir" && ulimit -c unlimited && { "$exe" || true; }) > /dev/null 2>&1
    core=$(ls "$dir"/core* 2>/dev/null | head -1 || true)
  else
    t=${triple[$a]}
    if ! command -v "$t-gcc" > /dev/null || ! command -v "qemu-$a" > /dev/null; then
      printf '%-9s skipped: no %s-gcc or qemu-%s\n' "$a" "$t" "$a"; continue
    fi
    "$t-gcc" -g -O1 -pthread -static -o "$exe" "$work/parked.c"
    (cd "$dir" && ulimit -c unlimited && { qemu-"$a" -L /usr/"$t" "$exe" || true; }) > /dev/null 2>&1
    core=$(ls "$dir"/qemu_*.core 2>/dev/null | head -1 || true)
  fi
  if [[ -z "$core" ]]; then printf '%-9s skipped: no core was written\n' "$a"; continue; fi
  read -r n frames < <(./sextant stack --json --core "$core" --exe "$exe" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len(d["threads"]), sum(len(t.get("frames", [])) for t in d["threads"]))')
  s=$(best ./sextant stack --core "$core" --exe "$exe")
  e=$(best eu-stack --core "$core" -e "$exe")
  per=$(awk -v s="$s" -v f="$floor" -v n="$n" 'BEGIN{printf "%.3f", 1000*(s-f)/n}')
  [[ -z "$base" ]] && base=$per
  printf '%-9s %9s %9s %10s %10s %14s %14s\n' "$a" "$s" "$e" "$per" "$(awk -v a="$s" -v b="$e" 'BEGIN{printf "%.2fx", a/b}')" \
    "$(awk -v a="$per" -v b="$base" 'BEGIN{printf "%.2fx", a/b}')" "$(awk -v f="$frames" -v n="$n" 'BEGIN{printf "%.1f", f/n}')"
done
