#!/usr/bin/env bash
# Correctness sweep: the PLT stub names Sextant gives (puts@plt, *ABS*+0x…@plt) for every ELF file in
# /usr/lib/x86_64-linux-gnu and /usr/bin equal objdump -d's <…@plt> labels of .plt, .plt.got and
# .plt.sec. Prints each file that differs and a total. Usage: bench/plt-objdump-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./sextant symbols --help >/dev/null 2>&1   # build if needed
java=$(SEXTANT_WHICH_JAVA=1 ./sextant)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp="$(cat app/target/classpath.txt):app/target/sextant-app.jar"
"${java%/java}/javac" -cp "$cp" -d "$work" bench/PltAll.java
find /usr/lib/x86_64-linux-gnu /usr/bin -maxdepth 1 -type f | while read -r f; do
  head -c 4 "$f" 2>/dev/null | grep -q ELF && echo "$f" || true
done > "$work/files"
mkdir "$work/ours"
"$java" -cp "$work:$cp" PltAll "$work/files" "$work/ours"
files=0; differ=0; stubs=0
while read -r f; do
  files=$((files + 1))
  objdump -d --section=.plt --section=.plt.got --section=.plt.sec "$f" 2>/dev/null \
    | sed -nE 's/^0*([0-9a-f]+) <(.*@plt)>:$/\1 \2/p' | sort > "$work/theirs" || true
  sort "$work/ours/$(echo "$f" | tr / _)" > "$work/mine"
  stubs=$((stubs + $(wc -l < "$work/theirs")))
  if ! cmp -s "$work/mine" "$work/theirs"; then
    differ=$((differ + 1)); echo "differs: $f"; diff "$work/mine" "$work/theirs" | head -5
  fi
done < "$work/files"
echo "$files ELF files, $stubs stubs named by objdump, $differ files differ"
