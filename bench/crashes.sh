#!/usr/bin/env bash
# Issue 20 figures.
#  1. 100 zstd-compressed cores (three ways to crash, as systemd-coredump stores them): every signature
#     with `sextant crashes --dir DIR` (one JVM, parallel workers, empty core cache) vs a shell loop of
#     `zstd -dc` + `eu-stack` over the same files. Target <= 0.5x. Also: one worker vs the default, and
#     a second listing (cache warm).
#  2. A 1 GiB core compressed with zstd, vs `zstd -d` alone (target <= 1.2x), twice:
#     a. in the window, as the issue words it (ZstdWindowBench, headless on Monocle): the window is up
#        and its engine process warm (a small core opened first); from the open of core.zst with an
#        empty core cache to the first pulse laid out with its crashing frame in the Call stack table;
#        zstd -d timed right after each open, in the same test.
#     b. `sextant stack --core core.zst` (empty cache: a JVM start, decompress into the cache, then the
#        first stack).
# Usage: bench/crashes.sh [runs] [cores] [MiB]   (median of `runs`, default 3; 100 cores; 1024 MiB;
#        0 cores: only the big core)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/bench/lib.sh"
runs=${1:-3}; count=${2:-100}; mib=${3:-1024}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for t in zstd eu-stack cc; do command -v $t >/dev/null || { echo "bench/crashes.sh: $t is needed" >&2; exit 3; }; done
"$here/sextant" crashes --help >/dev/null 2>&1   # build if needed

# ---- 1. signatures of many compressed cores ----
if ((count > 0)); then
cc -g -O0 -fno-omit-frame-pointer -o "$work/crashkinds" "$here/engine/src/test/native/crashkinds.c"
mkdir -p "$work/inbox"
boot=$(tr -d - < /proc/sys/kernel/random/boot_id); kinds=(segv abort fpe)
for ((i = 0; i < count; i++)); do
  core=$(make_core "$work" "$work/crashkinds" "${kinds[i % 3]}")
  zstd -q -f --rm -o "$work/inbox/core.crashkinds.0.$boot.$((10000 + i)).$((1779926400000000 + i * 1000000)).zst" "$core"
done
cat > "$work/sextant-cold" <<SH
#!/usr/bin/env bash
rm -rf "$work/cache"; XDG_CACHE_HOME="$work/cache" exec "$here/sextant" crashes --dir "$work/inbox"
SH
cat > "$work/sextant-cold-1" <<SH
#!/usr/bin/env bash
rm -rf "$work/cache"; SEXTANT_CRASH_WORKERS=1 XDG_CACHE_HOME="$work/cache" exec "$here/sextant" crashes --dir "$work/inbox"
SH
cat > "$work/sextant-warm" <<SH
#!/usr/bin/env bash
XDG_CACHE_HOME="$work/cache" exec "$here/sextant" crashes --dir "$work/inbox"
SH
cat > "$work/reference" <<SH
#!/usr/bin/env bash
for f in "$work"/inbox/*.zst; do zstd -dc "\$f" > "$work/ref.core"; eu-stack --core="$work/ref.core"; done
SH
chmod +x "$work"/sextant-cold* "$work/sextant-warm" "$work/reference"
sextant_warm "$here/sextant" crashes --dir "$work/inbox"
"$work/sextant-cold" | head -3 | sed 's/^/  /'
echo "$count zstd cores ($(du -sh "$work/inbox" | cut -f1) compressed), wall time, median of $runs (CPU time in brackets), start-up included"
s=$(median_ms "$runs" "$work/sextant-cold"); sc=$(median_cpu_ms "$runs" "$work/sextant-cold")
s1=$(median_ms "$runs" "$work/sextant-cold-1"); s1c=$(median_cpu_ms "$runs" "$work/sextant-cold-1")
"$work/sextant-warm" >/dev/null 2>&1
w=$(median_ms "$runs" "$work/sextant-warm")
r=$(median_ms "$runs" "$work/reference"); rc=$(median_cpu_ms "$runs" "$work/reference")
printf '  sextant crashes (%d workers, empty cache)  %6s ms (%6s)\n' "$(nproc)" "$s" "$sc"
printf '  sextant crashes (1 worker, empty cache)   %6s ms (%6s)\n' "$s1" "$s1c"
printf '  sextant crashes (cache warm)               %6s ms\n' "$w"
printf '  zstd -dc + eu-stack loop                   %6s ms (%6s)\n' "$r" "$rc"
echo "  ratio sextant/loop: $(ratio "$s" "$r") wall ($(ratio "$sc" "$rc") CPU); 1 worker: $(ratio "$s1" "$r"); parallel/1 worker: $(ratio "$s" "$s1")   (target <= 0.5)"
rm -rf "$work/inbox" "$work/cache" "$work/ref.core"
fi

# ---- 2. a 1 GiB compressed core ----
cc -g -O0 -fno-omit-frame-pointer -o "$work/bigcore" "$here/bench/bigcore.c"
big=$(make_core "$work" "$work/bigcore" "$mib")
zstd -q -f -o "$work/big.zst" "$big"; rm -f "$big"
cat > "$work/sextant-big" <<SH
#!/usr/bin/env bash
rm -rf "$work/cache"; XDG_CACHE_HOME="$work/cache" exec "$here/sextant" stack --core "$work/big.zst"
SH
cat > "$work/zstd-big" <<SH
#!/usr/bin/env bash
exec zstd -q -d -f "$work/big.zst" -o "$work/big.out"
SH
chmod +x "$work/sextant-big" "$work/zstd-big"
"$work/sextant-big" | head -6 | sed 's/^/  /'
echo "a ${mib} MiB core, $(du -h --apparent-size "$work/big.zst" | cut -f1) as .zst: median of $runs, wall (CPU)"
b=$(median_ms "$runs" "$work/sextant-big"); bc=$(median_cpu_ms "$runs" "$work/sextant-big")
z=$(median_ms "$runs" "$work/zstd-big"); zc=$(median_cpu_ms "$runs" "$work/zstd-big")
# The phases: the JVM floor (start-up, argument parsing, no engine), the same stack with the cache
# warm (JVM + open the decompressed core + first stack), and what the empty cache adds
# (decompression and writing the cache file).
cat > "$work/sextant-warm" <<SH
#!/usr/bin/env bash
XDG_CACHE_HOME="$work/cache" exec "$here/sextant" stack --core "$work/big.zst"
SH
cat > "$work/sextant-floor" <<SH
#!/usr/bin/env bash
exec "$here/sextant" stack --help
SH
chmod +x "$work/sextant-warm" "$work/sextant-floor"
w=$(median_ms "$runs" "$work/sextant-warm"); wc=$(median_cpu_ms "$runs" "$work/sextant-warm")
f=$(median_ms "$runs" "$work/sextant-floor"); fc=$(median_cpu_ms "$runs" "$work/sextant-floor")
printf '  sextant stack --core big.zst (empty cache)  %6s ms (%6s)\n' "$b" "$bc"
printf '  zstd -d big.zst                             %6s ms (%6s)\n' "$z" "$zc"
printf '  phases: JVM floor (stack --help)            %6s ms (%6s)\n' "$f" "$fc"
printf '          open + first stack (warm cache)     %6s ms (%6s)   (JVM floor included)\n' "$w" "$wc"
printf '          decompress + write the cache file   %6s ms (%6s)   (empty - warm)\n' "$((b - w))" "$((bc - wc))"
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  ratio: $(ratio "$b" "$z") wall ($(ratio "$bc" "$zc") CPU)   (target <= 1.2; the command line: a JVM start more than the window)"

# ---- 2a. the same core opened in the window ----
cc -g -O0 -o "$work/crash" "$here/engine/src/test/native/crash.c"
small=$(make_core "$work" "$work/crash")
rm -rf "$work/cache"
# The window's JVM and the engine process's are the launcher's (JDK 25 when installed), with its
# unpacked zstd-jni library, as ./sextant runs the window.
java=$(SEXTANT_WHICH_JAVA=1 "$here/sextant")
zlib="$here/app/target/zstd/libzstd-jni.so"; [[ -f "$zlib" ]] && zopt=(-DZstdNativePath="$zlib") || zopt=()
(cd "$here" && XDG_CACHE_HOME="$work/wcache" mvn -o -q -B -pl engine,app -am test -Dtest=ZstdWindowBench -Djvm="$java" "${zopt[@]}" \
    -Dsextant.bench=true -Dsextant.bench.big="$work/big.zst" -Dsextant.bench.small="$small" \
    -Dsextant.bench.cache="$work/wcache/sextant/cores" -Dsextant.bench.zstdOut="$work/big.out" -Dsextant.bench.runs="$runs" \
    -Dfuzz.skip=true -Dsurefire.failIfNoSpecifiedTests=false) >"$work/mvn.log" 2>&1 \
  || { tail -40 "$work/mvn.log"; echo "the window bench failed: see app/target/surefire-reports"; exit 1; }
echo "the same core opened in the window (headless), median of $runs:"
tr '|' '\n' < "$here/app/target/zstd-window.txt" | sed 's/^ */  /'
echo "  (target <= 1.2)"
