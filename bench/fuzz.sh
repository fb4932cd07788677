#!/usr/bin/env bash
# A longer fuzzing campaign than the build's (10 s per target): every Jazzer target (the classes named
# *Fuzz under engine/src/test, one @FuzzTest each) for SECONDS each (default 300) through Jazzer's
# standalone driver, in a JVM of its own, with a corpus kept in engine/target/fuzz-corpus/NAME between
# runs and the target's regression inputs (src/test/resources/…/NAMEInputs) as seeds. Prints, per
# target, the executions per second and in total, and any finding (the input is written to
# engine/target/fuzz-findings/NAME/: keep it as a regression input once fixed).
# Usage: bench/fuzz.sh [SECONDS] [TARGET-NAME-FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-300}; only=${2:-}
mvn -B -ntp -o -q -pl engine -am test-compile >/dev/null
deps=$(mktemp); trap 'rm -f "$deps"' EXIT
mvn -B -ntp -o -q -pl engine dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$deps" >/dev/null
cp="engine/target/test-classes:engine/target/classes:$(cat "$deps")"
printf '%-16s %10s %12s %8s  %s\n' target seconds executions exec/s result
for src in $(grep -rl '@FuzzTest' engine/src/test/java | sort); do
  rel=${src#engine/src/test/java/}; cls=${rel%.java}; cls=${cls//\//.}; name=${cls##*.}
  [[ -z "$only" || "$name" == *"$only"* ]] || continue
  corpus="engine/target/fuzz-corpus/$name"; findings="engine/target/fuzz-findings/$name"; mkdir -p "$corpus" "$findings"
  seeds="engine/src/test/resources/${rel%.java}Inputs/fuzz"; [[ -d "$seeds" ]] || seeds=""
  log="engine/target/fuzz-findings/$name.log"
  set +e
  java -Xmx2g -cp "$cp" com.code_intelligence.jazzer.Jazzer --target_class="$cls" --instrumentation_includes='dev.sextant.**' \
    -max_total_time="$secs" -rss_limit_mb=4096 -timeout=20 -artifact_prefix="$findings/" "$corpus" $seeds > "$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $2}')
  took=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $5}')
  [[ -n "$runs" ]] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  [[ -n "$took" && "$took" -gt 0 ]] || took=$secs
  result=ok; ((rc == 0)) || result="FINDING (exit $rc): $(grep -m1 -E 'Exception|Error|FuzzerSecurityIssue' "$log" | cut -c1-100)"
  printf '%-16s %10s %12s %8s  %s\n' "$name" "$took" "${runs:-0}" "$(( ${runs:-0} / took ))" "$result"
done
