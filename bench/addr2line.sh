#!/usr/bin/env bash
# Issue 4 figures: address -> function + file:line for 10,000 addresses, start-up included.
#  1. libc with full DWARF (libc6-dbg's debug file, found through the build-id directory);
#  2. libLLVM-14 with symbols only (no DWARF).
# Sextant (`sextant symbols --core … --addr-file`, addresses absolute in a core of a program that has
# the library loaded) vs llvm-addr2line-14 -f, eu-addr2line -f and addr2line -f on the library's
# file (addresses file-relative: both libraries' first PT_LOAD is at 0, so relative = absolute - base).
# Usage: bench/addr2line.sh [runs]   (median of `runs`, default 3). Prints ratios and Sextant's in-process rate.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source "$here/bench/lib.sh"
runs=${1:-3}
n=10000
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$here/sextant" symbols --help >/dev/null 2>&1   # build if needed

llvmlib=/usr/lib/llvm-14/lib/libLLVM-14.so
cc -g -O0 -o "$work/crash" "$here/engine/src/test/native/crash.c"
libs=(libc)
if [[ -f "$llvmlib" ]]; then
  cc -g -O0 -o "$work/crashllvm" "$here/engine/src/test/native/crash.c" -Wl,--no-as-needed -L"$(dirname "$llvmlib")" -lLLVM-14 -Wl,-rpath,"$(dirname "$llvmlib")"
  libs+=(libLLVM)
fi

# addresses LIB FILE BASE -> $work/LIB.rel and $work/LIB.abs: n random addresses in .text (seeded)
addresses() {
  local lib=$1 file=$2 base=$3
  read -r taddr tsize < <(eu-readelf -S "$file" | awk '$2==".text" {print $4, $6}')
  python3 - "$taddr" "$tsize" "$base" "$n" "$work/$lib" <<'PY'
import random, sys
taddr, tsize, base, n, out = int(sys.argv[1], 16), int(sys.argv[2], 16), int(sys.argv[3], 16), int(sys.argv[4]), sys.argv[5]
r = random.Random(4)
offs = [taddr + r.randrange(tsize) for _ in range(n)]
open(out + ".rel", "w").write("".join("0x%x\n" % o for o in offs))
open(out + ".abs", "w").write("".join("0x%x\n" % (base + o) for o in offs))
PY
}

printf '%-8s %11s %11s %11s %11s %12s %12s %12s %14s\n' library sextant llvm-a2l eu-a2l binutils s/llvm s/eu s/binutils "sextant rate"
for lib in "${libs[@]}"; do
  dir="$work/$lib"; mkdir -p "$dir"
  exe="$work/crash"; [[ $lib == libLLVM ]] && exe="$work/crashllvm"
  core=$(make_core "$dir" "$exe")
  # The libLLVM program loads libc too: pick the library this row is about.
  pat='/libc\.so\.6 '; [[ $lib == libLLVM ]] && pat='/libLLVM-14\.so[.0-9]* '
  line=$(eu-unstrip -n --core="$core" -e "$exe" | grep -E "$pat" | head -1)
  base=$(awk '{split($1, a, "+"); print a[1]}' <<<"$line")
  file=$(awk '{print $3}' <<<"$line")
  ref="$file"
  if [[ $lib == libc ]]; then
    id=$(awk '{split($2, a, "@"); print a[1]}' <<<"$line")
    ref="/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
    [[ -f "$ref" ]] || { echo "libc: no debug file $ref (apt-get install libc6-dbg); skipped"; continue; }
  fi
  addresses "$lib" "$file" "$base"
  sx=(env -u DEBUGINFOD_URLS "$here/sextant" symbols --core "$core" --exe "$exe" --symbol-path "own;debuglink;build-id" --no-debuginfod --no-inlines --addr-file "$work/$lib.abs")
  s=$(median_ms "$runs" "${sx[@]}")
  rate=$(SEXTANT_TIMING=1 "${sx[@]}" 2>&1 >/dev/null | awk '/^timing:/ {print $(NF-2)}' || true)
  if command -v llvm-addr2line-14 >/dev/null; then l=$(median_ms "$runs" bash -c "llvm-addr2line-14 -f -e '$ref' < '$work/$lib.rel'"); else l=0; fi
  e=$(median_ms 1 bash -c "eu-addr2line -f -e '$ref' < '$work/$lib.rel'")
  b=$(median_ms 1 bash -c "addr2line -f -e '$ref' < '$work/$lib.rel'")
  printf '%-8s %8s ms %8s ms %8s ms %8s ms %12s %12s %12s %10s/s\n' "$lib" "$s" "$l" "$e" "$b" \
    "$(ratio "$s" "$l")" "$(ratio "$s" "$e")" "$(ratio "$s" "$b")" "$rate"
  if [[ $lib == libLLVM ]]; then
    # The floor: the same command with one address that lies in no module (the JVM, JNA and libdw,
    # the core's module list; nothing loaded or looked up), against the same reference run.
    echo 0x10 > "$work/none.abs"
    fl=(); for a in "${sx[@]}"; do [[ $a == "$work/$lib.abs" ]] && fl+=("$work/none.abs") || fl+=("$a"); done
    f=$(median_ms "$runs" "${fl[@]}")
    printf '%-8s %8s ms %8s ms %34s %12s   (one address in no module)\n' "floor" "$f" "$l" "" "$(ratio "$f" "$l")"
  fi
  if [[ $lib == libc ]]; then
    # With inlined calls (ln's default; addr2line -i): Sextant's inline chain goes through libdwfl.
    sxi=(); for a in "${sx[@]}"; do [[ $a == --no-inlines ]] || sxi+=("$a"); done
    si=$(median_ms "$runs" "${sxi[@]}")
    ratei=$(SEXTANT_TIMING=1 "${sxi[@]}" 2>&1 >/dev/null | awk '/^timing:/ {print $(NF-2)}' || true)
    li=0; command -v llvm-addr2line-14 >/dev/null && li=$(median_ms "$runs" bash -c "llvm-addr2line-14 -f -i -e '$ref' < '$work/$lib.rel'")
    ei=$(median_ms 1 bash -c "eu-addr2line -f -i -e '$ref' < '$work/$lib.rel'")
    bi=$(median_ms 1 bash -c "addr2line -f -i -e '$ref' < '$work/$lib.rel'")
    printf '%-8s %8s ms %8s ms %8s ms %8s ms %12s %12s %12s %10s/s\n' "libc -i" "$si" "$li" "$ei" "$bi" \
      "$(ratio "$si" "$li")" "$(ratio "$si" "$ei")" "$(ratio "$si" "$bi")" "$ratei"
  fi
done
echo "(target: <= 1.0x llvm-addr2line-14 -f; eu-addr2line and binutils are timed once)"
