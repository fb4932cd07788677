#!/usr/bin/env bash
# Breakpad symbol file of a large library: sextant symbols --export-breakpad  vs  readelf --debug-dump=frames
# (Breakpad's dump_syms is not packaged here; readelf decodes the same FDEs), best of N, same run,
# then a round trip: every FDE range readelf lists is a STACK CFI INIT of the .sym, and every sized
# function symbol nm lists is a FUNC (sizeless ones a FUNC or PUBLIC) at its address.
# Usage: bench/export-breakpad.sh [LIBRARY] [RUNS]      (run from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
LIB="${1:-}"
RUNS="${2:-3}"
if [[ -z "$LIB" ]]; then
  LIB=$(ls /usr/lib/x86_64-linux-gnu/libLLVM-14.so.1 /usr/lib/llvm-14/lib/libLLVM-14.so.1 2>/dev/null | head -1)
fi
LIB=$(readlink -f "$LIB")
[[ -f "$LIB" ]] || { echo "no library to export (pass one)"; exit 2; }
source bench/lib.sh
OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT
FDES=$(readelf --debug-dump=frames "$LIB" 2>/dev/null | grep -c ' FDE cie=' || true)
echo "library: $LIB ($(du -h "$LIB" | cut -f1)), $FDES FDEs; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# best wall time and the CPU time of that run: "wall cpu"
measure() {
  local best_wall="" best_cpu="" i tf t wall cpu
  for ((i = 0; i < RUNS; i++)); do
    tf=$(mktemp)
    /usr/bin/time -o "$tf" -f "%e %U %S" "$@" > /dev/null 2>/dev/null || true
    t=$(tail -1 "$tf"); rm -f "$tf"
    wall=$(echo "$t" | awk '{print $1}'); cpu=$(echo "$t" | awk '{printf "%.2f", $2 + $3}')
    if [[ -z "$best_wall" ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN{exit !(a < b)}'; then best_wall=$wall; best_cpu=$cpu; fi
  done
  echo "$best_wall $best_cpu"
}
sextant_warm "$PWD/sextant" symbols --export-breakpad "$LIB" -o "$OUT/lib.sym"
read -r S_WALL S_CPU < <(measure ./sextant symbols --export-breakpad "$LIB" -o "$OUT/lib.sym")
read -r R_WALL R_CPU < <(measure readelf --debug-dump=frames "$LIB")
printf '%-50s %8s %8s\n' "tool" "wall s" "cpu s"
printf '%-50s %8s %8s\n' "sextant symbols --export-breakpad" "$S_WALL" "$S_CPU"
printf '%-50s %8s %8s\n' "readelf --debug-dump=frames" "$R_WALL" "$R_CPU"
echo "ratio sextant/readelf: wall $(ratio "$S_WALL" "$R_WALL")x, cpu $(ratio "$S_CPU" "$R_CPU")x (target <= 1.0x)"

# Round trip. The .sym's addresses are relative to the lowest PT_LOAD (0 for a shared library).
readelf -lW "$LIB" > "$OUT/load"; readelf --debug-dump=frames "$LIB" 2>/dev/null > "$OUT/frames"; nm -S --defined-only "$LIB" > "$OUT/nm" 2>/dev/null || true; [[ -s "$OUT/nm" ]] || nm -D -S --defined-only "$LIB" > "$OUT/nm" 2>/dev/null || true
python3 - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
base = min([int(l.split()[2], 16) for l in open(out + "/load") if l.split()[:1] == ["LOAD"]] or [0]) & ~0xfff
fde = set()
for l in open(out + "/frames", errors="replace"):
    m = re.search(r" FDE cie=\S+ pc=([0-9a-f]+)\.\.([0-9a-f]+)", l)
    if m and int(m.group(2), 16) > int(m.group(1), 16):
        fde.add((int(m.group(1), 16) - base, int(m.group(2), 16) - int(m.group(1), 16)))
fn = set()
for l in open(out + "/nm", errors="replace"):
    f = l.split()
    if len(f) >= 4 and f[2] in "TtWi": fn.add(int(f[0], 16) - base)
    elif len(f) == 3 and f[1] in "TtWi": fn.add(int(f[0], 16) - base)
cfi, sym = set(), set()
for l in open(out + "/lib.sym", errors="replace"):
    f = l.split()
    if f[:3] == ["STACK", "CFI", "INIT"]: cfi.add((int(f[3], 16), int(f[4], 16)))
    elif f[:1] in (["FUNC"], ["PUBLIC"]): sym.add(int(f[2] if f[1] == "m" else f[1], 16))
mf, mn = sorted(fde - cfi), sorted(fn - sym)
print(f"round trip: {len(fde)} FDE ranges, {len(mf)} not in the .sym; {len(fn)} function symbols, {len(mn)} not in the .sym")
for a, n in mf[:3]: print(f"  missing FDE {a:x} size {n:x}")
for a in mn[:3]: print(f"  missing function {a:x}")
sys.exit(1 if mf or mn else 0)
PY
