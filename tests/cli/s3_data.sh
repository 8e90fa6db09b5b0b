#!/usr/bin/env bash
# Data files straight from the bucket (tests/s3/server.sh run): score-batch --input and drift
# --current/--reference read s3://bucket/key streamed through the store's S3 client (compressed too), with
# the same results as the local file; a missing object is exit 4; a download cut mid-way is
# resumed. (s3:// outputs: s3_outputs.sh.)
source "$(dirname "$0")/common.sh"
require_s3
require_python xgboost pandas
BUCKET=mlo-data
DATA="run-$$-$RANDOM"
STORE="s3://$BUCKET/$DATA/store"
export MLO_STORE="$STORE"
s3_bucket "$BUCKET"

gen_data --rows 3000 --seed 1 --out train.csv
gen_data --rows 2000 --seed 3 --distance-shift 250 --out shift.csv
gzip -k shift.csv
write_flights_recipe recipe.yaml flights "{max_depth: 3, num_boost_round: 10, seed: 1}"
expect_rc 0 "init" mlo init
expect_rc 0 "train" mlo train --config recipe.yaml --data train.csv
s3curl PUT "$BUCKET/$DATA/batches/shift.csv" --data-binary @shift.csv >/dev/null || fail "upload"
s3curl PUT "$BUCKET/$DATA/batches/shift.csv.gz" --data-binary @shift.csv.gz >/dev/null || fail "upload"

expect_rc 0 "score-batch a local file" mlo score-batch flights --input shift.csv --output want.csv --columns id
expect_rc 0 "score-batch --input s3://" mlo --json score-batch flights --input "s3://$BUCKET/$DATA/batches/shift.csv" --output got.csv --columns id
cmp -s want.csv got.csv || fail "scores from s3:// differ from the local file's"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["input"]["digest"]')" "sha256:$(sha256sum shift.csv | cut -d' ' -f1)" "input digest"
expect_rc 0 "score-batch --input s3://….gz" mlo score-batch flights --input "s3://$BUCKET/$DATA/batches/shift.csv.gz" --output got-gz.csv --columns id
cmp -s want.csv got-gz.csv || fail "scores from a compressed s3:// object differ"
expect_rc 0 "score-batch --shard from s3://" mlo score-batch flights --input "s3://$BUCKET/$DATA/batches/shift.csv" --output shard.csv --columns id --shard 1/2
[ "$(wc -l <shard.csv)" = 1001 ] || fail "shard 1/2 has $(wc -l <shard.csv) lines"

expect_rc 8 "drift --current s3://" mlo --json drift flights --current "s3://$BUCKET/$DATA/batches/shift.csv.gz"
want_verdict=$(mlo --json drift flights --current shift.csv | json_get 'd["verdict"]["drift"], d["verdict"]["drifted_features"]')
assert_eq "$(printf '%s' "$OUT" | json_get 'd["verdict"]["drift"], d["verdict"]["drifted_features"]')" "$want_verdict" "same verdict as the local file"

expect_rc 0 "drift --reference s3:// (the batch against itself: no drift)" \
  mlo drift flights --current shift.csv --reference "s3://$BUCKET/$DATA/batches/shift.csv.gz" --no-record

expect_error 4 "a missing object" mlo score-batch flights --input "s3://$BUCKET/$DATA/batches/nope.csv" --output x.csv
assert_no_file x.csv
expect_error 2 "a malformed s3:// input" mlo score-batch flights --input "s3://$BUCKET" --output x.csv

# A download cut mid-way resumes (Range) and scores the same.
rm -f port; "$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/tests/s3/fault_proxy.py" --target "${MLO_S3_ENDPOINT#http://}" \
  --port-file port --log proxy.log --fault truncate --dir down --at 40000 --count 2 &
proxy=$!
trap 'kill $proxy 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
MLO_S3_ENDPOINT="http://127.0.0.1:$(cat port)" expect_rc 0 "score-batch from s3:// through cut downloads" \
  mlo score-batch flights --input "s3://$BUCKET/$DATA/batches/shift.csv" --output cut.csv --columns id
[ -s proxy.log ] || fail "the proxy injected no fault"
cmp -s want.csv cut.csv || fail "scores through the cut download differ"
kill $proxy
finish
