#!/usr/bin/env bash
# The key CLI cases with `--store s3://...` against the radosgw test server (run by ctest through
# tests/s3/server.sh, inside a private network namespace): init, register, list, show, verify
# (clean and corrupted), train, score-batch, drift, 8 concurrent registers from separate
# processes, and credentials that never show in any output.
source "$(dirname "$0")/common.sh"
require_s3
"$SYSTEM_PYTHON" -c "import xgboost, pandas" 2>/dev/null || {
  [ "${CI:-}" = true ] && fail "needs /usr/bin/python3 with xgboost and pandas (CI=true)"
  skip "needs /usr/bin/python3 with xgboost and pandas"
}

BUCKET=mlo-cli
PREFIX="run-$$-$RANDOM"
export MLO_STORE="s3://$BUCKET/$PREFIX"
SECRET=$AWS_SECRET_ACCESS_KEY
s3_bucket "$BUCKET"
no_secret() { case "$OUT$ERR" in *"$SECRET"*) fail "$1: the secret key appears in the output" ;; esac; }

expect_error 4 "a store that was never initialised" mlo list
expect_rc 0 "init" mlo init
expect_rc 0 "init is idempotent" mlo init
make_tiny_model m.json 3
expect_rc 0 "register" mlo register flights --model m.json --metric auc=0.7 --label team=ops
assert_eq "$OUT" "flights:1"
expect_rc 0 "list --json" mlo list --json
assert_contains "$OUT" '"flights"'
no_secret "list --json"
expect_rc 0 "show" mlo show flights:1 --json
assert_contains "$OUT" '"auc"'
no_secret "show --json"
expect_rc 0 "verify" mlo verify --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"]')" "True"
no_secret "verify --json"

# 8 concurrent registers from separate processes: unique versions 2..9.
pids=()
for i in 1 2 3 4 5 6 7 8; do
  "$MLO" register flights --model m.json --label writer="$i" >"$TEST_TMP/out.$i" 2>"$TEST_TMP/err.$i" &
  pids+=($!)
done
for i in 1 2 3 4 5 6 7 8; do
  wait "${pids[$((i - 1))]}" || fail "writer $i failed: $(cat "$TEST_TMP/err.$i")"
done
got=$(cat "$TEST_TMP"/out.* | sort -t: -k2 -n | tr '\n' ' ')
assert_eq "$got" "flights:2 flights:3 flights:4 flights:5 flights:6 flights:7 flights:8 flights:9 " "racing versions"
pass "8 concurrent registers got versions 2..9, each once"; TESTS_RUN=$((TESTS_RUN + 1))
expect_rc 0 "audit log has 9 events" mlo log flights --json
assert_eq "$(printf '%s' "$OUT" | json_get '[e["number"] for e in d["events"]]')" "[1, 2, 3, 4, 5, 6, 7, 8, 9]"
expect_rc 0 "verify after the race" mlo verify --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"]')" "True"

# Train, score and check drift straight against the bucket.
gen_data --rows 3000 --seed 1 --out train.csv
gen_data --rows 1000 --seed 3 --distance-shift 250 --out shift.csv
write_flights_recipe recipe.yaml trained "{max_depth: 3, num_boost_round: 10, seed: 1}"
expect_rc 0 "train into the s3 store" mlo train --config recipe.yaml --data train.csv
expect_rc 0 "score-batch from the s3 store" mlo score-batch trained --input shift.csv --output scored.csv --columns id
[ "$(wc -l <scored.csv)" = 1001 ] || fail "scored.csv has $(wc -l <scored.csv) lines, want 1001"
expect_rc 8 "drift against the stored baseline" mlo drift trained --current shift.csv
expect_rc 0 "verify everything" mlo verify

# A blob overwritten behind mlo's back is an integrity failure (exit 6).
key=$("$MLO" show flights:1 --json | json_get 'd["manifest"]["artifacts"]["model"]["digest"]' | sed 's/sha256://')
[ -n "$key" ] || fail "no model digest in show --json"
code=$(s3curl PUT "$BUCKET/$PREFIX/objects/sha256/${key:0:2}/${key:2}" --data-binary "tampered" -o /dev/null -w '%{http_code}')
assert_eq "$code" 200 "tamper with a blob"
expect_error 6 "verify finds the tampered blob" mlo verify flights
code=$(s3curl PUT "$BUCKET/$PREFIX/objects/sha256/${key:0:2}/${key:2}" --data-binary @m.json -o /dev/null -w '%{http_code}')
expect_rc 0 "verify after the blob is restored" mlo verify flights

# Credentials: a wrong secret fails cleanly (exit 1, one line) and no secret is printed.
AWS_SECRET_ACCESS_KEY=WRONGwrongWRONGwrong expect_error 1 "wrong secret" mlo list
assert_contains "$ERR" "403"
case "$ERR" in *WRONGwrong*) fail "wrong secret echoed: $ERR" ;; esac
MLO_S3_ENDPOINT=http://127.0.0.1:9 MLO_S3_MAX_ATTEMPTS=2 expect_error 1 "unreachable endpoint" mlo list
expect_error 2 "malformed s3 url" mlo list --store s3://Bad_Bucket
finish
