#!/usr/bin/env bash
# push / pull / copy / export / import with an S3 store (the radosgw test server, run by ctest
# through tests/s3/server.sh inside a private network namespace): local -> s3:// -> local
# round trip with a multipart-sized blob, byte-identical histories, verify on every store,
# idempotent re-runs, a conflict at the bucket (exit 5, nothing written), and a bundle
# exported from the bucket imported locally.
source "$(dirname "$0")/common.sh"
require_s3
require_python xgboost

BUCKET=mlo-transfer
s3_bucket "$BUCKET"
REMOTE="s3://$BUCKET/run-$$-$RANDOM"

mlo init >/dev/null
make_tiny_model m.json 3
head -c $((20 * 1024 * 1024 + 12345)) /dev/urandom >big.bin   # above the 8 MiB part size
mlo register churn --model m.json >/dev/null || fail "register 1"
mlo register churn --model m.json --artifact extra=big.bin --metric auc=0.8 >/dev/null || fail "register 2"
mlo promote churn:2 --to champion --force --reason test >/dev/null || fail "promote"

expect_rc 0 "init the bucket store" mlo --store "$REMOTE" init
expect_rc 0 "push to s3" mlo push churn --to "$REMOTE" --json
assert_eq "$(printf '%s' "$OUT" | json_get '[d["models"][0][k]["copied"] for k in ("blobs","manifests","events","aliases")]')" "[2, 2, 3, 1]"
expect_rc 0 "verify the bucket" mlo --store "$REMOTE" verify
expect_rc 0 "push again writes nothing" mlo push churn --to "$REMOTE" --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["models"][0]["written"]')" "[]"

BACK="$TEST_TMP/back"
mlo --store "$BACK" init >/dev/null || fail "init back"
expect_rc 0 "pull from s3" mlo --store "$BACK" pull churn --from "$REMOTE"
expect_rc 0 "verify the pulled store" mlo --store "$BACK" verify
for f in $(cd "$STORE" && find models objects -type f ! -name '.*'); do
  cmp -s "$STORE/$f" "$BACK/$f" || fail "$f differs after local -> s3 -> local"
done
pass "local -> s3 -> local is byte-identical"; TESTS_RUN=$((TESTS_RUN + 1))

# The bucket moves the alias; pulling moves it forward locally.
expect_rc 0 "promote in the bucket" mlo --store "$REMOTE" promote churn:1 --to champion --force --reason back
expect_rc 0 "pull the move" mlo --store "$BACK" pull churn --from "$REMOTE" --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["models"][0]["aliases"]["copied"]')" "1"
expect_rc 0 "verify after the move" mlo --store "$BACK" verify

# A conflicting history in the bucket: exit 5, nothing written there.
OTHER="s3://$BUCKET/other-$$-$RANDOM"
mlo --store "$OTHER" init >/dev/null || fail "init other"
mlo --store "$OTHER" register churn --model m.json --metric auc=0.1 >/dev/null || fail "register other"
before=$(s3_listing "$BUCKET" "${OTHER#s3://$BUCKET/}/")
assert_contains "$before" "models/churn/versions/1.yaml"
expect_error 5 "conflict at the bucket" mlo push churn --to "$OTHER"
assert_contains "$ERR" "conflicting history"
assert_eq "$(s3_listing "$BUCKET" "${OTHER#s3://$BUCKET/}/")" "$before" "the conflicting push changed the bucket"

# copy between two S3 prefixes, and a bundle straight from the bucket.
COPY="s3://$BUCKET/copy-$$-$RANDOM"
mlo --store "$COPY" init >/dev/null || fail "init copy"
expect_rc 0 "copy s3 -> s3" mlo copy "$REMOTE" "$COPY" churn
expect_rc 0 "verify the s3 copy" mlo --store "$COPY" verify
expect_rc 0 "export from s3" mlo --store "$REMOTE" export churn -o churn.mlo.tar.zst
FRESH="$TEST_TMP/fresh"
mlo --store "$FRESH" init >/dev/null || fail "init fresh"
expect_rc 0 "import the s3 export" mlo --store "$FRESH" import churn.mlo.tar.zst
expect_rc 0 "verify the import" mlo --store "$FRESH" verify
finish
