#!/usr/bin/env bash
# mlo gc [--grace D] [--dry-run]: removes old unreferenced blobs and stale temp files, keeps
# everything a manifest refers to and everything younger than the grace period, removes nothing
# when a manifest is unreadable, and is safe while registers run concurrently.
# Works on a local store, and on S3 when MLO_TEST_STORE_URL points at one (tests/cli/s3_gc.sh).
source "$(dirname "$0")/common.sh"

# plant_blob FILE AGE: stores FILE as an unreferenced blob with mtime AGE ago ("2 days");
# prints its key. Local stores only (S3 ages are set by the server; see s3_gc.sh).
plant_blob() {
  local d; d=$(sha256sum "$1" | cut -c1-64)
  local key="objects/sha256/${d:0:2}/${d:2}"
  mkdir -p "$STORE/objects/sha256/${d:0:2}"
  cp "$1" "$STORE/$key"
  touch -d "$2 ago" "$STORE/$key"
  echo "$key"
}

expect_error 4 "gc on a store that was never initialised" mlo gc
mlo init >/dev/null
make_tiny_model m.json 3
make_tiny_model m.ubj 3
mlo register flights --model m.json >/dev/null || fail "register 1"
mlo register flights --model m.ubj >/dev/null || fail "register 2"
# Everything registered is old too: age never removes a referenced blob.
find "$STORE" -type f -exec touch -d '30 days ago' {} +

printf 'left behind by a crash\n' >old.bin
printf 'a register in progress\n' >young.bin
old=$(plant_blob old.bin "2 days")
young=$(plant_blob young.bin "1 hour")
printf 'partial' >"$STORE/models/flights/versions/.3.yaml.tmp-dead01"
touch -d '2 days ago' "$STORE/models/flights/versions/.3.yaml.tmp-dead01"
printf 'live' >"$STORE/objects/.incoming.tmp-live01"
printf 'not a blob' >"$STORE/objects/README"
touch -d '9 days ago' "$STORE/objects/README"

before=$(tree_listing "$STORE")
expect_rc 0 "gc --dry-run --json" mlo gc --dry-run --json
assert_eq "$(tree_listing "$STORE")" "$before" "dry run changed the store"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["dry_run"]')" "True"
assert_eq "$(printf '%s' "$OUT" | json_get '[(r["kind"], r["name"], r["bytes"]) for r in d["removed"]]')" \
  "[('blob', '$old', 23), ('temp', 'models/flights/versions/.3.yaml.tmp-dead01', 7)]"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["schema"]')" "mlo/v1/gc"
assert_eq "$(printf '%s' "$OUT" | json_get '[d["counts"][k] for k in ("blobs", "referenced", "manifests", "young")]')" \
  "[4, 2, 2, 2]"
expect_rc 0 "gc --dry-run (table)" mlo gc --dry-run
assert_contains "$OUT" "blob $old 23"
assert_contains "$OUT" "would remove 1 blob (23 bytes) and 1 temp file (7 bytes); kept 2 referenced, 2 within the grace period"

expect_rc 0 "gc" mlo gc
assert_contains "$OUT" "removed 1 blob (23 bytes) and 1 temp file (7 bytes)"
assert_no_file "$STORE/$old"
assert_no_file "$STORE/models/flights/versions/.3.yaml.tmp-dead01"
assert_file "$STORE/$young"
assert_file "$STORE/objects/.incoming.tmp-live01"
assert_file "$STORE/objects/README"
expect_rc 0 "every version still verifies" mlo verify
expect_rc 0 "a collected store still scores: show" mlo show flights:1
expect_rc 0 "gc again: nothing left to do" mlo gc --json
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d["removed"])')" "0"

expect_rc 0 "gc --grace 30m takes the hour-old orphan" mlo gc --grace 30m
assert_contains "$OUT" "removed 1 blob (23 bytes)"
assert_no_file "$STORE/$young"
expect_rc 0 "gc --grace 0 leaves referenced blobs" mlo gc --grace 0
expect_rc 0 "verify after --grace 0" mlo verify

for bad in 24 1.5h -1h 3w ""; do
  expect_error 2 "bad --grace '$bad'" mlo gc --grace "$bad"
  assert_contains "$ERR" "--grace"
done

# An unparsable manifest: gc cannot tell what it needs, so it removes nothing (exit 6).
old=$(plant_blob old.bin "2 days")
mkdir -p "$STORE/models/broken/versions"
printf 'apiVersion: [not, a manifest\n' >"$STORE/models/broken/versions/1.yaml"
before=$(tree_listing "$STORE")
expect_error 6 "gc with an unparsable manifest" mlo gc
assert_contains "$ERR" "models/broken/versions/1.yaml"
assert_eq "$(tree_listing "$STORE")" "$before" "gc removed something despite the broken manifest"
rm -r "$STORE/models/broken"

# Concurrent writers: gc runs in a loop while 8 registers of new models race it, each reusing an
# old unreferenced blob (its notes file was stored two days ago by a register that died). Every
# version must keep its blobs (gc.hpp: blobs are written or touched before the manifest, gc
# lists manifests after blobs and re-reads a candidate's age just before removing it).
for i in 1 2 3 4 5 6 7 8; do
  printf 'notes of writer %s\n' "$i" >"race$i.txt"
  plant_blob "race$i.txt" "2 days" >/dev/null
done
(for _ in $(seq 30); do "$MLO" gc --grace 1m >/dev/null 2>>gc-loop.err || echo "gc failed" >>gc-loop.err; done) &
gc_pid=$!
pids=()
for i in 1 2 3 4 5 6 7 8; do
  "$MLO" register "race$i" --model m.json --artifact notes="race$i.txt" >/dev/null 2>"reg$i.err" &
  pids+=($!)
done
for i in 1 2 3 4 5 6 7 8; do wait "${pids[$((i - 1))]}" || fail "register $i: $(cat "reg$i.err")"; done
wait "$gc_pid"
[ -s gc-loop.err ] && fail "gc failed while registers ran: $(cat gc-loop.err)"
pass "gc in a loop while 8 registers ran"; TESTS_RUN=$((TESTS_RUN + 1))
expect_rc 0 "verify after the race" mlo verify --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"]')" "True"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["counts"]["versions"]')" "10"
assert_no_file "$STORE/$old"  # the loop still did its job
finish
