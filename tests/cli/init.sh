# mlo init: creates mlo-store.yaml, idempotent, JSON output, other commands need it.
. "$(dirname "$0")/common.sh"

expect_error 4 "list before init names the missing store" mlo list
assert_contains "$ERR" "mlo init"
assert_no_file "$STORE/mlo-store.yaml"

expect_rc 0 "init creates the store" mlo init
assert_file "$STORE/mlo-store.yaml"
marker=$(cat "$STORE/mlo-store.yaml")
assert_contains "$marker" "format: 1"
assert_contains "$marker" "digest: sha256"
assert_contains "$marker" "created: "
assert_contains "$marker" "kind: Store"

before=$(tree_listing "$STORE")
expect_rc 0 "init again is a no-op" mlo init
assert_contains "$OUT" "already initialized"
assert_eq "$(tree_listing "$STORE")" "$before" "second init leaves the store unchanged"

expect_rc 0 "init --json on an existing store" mlo init --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["created"]')" "False"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["format"]')" "1"

other="$TEST_TMP/other store"
expect_rc 0 "init --store after the command" mlo init --store "$other"
assert_file "$other/mlo-store.yaml"
expect_rc 0 "--store before the command" mlo --store "$other" list
expect_rc 0 "init --json on a new store" mlo init --json --store "$TEST_TMP/third"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["created"]')" "True"

# .mlo.yaml found walking up from the working directory.
mkdir -p "$TEST_TMP/proj/sub"
printf 'store: ./s\n' >"$TEST_TMP/proj/.mlo.yaml"
(cd "$TEST_TMP/proj/sub" && MLO_STORE= "$MLO" init >/dev/null) || fail "init via .mlo.yaml"
assert_file "$TEST_TMP/proj/s/mlo-store.yaml"

echo "format: 1" >"$TEST_TMP/bad-marker.yaml"
mkdir -p "$TEST_TMP/badstore" && cp "$TEST_TMP/bad-marker.yaml" "$TEST_TMP/badstore/mlo-store.yaml"
expect_error 3 "init on a store with a foreign marker" mlo init --store "$TEST_TMP/badstore"

finish
