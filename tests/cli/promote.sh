#!/usr/bin/env bash
# mlo promote/approve/reject/rollback/alias/archive/annotate: gates refuse with exit 9 naming
# every failed gate; approve then promote; forced promotion; rollback; reads trust only the
# registered manifest (a hand-edited manifest -> exit 6); audit events edited, deleted or
# reordered -> verify exit 6; HMAC on and off.
source "$(dirname "$0")/common.sh"

mlo init >/dev/null || fail "init"
gen_data --rows 3000 --seed 1 --out a.csv || fail "gen_data a"
gen_data --rows 3000 --seed 2 --out b.csv || fail "gen_data b"
gen_data --rows 1500 --seed 3 --out eval.csv || fail "gen_data eval"
gen_data --rows 1500 --seed 4 --out eval2.csv || fail "gen_data eval2"
write_flights_recipe recipe.yaml fl "{max_depth: 3, eta: 0.3, num_boost_round: 8, seed: 1}"
expect_rc 0 "train v1" mlo train --config recipe.yaml --data a.csv --eval eval.csv
expect_rc 0 "train v2 (same eval data)" mlo train --config recipe.yaml --data b.csv --eval eval.csv
expect_rc 0 "train v3 (other eval data)" mlo train --config recipe.yaml --data b.csv --eval eval2.csv --param max_depth=2
auc() { mlo --json show "fl:$1" | json_get 'd["manifest"]["training"]["eval"]["metrics"]["auc"]'; }

# First promotion: no holder, but the default policy wants one approval not by the creator.
before=$(store_listing)
expect_error 9 "promote without approval is refused" mlo promote fl:1 --to champion
assert_contains "$ERR" "approvals (0 of 1 required approvals" "names the approvals gate"
assert_eq "$(store_listing)" "$before" "refused promote leaves the store as it was"
expect_error 9 "a dry run is refused by the same gates" mlo promote fl:1 --to champion --dry-run
assert_contains "$ERR" "approvals (0 of 1 required approvals" "dry run names the gate"
assert_eq "$(store_listing)" "$before" "refused dry run leaves the store as it was"
expect_rc 0 "creator approves" mlo approve fl:1 --comment "my own"
expect_error 9 "creator's own approval does not count" mlo promote fl:1 --to champion
MLO_ACTOR=alice expect_rc 0 "alice approves" mlo approve fl:1 --comment "looks good"
before=$(store_listing)
expect_rc 0 "dry run of a promotion that would pass" mlo promote fl:1 --to champion --dry-run
assert_contains "$OUT" "fl@champion -> fl:1 (would be; was unset; dry run, nothing written)" "dry run says what would happen"
assert_eq "$(store_listing)" "$before" "dry run writes nothing"
expect_rc 0 "dry run as JSON" mlo --json promote fl:1 --to champion --dry-run
assert_eq "$(printf '%s' "$OUT" | json_get '[d["dry_run"], "event" in d, d["refused"]]')" "[True, False, False]" "json: dry_run, no event"
expect_rc 0 "promote v1" mlo promote fl:1 --to champion --reason "first model"
assert_contains "$OUT" "fl@champion -> fl:1" "promote says where the alias went"
expect_rc 0 "show champion" mlo --json show fl@champion
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ref"]')" "fl:1" "champion is v1"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["status"]')" "approved" "effective status"

# v3 was evaluated on other data: the metric gate cannot compare and refuses.
MLO_ACTOR=alice expect_rc 0 "approve v3" mlo approve fl:3
expect_error 9 "different eval data cannot be compared" mlo promote fl:3 --to champion
assert_contains "$ERR" "metric (cannot compare" "names the metric gate"
expect_rc 9 "gates as JSON" mlo --json promote fl:3 --to champion
assert_eq "$(printf '%s' "$OUT" | json_get '[g["gate"] for g in d["gates"] if not g["passed"]]')" "['metric']" "json names failed gates"

# v2: same eval data; a policy with a margin decides with the metric.
a1=$(auc 1); a2=$(auc 2)
echo "auc v1=$a1 v2=$a2"
cat > strict.yaml <<YAML
apiVersion: mlo/v1
kind: PromotionPolicy
metric: {name: auc, higher_is_better: true, margin: 0.0}
approvals: {required: 2, actors: [alice, bob]}
YAML
MLO_ACTOR=alice expect_rc 0 "approve v2" mlo approve fl:2
expect_error 9 "strict policy: two approvals from alice/bob" mlo promote fl:2 --to champion --policy strict.yaml
assert_contains "$ERR" "approvals (1 of 2" "approvals counted"
worse=$("$SYSTEM_PYTHON" -c "print($a2 < $a1)")
if [ "$worse" = True ]; then assert_contains "$ERR" "metric (auc" "metric gate failed"; fi
cat > loose.yaml <<YAML
apiVersion: mlo/v1
kind: PromotionPolicy
metric: {name: auc, margin: 1.0}
approvals: {required: 1}
YAML
expect_rc 0 "promote v2 with a loose policy" mlo promote fl:2 --to champion --policy loose.yaml --reason "retrained"
printf 'apiVersion: mlo/v1\nkind: PromotionPolicy\napprovls: {}\n' > typo.yaml
expect_error 3 "policy with a typo is invalid input" mlo promote fl:1 --to champion --policy typo.yaml
expect_error 4 "missing policy file" mlo promote fl:1 --to champion --policy nope.yaml

# Force, rollback, alias listing.
expect_error 2 "--force needs --reason" mlo promote fl:3 --to champion --force
before=$(store_listing)
expect_rc 0 "forced dry run" mlo promote fl:3 --to champion --force --reason "incident 42" --dry-run
assert_contains "$OUT" "(would be forced)" "forced dry run says so"
assert_eq "$(store_listing)" "$before" "forced dry run writes nothing"
expect_rc 0 "forced promotion" mlo promote fl:3 --to champion --force --reason "incident 42"
assert_contains "$OUT" "(forced)" "forced is said"
expect_rc 0 "rollback" mlo rollback fl --alias champion --reason "v3 misbehaves"
assert_contains "$OUT" "fl@champion -> fl:2" "rollback returns to v2"
expect_rc 0 "alias list" mlo --json alias fl
assert_eq "$(printf '%s' "$OUT" | json_get '[(a["alias"], a["version"], a["type"]) for a in d["aliases"]]')" "[('champion', 2, 'rolled_back')]" "alias json"
expect_error 4 "rollback of an unknown alias" mlo rollback fl --alias canary
expect_error 4 "promote an unknown version" mlo promote fl:9 --to champion
expect_error 2 "bad alias name" mlo promote fl:1 --to Champion

# Reject, archive, annotate, and what list/show make of them.
expect_error 2 "reject needs --reason" mlo reject fl:3
expect_rc 0 "reject v3" mlo reject fl:3 --reason "unstable"
MLO_ACTOR=bob expect_error 9 "approve a rejected version" mlo approve fl:3
expect_error 9 "promote a rejected version (forced still allowed, not plain)" mlo promote fl:3 --to canary
assert_contains "$ERR" "status (status rejected)" "status gate"
expect_error 9 "archive a version an alias holds" mlo archive fl:2
expect_rc 0 "archive v3" mlo archive fl:3 --reason "superseded"
expect_rc 0 "annotate v2" mlo annotate fl:2 --label team=ops --label tier=gold --description "champion since Dec"
expect_error 2 "annotate with nothing" mlo annotate fl:2
expect_rc 0 "list by label" mlo --json list fl --label team=ops
assert_eq "$(printf '%s' "$OUT" | json_get '[v["version"] for v in d["versions"]]')" "[2]" "label filter"
expect_rc 0 "list by status" mlo --json list --status archived
assert_eq "$(printf '%s' "$OUT" | json_get '[(v["name"], v["version"]) for v in d["versions"]]')" "[('fl', 3)]" "status filter"
expect_rc 0 "list by alias" mlo --json list fl --alias champion
assert_eq "$(printf '%s' "$OUT" | json_get '[v["version"] for v in d["versions"]]')" "[2]" "alias filter"
expect_rc 0 "list sorted by auc" mlo --json list fl --sort auc
assert_eq "$(printf '%s' "$OUT" | json_get '[v["metrics"]["auc"] for v in d["versions"]] == sorted([v["metrics"]["auc"] for v in d["versions"]], reverse=True)')" "True" "sorted by auc"
expect_error 2 "bad status filter" mlo list --status shiny

# The log tells who/what/when/why for every kind of event.
expect_rc 0 "log" mlo --json log fl
assert_eq "$(printf '%s' "$OUT" | json_get 'sorted(set(e["type"] for e in d["events"]))')" \
  "['annotated', 'approved', 'archived', 'forced', 'promoted', 'registered', 'rejected', 'rolled_back']" "every event kind"
expect_rc 0 "log table" mlo log fl
assert_contains "$OUT" "incident 42" "log shows why"
assert_contains "$OUT" "champion 2 -> 3" "log shows what"
assert_contains "$OUT" "alice" "log shows who"
expect_rc 0 "verify clean" mlo verify

# Read path trust: hand-edit v1's manifest to point at v2's model blob.
m1=models/fl/versions/1.yaml
store_get $m1 >m1.orig || fail "read $m1"
d1=$(grep -o 'model: {digest: sha256:[0-9a-f]*' m1.orig | cut -d' ' -f3)
d2=$(store_get models/fl/versions/2.yaml | grep -o 'model: {digest: sha256:[0-9a-f]*' | cut -d' ' -f3)
sed "s/$d1/$d2/" m1.orig >m1.edited
store_put $m1 m1.edited
expect_error 6 "show of a hand-edited manifest" mlo show fl:1
assert_contains "$ERR" "modified after registration" "says why"
expect_error 6 "score-batch of a hand-edited manifest" mlo score-batch fl:1 -i eval.csv -o out.csv
assert_no_file out.csv
expect_error 6 "drift of a hand-edited manifest" mlo drift fl:1 --current eval.csv --no-record
expect_rc 0 "other versions still read" mlo show fl:2
store_put $m1 m1.orig

# Audit chain: edited, deleted, reordered events -> verify exit 6.
ev=models/fl/events
store_get $ev/4.yaml >ev4.orig && store_get $ev/5.yaml >ev5.orig || fail "read events"
for how in edit delete reorder; do
  case $how in
    edit) sed 's/actor: alice/actor: mallory/' ev5.orig >ev5.edited; grep -q mallory ev5.edited || fail "edit"
      store_put $ev/5.yaml ev5.edited ;;
    delete) store_rm $ev/4.yaml ;;
    reorder) store_put $ev/4.yaml ev5.orig; store_put $ev/5.yaml ev4.orig ;;
  esac
  expect_error 6 "verify finds a $how event" mlo verify
  assert_contains "$OUT" "events/" "names the event key ($how)"
  store_put $ev/4.yaml ev4.orig; store_put $ev/5.yaml ev5.orig
done
expect_rc 0 "verify clean after restoring the events" mlo verify

# HMAC: events written with MLO_AUDIT_KEY verify only under that key.
export MLO_AUDIT_KEY=s3cret-key
export MLO_STORE="$TEST_TMP/hstore"
make_tiny_model t.json 3
expect_rc 0 "init a second store" mlo init
expect_rc 0 "register signed" mlo register h --model t.json
MLO_ACTOR=alice expect_rc 0 "approve signed" mlo approve h:1
assert_contains "$(cat "$TEST_TMP/hstore/models/h/events/2.yaml")" "hmac: hmac-sha256:" "event signed"
if grep -rq "s3cret-key" "$TEST_TMP/hstore"; then fail "the key was written to the store"; fi
expect_rc 0 "verify with the key" mlo verify
MLO_AUDIT_KEY=wrong expect_error 6 "verify with another key" mlo verify
assert_contains "$OUT" "hmac does not match" "hmac finding"
unset MLO_AUDIT_KEY
expect_rc 0 "verify without a key checks the chain only" mlo verify
expect_rc 0 "unsigned event" mlo annotate h:1 --description "no key"
MLO_AUDIT_KEY=s3cret-key expect_error 6 "an unsigned event fails under the key" mlo verify
assert_contains "$OUT" "no hmac line" "missing hmac named"
finish
