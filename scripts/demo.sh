#!/usr/bin/env bash
# The README's demo: installs dependencies if missing, builds, and runs the lifecycle end to end
# on generated data in a local store under ./demo-out: train -> approve/promote -> score -> drift ->
# retrain -> promote (gated) -> rollback -> log -> verify.
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
    --report "$OUT/drift-report.html" --report "$OUT/drift-report.json"

echo "== the lifecycle loop: retrain on the drifted month, a person approves, promote, roll back" >&2
# The first version becomes the champion: an approval by someone other than its creator, then
# the gated promotion (the shipped policy: one approval, not by the creator).
MLO_ACTOR=reviewer step "$MLO" approve flights-delay:1 --comment "baseline model"
step "$MLO" promote flights-delay:1 --to champion --reason "first champion"
step "$MLO" retrain flights-delay@champion --data "$OUT/batch-drifted.csv" --holdout 0.2 \
    --if-drift "$OUT/drift-report.json"
expect 9 "$MLO" promote flights-delay:2 --to champion --reason "not approved yet"
MLO_ACTOR=reviewer step "$MLO" approve flights-delay:2 --comment "metrics look right"
# The metric gate compares v2 with the champion on v2's eval rows; a retrain on drifted data may
# be worse there, so the demo records the person's decision with --force when the gate says no.
set +e; "$MLO" promote flights-delay:2 --to champion --reason "retrained on drifted data"; rc=$?; set -e
if [ "$rc" = 9 ]; then
  step "$MLO" promote flights-delay:2 --to champion --force --reason "accepted by reviewer"
elif [ "$rc" != 0 ]; then
  echo "demo: promote failed with exit $rc" >&2; exit 1
fi
step "$MLO" score-batch flights-delay@champion --input "$OUT/batch.csv.gz" --output "$OUT/scores-v2.csv"
step "$MLO" alias flights-delay
step "$MLO" rollback flights-delay --alias champion --reason "demo: back to v1"
step "$MLO" alias flights-delay
step "$MLO" log flights-delay
step "$MLO" verify
echo >&2
echo "demo: done. Store in $OUT/store, scores in $OUT/scores.csv, report in $OUT/drift-report.html" >&2
