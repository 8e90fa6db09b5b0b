#!/usr/bin/env bash
# Data outputs into the bucket (tests/s3/server.sh run): score-batch --output s3://… (plain and
# compressed, one PUT and multipart) gives the bytes of the local output; drift --report s3://…;
# a failing run leaves no object, no incomplete multipart upload and an existing object as it
# was; an upload cut by the fault proxy is retried, or fails with exit 1 and nothing left;
# a run killed mid-upload leaves no object; train and retrain --data/--eval s3://… record the
# digests of the identical local file; export -o s3://… writes the bytes of a file export.
source "$(dirname "$0")/common.sh"
require_s3
require_python xgboost pandas
BUCKET=mlo-outputs
RUN="run-$$-$RANDOM"
URL="s3://$BUCKET/$RUN"
export MLO_STORE="$TEST_TMP/store"  # the model store is local here: only data goes to the bucket
export MLO_S3_PART_SIZE=8           # MiB, the smallest: a ~12 MiB output takes two parts
s3_bucket "$BUCKET"
object() { s3curl GET "$BUCKET/$RUN/$1" 2>/dev/null; }
assert_no_object() {
  local code; code=$(s3curl GET "$BUCKET/$RUN/$1" -o /dev/null -w '%{http_code}' 2>/dev/null)
  assert_eq "$code" 404 "${2:-object $1 should not exist}"
}
assert_no_uploads() {  # no incomplete multipart upload anywhere under the run's prefix
  local listing; listing=$(s3curl GET "$BUCKET?prefix=$RUN%2F&uploads=") || fail "list uploads"
  case "$listing" in *"<UploadId>"*) fail "${1:-} left an incomplete multipart upload: $listing" ;; esac
}

gen_data --rows 4000 --seed 1 --out train.csv
gen_data --rows 2000 --seed 3 --distance-shift 250 --out shift.csv
write_flights_recipe recipe.yaml flights "{max_depth: 3, num_boost_round: 10, seed: 1}"
expect_rc 0 "init" mlo init
expect_rc 0 "train (local data)" mlo --json train --config recipe.yaml --data train.csv
local_digest=$(mlo --json show flights:1 | json_get 'd.get("manifest", d)["training"]["data"]["digest"]') || fail "show"

# score-batch: the object holds exactly the local output's bytes (one PUT, and lz4).
expect_rc 0 "score-batch to a local file" mlo score-batch flights:1 -i shift.csv -o want.csv
expect_rc 0 "score-batch --output s3://" mlo --json score-batch flights:1 -i shift.csv -o "$URL/out.csv"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["output"]["path"]')" "$URL/out.csv" "output named as given"
object out.csv >got.csv || fail "download out.csv"
cmp -s want.csv got.csv || fail "the s3:// output differs from the local one"
expect_rc 0 "score-batch to a local .lz4" mlo score-batch flights:1 -i shift.csv -o want.csv.lz4
expect_rc 0 "score-batch --output s3://….lz4" mlo score-batch flights:1 -i shift.csv -o "$URL/out.csv.lz4"
object out.csv.lz4 >got.csv.lz4 || fail "download out.csv.lz4"
cmp -s want.csv.lz4 got.csv.lz4 || fail "the compressed s3:// output differs from the local one"
assert_no_file "s3:"

# A multi-part output (> 8 MiB): the same bytes, completed from two parts.
{ cat shift.csv; for _ in $(seq 180); do tail -n +2 shift.csv; done; } >big.csv
ALL=id,month,day,dow,hour,minute,distance,origin,dest  # every column passed through: ~16 MB out
expect_rc 0 "score-batch a big file locally" mlo score-batch flights:1 -i big.csv --columns "$ALL" -o big-want.csv
[ "$(stat -c %s big-want.csv)" -gt $((9 << 20)) ] || fail "big output too small for two parts"
expect_rc 0 "score-batch a big file to s3://" mlo score-batch flights:1 -i big.csv --columns "$ALL" -o "$URL/big.csv"
object big.csv | cmp -s big-want.csv - || fail "the multipart s3:// output differs from the local one"
etag=$(s3curl HEAD "$BUCKET/$RUN/big.csv" -I 2>/dev/null | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
case "$etag" in *-2\") ;; *) fail "expected a 2-part multipart ETag, got $etag" ;; esac
assert_no_uploads "a committed multipart output"

# Failures: nothing appears, no upload is left, an existing object stays as it was.
{ cat big.csv; echo "x,not,a,row"; } >bad.csv
expect_error 3 "a bad row after two parts went up" mlo score-batch flights:1 -i bad.csv --columns "$ALL" -o "$URL/failed.csv"
assert_no_object failed.csv
assert_no_uploads "a failed multipart output"
expect_error 3 "a bad row, over an existing object" mlo score-batch flights:1 -i bad.csv --columns "$ALL" -o "$URL/out.csv"
object out.csv | cmp -s want.csv - || fail "a failed run changed the existing object"
assert_no_uploads "a failed run over an existing object"
printf 'id,month\n' >empty.csv
expect_error 3 "an invalid input" mlo score-batch flights:1 -i empty.csv -o "$URL/small-failed.csv"
assert_no_object small-failed.csv
expect_error 2 "a malformed s3:// output" mlo score-batch flights:1 -i shift.csv -o "s3://$BUCKET"

# drift --report s3://: JSON and Markdown in the bucket, all-or-none with a local report.
expect_rc 8 "drift --report s3://" mlo drift flights --current shift.csv \
  --report "$URL/drift.json" --report "$URL/drift.md" --report drift.html
object drift.json | json_get 'd["verdict"]["drift"]' >verdict || fail "drift.json is not JSON"
assert_eq "$(cat verdict)" "True" "verdict in the s3:// JSON report"
object drift.md | grep -q "drift" || fail "drift.md is missing or empty"
assert_file drift.html
expect_error 3 "drift on an invalid input writes no report" \
  mlo drift flights --current empty.csv --report "$URL/drift-failed.json" --no-record
assert_no_object drift-failed.json

# train / retrain from the bucket: the same data digest as the local file.
s3curl PUT "$BUCKET/$RUN/train.csv" --data-binary @train.csv >/dev/null || fail "upload train.csv"
s3curl PUT "$BUCKET/$RUN/shift.csv" --data-binary @shift.csv >/dev/null || fail "upload shift.csv"
expect_rc 0 "train --data s3://" mlo --json train --config recipe.yaml --data "$URL/train.csv" --name flights-s3
s3_digest=$(mlo --json show flights-s3:1 | json_get 'd.get("manifest", d)["training"]["data"]["digest"]') || fail "show"
assert_eq "$s3_digest" "$local_digest" "training data digest from s3://"
expect_rc 0 "train --data s3:// --eval s3://" mlo train --config recipe.yaml --data "$URL/train.csv" \
  --eval "$URL/shift.csv" --name flights-s3
expect_rc 0 "train --data --eval local" mlo train --config recipe.yaml --data train.csv --eval shift.csv --name flights-local
digests() {  # training data, eval data and model blob digests of a version
  mlo --json show "$1" | json_get 'd.get("manifest", d)["training"]["data"]["digest"],
    d.get("manifest", d)["training"]["eval"]["data"]["digest"], d.get("manifest", d)["artifacts"]["model"]["digest"]'
}
want=$(digests flights-local:1) || fail "show flights-local:1"
got=$(digests flights-s3:2) || fail "show flights-s3:2"
assert_contains "$want" "sha256:$(sha256sum shift.csv | cut -d' ' -f1)" "eval digest of the local file"
assert_eq "$got" "$want" "data, eval and model digests from s3://"
expect_rc 0 "retrain --data s3:// --eval s3://" mlo --json retrain flights:1 --data "$URL/shift.csv" --eval "$URL/train.csv"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["eval_data"]["digest"]')" "sha256:$(sha256sum train.csv | cut -d' ' -f1)" "retrain eval digest"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["eval_data"]["source"]')" "$URL/train.csv" "retrain eval source"
expect_error 4 "train from a missing object" mlo train --config recipe.yaml --data "$URL/nope.csv"

# export -o s3://: the object holds the bytes of the local export, and imports into a new store.
expect_rc 0 "export to a file" mlo export flights-local -o local.mlo.tar.zst
expect_rc 0 "export to s3://" mlo export flights-local -o "$URL/flights.mlo.tar.zst"
object flights.mlo.tar.zst >from-s3.mlo.tar.zst || fail "get the exported object"
cmp -s local.mlo.tar.zst from-s3.mlo.tar.zst || fail "the s3:// export differs from the file export"
MLO_STORE="$TEST_TMP/other" expect_rc 0 "init another store" mlo init
MLO_STORE="$TEST_TMP/other" expect_rc 0 "import the exported object" mlo import from-s3.mlo.tar.zst
expect_error 4 "export of an unknown model writes no object" mlo export nosuch -o "$URL/nosuch.mlo.tar.zst"
assert_no_object nosuch.mlo.tar.zst

# An upload cut by the fault proxy: retried (same bytes), or given up with exit 1, nothing left.
proxy=
trap '[ -z "$proxy" ] || kill $proxy 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
start_proxy() {  # start_proxy ARGS...: a fresh fault proxy; PROXY_URL is its endpoint
  [ -z "$proxy" ] || { kill $proxy; wait $proxy 2>/dev/null; }
  rm -f port proxy.log
  "$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/tests/s3/fault_proxy.py" --target "${MLO_S3_ENDPOINT#http://}" \
    --port-file port --log proxy.log "$@" &
  proxy=$!
  for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
  PROXY_URL="http://127.0.0.1:$(cat port)"
}
start_proxy --fault truncate --dir up --at 300000 --count 2
MLO_S3_ENDPOINT=$PROXY_URL expect_rc 0 "a multipart output through cut uploads" \
  mlo score-batch flights:1 -i big.csv --columns "$ALL" -o "$URL/cut.csv"
[ -s proxy.log ] || fail "the proxy injected no fault"
object cut.csv | cmp -s big-want.csv - || fail "the output uploaded through faults differs"
start_proxy --fault reset --dir up --at 300000 --count 100000
MLO_S3_MAX_ATTEMPTS=2 MLO_S3_ENDPOINT=$PROXY_URL expect_error 1 \
  "an output upload that keeps failing" mlo score-batch flights:1 -i big.csv --columns "$ALL" -o "$URL/out.csv"
case "$ERR" in *"$AWS_SECRET_ACCESS_KEY"*|*Signature=*) fail "a secret in the error: $ERR" ;; esac
object out.csv | cmp -s want.csv - || fail "a failed upload changed the existing object"
assert_no_uploads "an upload given up"

# Killed by SIGTERM while a part is going up (stalled by the proxy): exit 130 and no object. The
# incomplete upload cannot be aborted from a signal handler; gc or a lifecycle rule reaps it.
start_proxy --fault stall --dir up --at 300000 --count 1
MLO_S3_ENDPOINT=$PROXY_URL "$MLO" score-batch flights:1 -i big.csv --columns "$ALL" -o "$URL/killed.csv" \
  2>killed.err &
victim=$!
for _ in $(seq 100); do [ -s proxy.log ] && break; sleep 0.1; done
[ -s proxy.log ] || fail "the upload never stalled"
kill -TERM $victim  # (a background job of a script ignores SIGINT)
wait $victim; rc=$?
assert_eq "$rc" 143 "exit status after SIGTERM"
assert_no_object killed.csv "a killed run left an object"
TESTS_RUN=$((TESTS_RUN + 1)); pass "SIGTERM mid-upload leaves no object"
finish
