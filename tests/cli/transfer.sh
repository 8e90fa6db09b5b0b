# mlo push / pull / copy between local stores: histories arrive whole (verify passes on both
# sides), re-runs copy nothing, --dry-run writes nothing, NAME:N carries one version's history,
# a conflicting history is exit 5 with the destination unchanged, and a copy killed at every
# durable-write step in turn (MLO_TEST_CRASH_AT=N) is finished by running it again.
. "$(dirname "$0")/common.sh"

mlo init >/dev/null
make_tiny_model m.json 3
make_tiny_model m.ubj 3
mlo register churn --model m.json >/dev/null || fail "register 1"
mlo register churn --model m.ubj --metric auc=0.8 >/dev/null || fail "register 2"
mlo promote churn:2 --to champion --force --reason test >/dev/null || fail "promote"
mlo register fraud --model m.json >/dev/null || fail "register fraud"

new_store() { mlo --store "$1" init >/dev/null || fail "init $1"; }
verify_ok() { expect_rc 0 "verify $1" mlo --store "$1" verify; }

REMOTE="$TEST_TMP/remote"
new_store "$REMOTE"
expect_rc 0 "push churn" mlo push churn --to "$REMOTE" --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["schema"]')" "mlo/v1/push"
assert_eq "$(printf '%s' "$OUT" | json_get '[d["models"][0][k]["copied"] for k in ("blobs","manifests","events","aliases")]')" "[2, 2, 3, 1]"
verify_ok "$REMOTE"
verify_ok "$STORE"
expect_rc 0 "the pushed alias resolves" mlo --store "$REMOTE" show churn@champion --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["manifest"]["version"]')" "2"
for f in models/churn/versions/1.yaml models/churn/events/3.yaml models/churn/aliases/champion.yaml; do
  cmp -s "$STORE/$f" "$REMOTE/$f" || fail "$f differs after push"
done
expect_rc 0 "push again copies nothing" mlo push churn --to "$REMOTE" --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["models"][0]["written"]')" "[]"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["models"][0]["blobs"]["present"]')" "2"

mlo register churn --model m.json --metric auc=0.9 >/dev/null || fail "register 3"
before=$(tree_listing "$REMOTE")
expect_rc 0 "push --dry-run" mlo push churn --to "$REMOTE" --dry-run --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["dry_run"]')" "True"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["models"][0]["manifests"]["copied"]')" "1"
assert_eq "$(tree_listing "$REMOTE")" "$before" "dry run wrote something"
expect_rc 0 "push the new version" mlo push churn --to "$REMOTE"
assert_contains "$OUT" "churn: blobs 0 copied, 2 present; manifests 1 copied, 2 present"
verify_ok "$REMOTE"

LOCAL2="$TEST_TMP/local2"
new_store "$LOCAL2"
expect_rc 0 "pull one version's history" mlo --store "$LOCAL2" pull churn:1 --from "$REMOTE" --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["schema"]')" "mlo/v1/pull"
assert_eq "$(ls "$LOCAL2/models/churn/versions")" "1.yaml"
assert_eq "$(ls "$LOCAL2/models/churn/events")" "1.yaml"
verify_ok "$LOCAL2"
expect_rc 0 "pull the rest" mlo --store "$LOCAL2" pull churn --from "$REMOTE"
verify_ok "$LOCAL2"
expect_rc 0 "log matches after pull" mlo --store "$LOCAL2" log churn --json
pulled_log=$OUT
expect_rc 0 "log of the source" mlo log churn --json
assert_eq "$pulled_log" "$OUT" "audit log after pull"

COPY="$TEST_TMP/copy"
new_store "$COPY"
expect_rc 0 "copy every model" mlo copy "$STORE" "$COPY" --json
assert_eq "$(printf '%s' "$OUT" | json_get '[m["name"] for m in d["models"]]')" "['churn', 'fraud']"
verify_ok "$COPY"
expect_rc 0 "copy named models only" mlo copy "$STORE" "$TEST_TMP/copy" fraud
assert_contains "$OUT" "fraud: blobs 0 copied, 1 present"

# Bad references and stores.
expect_error 2 "alias reference refused" mlo push churn@champion --to "$REMOTE"
expect_error 4 "missing model" mlo push nope --to "$REMOTE"
expect_error 4 "uninitialised destination" mlo push churn --to "$TEST_TMP/nothing"
assert_no_file "$TEST_TMP/nothing"
expect_error 2 "unknown scheme" mlo push churn --to "ftp://x/y"

# A conflicting history: exit 5, the destination byte-identical.
OTHER="$TEST_TMP/other"
new_store "$OTHER"
mlo --store "$OTHER" register churn --model m.ubj --metric auc=0.1 >/dev/null || fail "register other"
before=$(tree_listing "$OTHER")
expect_error 5 "conflicting history" mlo push churn --to "$OTHER"
assert_contains "$ERR" "models/churn/versions/1.yaml"
assert_contains "$ERR" "conflicting history"
assert_eq "$(tree_listing "$OTHER")" "$before" "conflict changed the destination"
# Diverged after a common start: same.
mlo --store "$LOCAL2" register churn --model m.ubj --metric auc=0.2 >/dev/null || fail "register diverge"
mlo register churn --model m.ubj --metric auc=0.3 >/dev/null || fail "register diverge 2"
before=$(tree_listing "$LOCAL2")
expect_error 5 "diverged histories" mlo --store "$LOCAL2" pull churn --from "$STORE"
assert_eq "$(tree_listing "$LOCAL2")" "$before" "diverged pull changed the destination"

# Killed at every durable-write step in turn, then resumed by running the same command.
n=0 completed=0 killed=0
while [ "$completed" = 0 ]; do
  n=$((n + 1))
  [ "$n" -le 300 ] || fail "copy never completed within 300 crash points"
  CRASH="$TEST_TMP/crash-$n"
  new_store "$CRASH"
  (MLO_TEST_CRASH_AT=$n exec "$MLO" push churn --to "$CRASH" >/dev/null 2>"$TEST_TMP/crash.err") 2>/dev/null
  rc=$?
  case "$rc" in
    137) killed=$((killed + 1)) ;;
    0) completed=1 ;;
    *) fail "crash point $n: exit $rc: $(cat "$TEST_TMP/crash.err")" ;;
  esac
  run "$MLO" --store "$CRASH" verify
  [ "$RC" = 0 ] || fail "crash point $n: verify exit $RC: $OUT"
  expect_rc 0 "resume after crash point $n" mlo push churn --to "$CRASH"
  verify_ok "$CRASH"
  for f in $(cd "$STORE" && find models/churn -type f ! -name '.*'); do
    cmp -s "$STORE/$f" "$CRASH/$f" || fail "crash point $n: $f differs after resume"
  done
  rm -rf "$CRASH"
done
[ "$killed" -ge 10 ] || fail "only $killed crash points were reached"
pass "push killed at $killed crash points, each resumed to an identical history"

finish
