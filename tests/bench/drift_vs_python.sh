#!/usr/bin/env bash
# Benchmark: mlo drift (profile path, Release build) vs the scipy/numpy/pandas reference on the
# same data: 2 x ROWS rows (default 3M), 8 features. Prints times, the ratio and peak RSS.
#   MLO=build-rel/apps/mlo/mlo tests/bench/drift_vs_python.sh [ROWS]
# Targets: mlo >= 5x faster than the reference; mlo peak RSS <= 128 MB on the profile path.
set -euo pipefail
ROWS=${1:-3000000}
: "${MLO:?MLO must point at a Release build of mlo}"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mlo-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export MLO_STORE="$WORK/store" MLO_ACTOR=bench

echo "generating 2 x $ROWS rows..."
$PY "$SRC/examples/gen_data.py" --rows "$ROWS" --seed 1 --out ref.csv
$PY "$SRC/examples/gen_data.py" --rows "$ROWS" --seed 2 --distance-shift 40 --out cur.csv
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
"$MLO" -q train --config recipe.yaml --data ref.csv >/dev/null   # baseline profile of ref.csv

timed() {  # timed NAME CMD... -> prints wall seconds and max RSS (MB)
  local name=$1; shift
  /usr/bin/time -v "$@" > "$name.out" 2> "$name.time" || true
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$name.time" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep 'Maximum resident set size' "$name.time" | awk '{print int($NF/1024)}')
  echo "$wall $rss"
}
SPECS="month:numeric day:numeric dow:numeric hour:numeric minute:numeric distance:numeric origin:categorical dest:categorical"
read -r mlo_s mlo_mb < <(timed mlo "$MLO" drift bench --current cur.csv --no-record --json)
read -r py_s py_mb < <(timed python $PY "$SRC/tests/cli/drift_reference.py" ref.csv cur.csv $SPECS)
read -r ex_s ex_mb < <(timed exact "$MLO" drift bench --reference ref.csv --current cur.csv --no-record --json)
ratio=$(awk -v a="$py_s" -v b="$mlo_s" 'BEGIN { printf "%.1f", a / b }')
printf '%-34s %8s %10s\n' "run" "seconds" "peak RSS"
printf '%-34s %8.2f %7d MB\n' "mlo drift (stored profile)" "$mlo_s" "$mlo_mb"
printf '%-34s %8.2f %7d MB\n' "mlo drift --reference (exact)" "$ex_s" "$ex_mb"
printf '%-34s %8.2f %7d MB\n' "scipy/numpy/pandas reference" "$py_s" "$py_mb"
echo "speedup (reference / mlo profile path): ${ratio}x   target >= 5x"
grep -q '"distance"' mlo.out || { echo "mlo output lacks the distance feature" >&2; exit 1; }
ok=0
awk -v r="$ratio" 'BEGIN { exit !(r >= 5) }' || { echo "MISSED: speedup below 5x"; ok=1; }
[ "$mlo_mb" -le 128 ] || { echo "MISSED: peak RSS above 128 MB"; ok=1; }
exit $ok
