#!/usr/bin/env bash
# The README's demo: installs dependencies if missing, builds, and runs the lifecycle end to end
# on generated data in a local store under ./demo-out: train -> register -> score -> drift -> verify.
# With MLO=/path/to/mlo (e.g. an installed /usr/bin/mlo) it skips installing and building and uses
# that binary; DEMO_OUT moves the output directory, DEMO_ROWS shrinks the data (default 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MLO:-}" ]; then
  ./scripts/install-deps.sh
  ./scripts/build.sh
  MLO="$PWD/${BUILD_DIR:-build}/apps/mlo/mlo"
fi
PY=/usr/bin/python3
OUT=${DEMO_OUT:-demo-out}
ROWS=${DEMO_ROWS:-100000}
rm -rf "$OUT" && mkdir -p "$OUT"
export MLO_STORE="$OUT/store"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*" >&2; "$@"; }
expect() {  # expect CODE CMD...: run a command whose exit code is part of the story (drift = 8)
  local want=$1; shift
  printf '\n\033[1m$ %s\033[0m\n' "$*" >&2
  set +e; "$@"; local rc=$?; set -e
  [ "$rc" = "$want" ] || { echo "demo: expected exit $want, got $rc" >&2; exit 1; }
  echo "(exit $rc, as expected)" >&2
}

echo "== generating data (examples/gen_data.py)" >&2
$PY examples/gen_data.py --rows "$ROWS" --seed 1 --out "$OUT/train.csv"
$PY examples/gen_data.py --rows $((ROWS / 2)) --seed 2 --id-start 100000 --out - | gzip > "$OUT/batch.csv.gz"
$PY examples/gen_data.py --rows $((ROWS / 2)) --seed 3 --id-start 200000 --distance-shift 300 \
    --new-category ZZZ --out "$OUT/batch-drifted.csv"

step "$MLO" init
step "$MLO" train --config examples/recipe.yaml ${DEMO_TRAIN_ARGS:-} --data "$OUT/train.csv" --holdout 0.2
step "$MLO" list
step "$MLO" show flights-delay
step "$MLO" score-batch flights-delay --input "$OUT/batch.csv.gz" --output "$OUT/scores.csv"
head -n 5 "$OUT/scores.csv" >&2
expect 0 "$MLO" drift flights-delay --current "$OUT/batch.csv.gz"
expect 8 "$MLO" drift flights-delay --current "$OUT/batch-drifted.csv" --labels \
    --report "$OUT/drift-report.html"
step "$MLO" log flights-delay
step "$MLO" verify
echo >&2
echo "demo: done. Store in $OUT/store, scores in $OUT/scores.csv, report in $OUT/drift-report.html" >&2
