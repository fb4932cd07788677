#!/usr/bin/env bash
# Hostile-input sweep of the command line: N (default 5000) variants of real files (a core of a test
# program with the executable beside it, the executable itself, a minidump, a PE image), each cut
# short and/or patched at structure boundaries and in the headers, through every command (stack, dump
# --data/--json, symbols, locals, crashes, save-dump, unwind, bind, disasm, symbols --export-breakpad).
# Runs them in one JVM per batch (bench/HostileSweep.java calling Main.run as the launcher does); a
# native fault ends that JVM, is recorded with the JVM's exit status and error file, and the next JVM
# goes on from the next input. Counts JVM deaths, hangs (TIMEOUT s), statuses outside 0-3, Java stack
# traces; minimises each death class (drops operations while the input still kills the JVM) and
# prints the minimal operation lists. Usage: bench/hostile-sweep.sh [N] [TIMEOUT_S] [WORKDIR]
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}; timeout_s=${2:-30}
work=${3:-$(mktemp -d /tmp/sextant-sweep.XXXXXX)}
mkdir -p "$work/deaths"
source bench/lib.sh
./sextant symbols --help >/dev/null 2>&1   # build if needed
java=$(SEXTANT_WHICH_JAVA=1 ./sextant)
# Sextant's own jars copied: a rebuild during the sweep must not change the classes under a running JVM.
mkdir -p "$work/lib"
cp app/target/sextant-app.jar engine/target/sextant-engine-*[0-9T].jar icons/target/sextant-icons-*[0-9T].jar "$work/lib/"
cp="$(tr ':' '\n' < app/target/classpath.txt | grep -v '/target/sextant-' | paste -sd:):$(ls "$work"/lib/*.jar | paste -sd:)"
"${java%/java}/javac" -nowarn -cp "$cp" -d "$work/classes" bench/HostileSweep.java || exit 1
unset DEBUGINFOD_URLS   # no network lookups for build-ids the mutants make up

# The originals, made here: a crashing program, its core, a minidump, a PE image.
cp engine/src/test/native/crash.c "$work/"
cc -g -O0 -fno-omit-frame-pointer -o "$work/crash" "$work/crash.c" || exit 1
core=$(make_core "$work" "$work/crash")
[[ -s "$core" ]] || { echo "no core could be made" >&2; exit 1; }
python3 bench/make_minidump.py "$work/mini.dmp" 4 4096 8 3
originals=(core="$core" elf="$work/crash" minidump="$work/mini.dmp")
if command -v x86_64-w64-mingw32-gcc >/dev/null && x86_64-w64-mingw32-gcc -O1 -o "$work/crash.exe" "$work/crash.c" 2>/dev/null; then
  originals+=(pe="$work/crash.exe")
fi
python3 bench/hostile_mutate.py "$work/jobs.txt" "$n" "${originals[@]}"
results="$work/results.txt"; : > "$results"

jvm=(-XX:+UseSerialGC -Xss2m -Xmx2g -XX:-UsePerfData -Xlog:disable -XX:ErrorFile="$work/deaths/hs_err_%p.log"
     -Djna.nounpack=false)
last_id() { tail -1 "$results" 2>/dev/null | cut -f1; }
t0=$(date +%s)
next=0; jvms=0
while ((next < n)); do
  jvms=$((jvms + 1))
  (cd "$work" && "$java" "${jvm[@]}" -cp "$work/classes:$cp" HostileSweep "$work/jobs.txt" "$results" "$work/run" "$next" "$timeout_s" \
      "$work/crash" "$core" >/dev/null 2>"$work/jvm-stderr.txt")
  rc=$?
  ((rc == 0)) && break
  done_id=$(last_id); [[ -n "$done_id" ]] || done_id=$((next - 1))
  if ((rc == 124)); then next=$((done_id + 1)); continue; fi   # a hang, written by the watchdog
  died=$((done_id + 1))
  ((died < next)) && died=$next
  line=$(sed -n "$((died + 1))p" "$work/jobs.txt")
  printf '%s\tDEATH\t%s\t%s\t%s\t%s\n' "$died" "$rc" "$(cut -f2 <<<"$line")" "$(cut -f5 <<<"$line")" \
    "$(grep -m1 '^# Problematic frame' -A1 "$work"/deaths/hs_err_*.log 2>/dev/null | tail -1 | tr '\t' ' ')" >> "$results"
  for f in "$work"/deaths/hs_err_*.log; do [[ -f $f ]] && mv "$f" "$work/deaths/job-$died.log"; done
  rm -rf "$work/run/job-$died"
  next=$((died + 1))
done
secs=$(( $(date +%s) - t0 ))

# Minimise one input of each death class: drop operations one at a time while the input still ends the JVM.
dies() {   # job line -> true when the JVM dies on it
  printf '%s\n' "$1" > "$work/one.txt"; rm -f "$work/one-results.txt"
  (cd "$work" && "$java" "${jvm[@]}" -XX:ErrorFile="$work/one-hs_err.log" -cp "$work/classes:$cp" HostileSweep "$work/one.txt" \
      "$work/one-results.txt" "$work/run" 0 "$timeout_s" "$work/crash" "$core" >/dev/null 2>&1)
  local rc=$?; rm -f "$work/one-hs_err.log"; ((rc != 0 && rc != 124))
}
: > "$work/minimal.txt"
awk -F'\t' '$2 == "DEATH" && !seen[$6]++ {print $1}' "$results" | head -5 | while read -r id; do
  line=$(sed -n "$((id + 1))p" "$work/jobs.txt")
  IFS=$'\t' read -r _ kind orig ops cmd <<<"$line"
  IFS=, read -r -a list <<<"$ops"
  i=0
  while ((i < ${#list[@]} && ${#list[@]} > 1)); do
    try=("${list[@]:0:i}" "${list[@]:i+1}")
    joined=$(IFS=,; echo "${try[*]}")
    if dies "$(printf '0\t%s\t%s\t%s\t%s' "$kind" "$orig" "$joined" "$cmd")"; then list=("${try[@]}"); else i=$((i + 1)); fi
  done
  printf 'job %s: %s on %s cut/patched by %s\n' "$id" "$cmd" "$(basename "$orig")" "$(IFS=,; echo "${list[*]}")" >> "$work/minimal.txt"
done

total=$(wc -l < "$results")
deaths=$(awk -F'\t' '$2 == "DEATH"' "$results" | wc -l)
hangs=$(awk -F'\t' '$2 == "HANG"' "$results" | wc -l)
outside=$(awk -F'\t' '$2 !~ /^(DEATH|HANG|T?[0-3])$/' "$results" | wc -l)
traces=$(awk -F'\t' '$2 ~ /^T/' "$results" | wc -l)
echo "hostile sweep: $total runs of $n inputs in $secs s ($jvms JVMs), work dir $work"
echo "exit statuses:"; awk -F'\t' '{print $2}' "$results" | sort | uniq -c | sort -rn | sed 's/^/  /'
echo "by command and status:"; awk -F'\t' '{split($5, c, " "); print c[1], $2}' "$results" | sort | uniq -c | sed 's/^/  /'
echo "JVM deaths: $deaths; hangs: $hangs; statuses outside 0-3: $outside; Java stack traces: $traces"
if ((deaths > 0)); then
  echo "deaths by JVM status and problematic frame:"
  awk -F'\t' '$2 == "DEATH" {print "  rc=" $3 " " $6}' "$results" | sort | uniq -c
fi
[[ -s "$work/minimal.txt" ]] && { echo "minimised deaths (operations: cut:OFFSET, byte:OFFSET:VALUE, word:OFFSET:VALUE):"; sed 's/^/  /' "$work/minimal.txt"; }
awk -F'\t' '$2 ~ /^(X|T)/ || $2 == "HANG" || ($2 !~ /^(DEATH|HANG|T?[0-3])$/) {print "  " $0}' "$results" | head -20
