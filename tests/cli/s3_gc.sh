#!/usr/bin/env bash
# mlo gc against the radosgw test server (tests/s3/server.sh run): an unreferenced blob and an
# incomplete multipart upload are collected, referenced blobs stay, --dry-run and the grace
# period hold, and verify passes afterwards. Ages on S3 come from the server's clock, so "old"
# here is --grace 0 (everything up to now), "young" the default 24 h.
source "$(dirname "$0")/common.sh"
require_s3
STORE="s3://mlo-gc/run-$$-$RANDOM"
export MLO_STORE="$STORE"
s3_bucket "mlo-gc"

mlo init >/dev/null || fail "init"
make_tiny_model m.json 3
mlo register flights --model m.json >/dev/null || fail "register"
printf 'left behind by a crash\n' >orphan.bin
d=$(sha256sum orphan.bin | cut -c1-64)
orphan="objects/sha256/${d:0:2}/${d:2}"
store_put "$orphan" orphan.bin
# An upload a killed process never completed: invisible to listings, but stored and billed.
upload=$(s3curl POST "$(store_object objects/sha256/ab/incomplete)?uploads=" |
  sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p')
[ -n "$upload" ] || fail "could not start a multipart upload"
head -c 100000 /dev/urandom >part.bin
s3curl PUT "$(store_object objects/sha256/ab/incomplete)?partNumber=1&uploadId=$upload" \
  --data-binary @part.bin >/dev/null || fail "upload a part"
sleep 1  # the server's clock must pass the second the orphan was written in

expect_rc 0 "gc with the default grace keeps everything young" mlo gc --json
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d["removed"]), d["counts"]["young"]')" "0 2"
expect_rc 0 "verify notes nothing (the upload is young)" mlo verify --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"]')" "True"

before=$(store_listing)
expect_rc 0 "gc --grace 0 --dry-run" mlo gc --grace 0 --dry-run --json
assert_eq "$(printf '%s' "$OUT" | json_get '[(r["kind"], r["name"]) for r in d["removed"]]')" \
  "[('blob', '$orphan'), ('temp', 'objects/sha256/ab/incomplete (incomplete multipart upload $upload)')]"
assert_eq "$(store_listing)" "$before" "dry run changed the store"

expect_rc 0 "gc --grace 0" mlo gc --grace 0
assert_contains "$OUT" "removed 1 blob (23 bytes) and 1 temp file"
store_has "$orphan" && fail "the orphan blob is still there"
p=${STORE#s3://mlo-gc/}
uploads=$(s3curl GET "mlo-gc?prefix=${p//\//%2F}%2F&uploads=")
case "$uploads" in *"$upload"*) fail "the incomplete upload was not aborted: $uploads" ;; esac
pass "the incomplete multipart upload was aborted"; TESTS_RUN=$((TESTS_RUN + 1))
expect_rc 0 "verify after gc" mlo verify --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"], d["counts"]["blobs"]')" "True 1"
expect_rc 0 "the version still reads" mlo show flights:1

# A blob gc would take is kept once a register reuses it: put_blob refreshes an old blob
# (here: any blob, as --grace 0 makes everything old) only when it is older than 10 minutes,
# so this checks the reuse itself: register the orphan's bytes, then gc keeps them.
store_put "$orphan" orphan.bin
expect_rc 0 "register the orphan's bytes as an artifact" mlo register flights --model m.json --artifact notes=orphan.bin
expect_rc 0 "gc --grace 0 after the reuse" mlo gc --grace 0 --json
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d["removed"])')" "0"
store_has "$orphan" || fail "a referenced blob was collected"
expect_rc 0 "verify at the end" mlo verify
finish
