#!/usr/bin/env bash
# Drift benchmark (Release build) vs the scipy/numpy/pandas reference (tests/cli/drift_reference.py)
# on the same 2 cores, flights-shaped data (examples/gen_data.py: 8 features, origin/dest
# categorical with ~300 levels):
#  1. profile path: `mlo drift NAME --current cur.csv` against the stored training profile,
#     2 x ROWS rows (default 3M). Target (issue 15): >= 12x the reference; peak RSS <= 128 MB.
#  2. exact mode: `mlo drift NAME --reference ref.csv --current cur.csv`, 2 x EXACT_ROWS rows
#     (default 500k). Target: >= 8x the reference on the same files.
# Usage: MLO=build-release/apps/mlo/mlo bash tests/bench/drift_vs_python.sh
. "$(dirname "$0")/common.sh"
require_release
ROWS=${ROWS:-3000000}
EXACT_ROWS=${EXACT_ROWS:-500000}
CPUS=${CPUS:-0,1}
export MLO_ACTOR=bench MLO_STORE="$BENCH_TMP/store"
cd "$BENCH_TMP" || exit 2

# wall_and_rss CMD...: one run under /usr/bin/time -v; sets WALL_MS and RSS_KB. Drift's exit
# 8 (drift found) counts as success.
wall_and_rss() {
  local t0 t1 rc
  t0=$(now_ns)
  /usr/bin/time -v "$@" >"$BENCH_TMP/.out" 2>"$BENCH_TMP/.timev"
  rc=$?
  t1=$(now_ns)
  [ "$rc" = 0 ] || [ "$rc" = 8 ] || bench_die "command failed ($rc): $* ($(tail -n 5 "$BENCH_TMP/.timev"))"
  WALL_MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", (b - a) / 1e6 }')
  RSS_KB=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$BENCH_TMP/.timev")
}

echo "== data: 2 x $ROWS rows"
"$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/examples/gen_data.py" --rows "$ROWS" --seed 1 --out ref.csv
"$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/examples/gen_data.py" --rows "$ROWS" --seed 2 --distance-shift 40 --out cur.csv
head -n $((EXACT_ROWS + 1)) ref.csv >ref-small.csv
head -n $((EXACT_ROWS + 1)) cur.csv >cur-small.csv
cat > recipe.yaml <<'YAML'
name: bench
task: binary
target: delayed
features:
  numeric: [month, day, dow, hour, minute, distance]
  categorical: [origin, dest]
params: {max_depth: 3, eta: 0.3, num_boost_round: 5, seed: 1}
YAML
"$MLO" init >/dev/null
"$MLO" -q train --config recipe.yaml --data ref.csv >/dev/null || bench_die "train failed"
cat ref.csv cur.csv >/dev/null  # both contenders read from the page cache
SPECS="month:numeric day:numeric dow:numeric hour:numeric minute:numeric distance:numeric origin:categorical dest:categorical"

echo "== 1. profile path, 2 x $ROWS rows, CPUs $CPUS"
wall_and_rss taskset -c "$CPUS" "$MLO" drift bench --current cur.csv --no-record --json
mlo_ms=$WALL_MS mlo_kb=$RSS_KB
grep -q '"distance"' "$BENCH_TMP/.out" || bench_die "mlo output lacks the distance feature"
wall_and_rss taskset -c "$CPUS" "$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/tests/cli/drift_reference.py" ref.csv cur.csv $SPECS
py_ms=$WALL_MS py_kb=$RSS_KB
figure "mlo drift (stored profile) wall" "$mlo_ms" "ms"
figure "scipy/numpy/pandas reference wall" "$py_ms" "ms"
figure "mlo drift peak RSS" "$((mlo_kb / 1024))" "MiB"
figure "reference peak RSS" "$((py_kb / 1024))" "MiB"
target "drift profile path vs scipy/numpy" "$(ratio "$py_ms" "$mlo_ms")" ">=" 12 "x"
target "drift profile path peak RSS" "$((mlo_kb / 1024))" "<=" 128 "MiB"

echo "== 2. exact mode, 2 x $EXACT_ROWS rows, CPUs $CPUS"
wall_and_rss taskset -c "$CPUS" "$MLO" drift bench --reference ref-small.csv --current cur-small.csv --no-record --json
ex_ms=$WALL_MS
wall_and_rss taskset -c "$CPUS" "$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/tests/cli/drift_reference.py" ref-small.csv cur-small.csv $SPECS
pyx_ms=$WALL_MS
figure "mlo drift --reference wall" "$ex_ms" "ms"
figure "reference wall (same files)" "$pyx_ms" "ms"
target "drift exact mode vs scipy" "$(ratio "$pyx_ms" "$ex_ms")" ">=" 8 "x"
bench_finish
