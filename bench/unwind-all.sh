#!/usr/bin/env bash
# Every shared library in /usr/lib/x86_64-linux-gnu: the FDE list (section, count and each pc range)
# of `sextant unwind --json` must equal `readelf --debug-dump=frames`. Prints mismatches, a summary
# and the total time of each tool. Usage: bench/unwind-all.sh [DIR]   (run from the repository root)
set -uo pipefail
cd "$(dirname "$0")/.."
DIR="${1:-/usr/lib/x86_64-linux-gnu}"
[[ -f app/target/sextant-app.jar ]] || mvn -o -q -B package -DskipTests
CP="$(cat app/target/classpath.txt):app/target/sextant-app.jar"
JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$CP" dev.sextant.app.Main)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
libs=0; same=0; differ=0; fdes=0; t_sextant=0; t_readelf=0
now() { date +%s.%N; }
while IFS= read -r lib; do
  head -c 4 "$lib" | grep -q $'\x7fELF' || continue
  libs=$((libs + 1))
  t0=$(now)
  "${JAVA[@]}" unwind --json "$lib" > "$tmp/s.json" 2> /dev/null
  t1=$(now)
  readelf --debug-dump=frames "$lib" > "$tmp/r.txt" 2> /dev/null
  t2=$(now)
  t_sextant=$(echo "$t_sextant + $t1 - $t0" | bc); t_readelf=$(echo "$t_readelf + $t2 - $t1" | bc)
  # ours: section markers and start..end per FDE, in order
  grep -o '"section":"[^"]*"\|"start":"0x[0-9a-f]*","end":"0x[0-9a-f]*"' "$tmp/s.json" \
    | sed -E 's/"section":"([^"]*)"/== \1/; s/"start":"0x([0-9a-f]*)","end":"0x([0-9a-f]*)"/\1..\2/' > "$tmp/s.txt"
  sed -nE 's/^Contents of the (\S+) section.*/== \1/p; s/.* FDE cie=\S+ pc=0*([0-9a-f]+)\.\.0*([0-9a-f]+).*/\1..\2/p' "$tmp/r.txt" \
    | sed -E 's/^\.\./0../; s/\.\.$/..0/' > "$tmp/r.txt2"
  # drop sections without FDEs on both sides
  awk '/^==/{h=$0; next} {if (h) {print h; h=""} print}' "$tmp/s.txt" > "$tmp/s2"
  awk '/^==/{h=$0; next} {if (h) {print h; h=""} print}' "$tmp/r.txt2" > "$tmp/r2"
  n=$(grep -vc '^==' "$tmp/r2")
  fdes=$((fdes + n))
  if cmp -s "$tmp/s2" "$tmp/r2"; then same=$((same + 1)); else differ=$((differ + 1)); echo "DIFFER: $lib"; diff "$tmp/s2" "$tmp/r2" | head -5; fi
done < <(find "$DIR" -maxdepth 1 -type f -name '*.so*' | sort)
echo "libraries: $libs, identical FDE lists: $same, different: $differ, FDEs compared: $fdes"
echo "total time: sextant $(printf %.1f "$t_sextant") s (one JVM per file), readelf $(printf %.1f "$t_readelf") s"
