# Shared helpers for the benchmark scripts: timing, medians, making cores.
# Wall time in milliseconds of one run of a command (output discarded).
time_ms() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

# Median of N runs (first argument), after one warm-up run.
median_ms() {
  local n=$1; shift
  if is_sextant "$@"; then sextant_warm "$@"; else "$@" >/dev/null 2>&1 || true; fi
  local xs=()
  for ((i = 0; i < n; i++)); do xs+=("$(time_ms "$@")"); done
  printf '%s\n' "${xs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# Median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# CPU time (user + system) in milliseconds of one run: steadier than wall time on a busy machine.
cpu_ms() {
  local f; f=$(mktemp)
  /usr/bin/time -f "%U %S" -o "$f" "$@" >/dev/null 2>&1 || true
  # The last line: time writes "Command exited with non-zero status N" first when the command fails.
  tail -1 "$f" | awk '{printf "%d\n", ($1 + $2) * 1000}'; rm -f "$f"
}

median_cpu_ms() {
  local n=$1; shift
  if is_sextant "$@"; then sextant_warm "$@"; fi
  local xs=()
  for ((i = 0; i < n; i++)); do xs+=("$(cpu_ms "$@")"); done
  printf '%s\n' "${xs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

# Runs a crashing program in DIR and prints the path of its core (kernel core or gdb's).
make_core() {
  local dir=$1; shift
  local pattern; pattern=$(cat /proc/sys/kernel/core_pattern)
  rm -f "$dir"/core "$dir"/core.*
  if [[ "$pattern" != \|* && "$pattern" != */* ]]; then
    (cd "$dir" && bash -c 'ulimit -c unlimited; exec "$@"' _ "$@" >/dev/null 2>&1) || true
    local c; c=$(ls -t "$dir"/core* 2>/dev/null | head -1 || true)
    if [[ -n "$c" ]]; then echo "$c"; return; fi
  fi
  (cd "$dir" && gdb -batch -nx -ex run -ex "generate-core-file $dir/core.gdb" --args "$@" >/dev/null 2>&1)
  echo "$dir/core.gdb"
}

# Runs a Sextant command until its start-up archive is built (the first run records what it
# loads, the second builds the archive in the background), so that timed runs use it.
sextant_warm() {
  "$@" >/dev/null 2>&1 || true
  "$@" >/dev/null 2>&1 || true
  local a target=""
  for a in "$@"; do [[ "${a##*/}" == sextant ]] && { target="$(dirname "$a")/app/target"; break; }; done
  [[ -n "$target" ]] || return 0
  for ((i = 0; i < 100; i++)); do
    compgen -G "$target/sextant-*.lock" >/dev/null || break
    sleep 0.1
  done
}

# True when the command runs the Sextant launcher (directly or through env, nice, …).
is_sextant() {
  local a
  for a in "$@"; do [[ "${a##*/}" == sextant ]] && return 0; done
  return 1
}
