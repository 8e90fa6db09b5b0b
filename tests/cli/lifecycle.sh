#!/usr/bin/env bash
# The lifecycle loop end to end: train v1 on month A, approve, promote to champion; drift on
# month B is found (exit 8); a v2 candidate is built on month B and evaluated on the same eval
# data as the champion; promote is refused without approval (exit 9, gates named); approve;
# promote succeeds; score-batch NAME@champion uses v2; rollback returns to v1; the log shows
# every step; verify passes; editing, deleting or reordering an event file -> verify exit 6.
# v2 comes from `mlo retrain --if-drift`, which scores the champion on v2's own eval rows: the
# metric gate compares on that (v1 was evaluated on other data, month A's holdout).
source "$(dirname "$0")/common.sh"

mlo init >/dev/null || fail "init"
gen_data --rows 6000 --seed 1 --out month-a.csv || fail "gen_data a"
gen_data --rows 6000 --seed 2 --distance-shift 400 --out month-b.csv || fail "gen_data b"
gen_data --rows 2000 --seed 3 --distance-shift 400 --out eval-b.csv || fail "gen_data eval"
gen_data --rows 2000 --seed 4 --out eval-a.csv || fail "gen_data eval a"
write_flights_recipe recipe.yaml lc "{max_depth: 4, eta: 0.3, num_boost_round: 20, seed: 7}"
# The model's own store policy: allow a small metric margin (per-model policy in the store).
mkdir -p "$STORE/policies"
cat > "$STORE/policies/lc.yaml" <<YAML
apiVersion: mlo/v1
kind: PromotionPolicy
metric: {name: auc, higher_is_better: true, margin: 0.05}
approvals: {required: 1, not_creator: true}
YAML

export MLO_ACTOR=carol   # the data scientist
expect_rc 0 "train v1 on month A" mlo train --config recipe.yaml --data month-a.csv --eval eval-a.csv
MLO_ACTOR=alice expect_rc 0 "alice approves v1" mlo approve lc:1 --comment "baseline"
expect_rc 0 "promote v1 to champion" mlo promote lc:1 --to champion --reason "first model"

expect_rc 8 "drift on month B is found" mlo drift lc@champion --current month-b.csv --report drift.json
assert_eq "$(json_get 'd["verdict"]["drift"]' <drift.json)" "True" "the report says drift"

expect_rc 0 "retrain --if-drift: v2 candidate on month B" mlo retrain lc@champion --data month-b.csv --eval eval-b.csv --if-drift drift.json
assert_contains "$OUT" "lc:2" "retrain registered v2"
expect_rc 0 "show v2" mlo --json show lc:2
V2=$OUT
assert_eq "$(printf '%s' "$V2" | json_get 'd["manifest"]["training"]["parent"]')" "1" "v2's parent is v1"
assert_eq "$(printf '%s' "$V2" | json_get 'd["status"]')" "candidate" "v2 is a candidate"
e2=$(printf '%s' "$V2" | json_get 'd["manifest"]["training"]["eval"]["data"]["digest"]')
cmp=$(printf '%s' "$V2" | json_get 'd["manifest"]["artifacts"]["comparison"]["digest"]'); hex=${cmp#sha256:}
C=$(cat "$STORE/objects/sha256/${hex:0:2}/${hex:2}")
assert_eq "$(printf '%s' "$C" | json_get 'd["champion"]["version"], d["eval_data"]["digest"] == "'"$e2"'"')" "1 True" \
  "both models' metrics on the same eval digest (the champion scored on v2's eval rows)"
assert_eq "$(printf '%s' "$C" | json_get 'sorted(d["champion"]["metrics"]) == sorted(d["candidate"]["metrics"])')" "True" "same metrics for both"

expect_error 9 "promote v2 without approval is refused" mlo promote lc:2 --to champion
assert_contains "$ERR" "approvals (0 of 1" "the approvals gate is named"
MLO_ACTOR=carol expect_rc 0 "the creator's approval is recorded" mlo approve lc:2
expect_error 9 "...but does not count" mlo promote lc:2 --to champion
MLO_ACTOR=bob expect_rc 0 "bob approves v2" mlo approve lc:2 --comment "better on month B"
expect_rc 0 "promote v2" mlo --json promote lc:2 --to champion --reason "drift on month B"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["previous_version"], d["forced"]')" "1 False" "moved from v1, not forced"

expect_rc 0 "score with the champion" mlo --json score-batch lc@champion -i month-b.csv -o scored.csv
assert_eq "$(printf '%s' "$OUT" | json_get 'd["model"]["version"]')" "2" "champion scoring uses v2"
expect_rc 0 "rollback" mlo rollback lc --alias champion --reason "complaints"
expect_rc 0 "score after rollback" mlo --json score-batch lc@champion -i month-b.csv -o scored1.csv
assert_eq "$(printf '%s' "$OUT" | json_get 'd["model"]["version"]')" "1" "rollback returns to v1"

expect_rc 0 "log" mlo --json log lc
assert_eq "$(printf '%s' "$OUT" | json_get '[(e["type"], e["actor"], e["fields"].get("version")) for e in d["events"]]')" \
  "[('registered', 'carol', '1'), ('approved', 'alice', '1'), ('promoted', 'carol', '1'), ('registered', 'carol', '2'), ('approved', 'carol', '2'), ('approved', 'bob', '2'), ('promoted', 'carol', '2'), ('rolled_back', 'carol', '1')]" \
  "the log shows every step, who and what"
assert_eq "$(printf '%s' "$OUT" | json_get '[e["fields"].get("reason", e["fields"].get("comment")) for e in d["events"]][5:]')" \
  "['better on month B', 'drift on month B', 'complaints']" "and why"
expect_rc 0 "verify passes" mlo verify

ev="$STORE/models/lc/events"
cp -a "$STORE" "$TEST_TMP/pristine"
sed -i 's/actor: bob/actor: eve/' "$ev/6.yaml"
expect_error 6 "an edited event fails verify" mlo verify
rm -rf "$STORE"; cp -a "$TEST_TMP/pristine" "$STORE"
rm "$ev/3.yaml"
expect_error 6 "a deleted event fails verify" mlo verify
rm -rf "$STORE"; cp -a "$TEST_TMP/pristine" "$STORE"
mv "$ev/6.yaml" "$TEST_TMP/x"; mv "$ev/7.yaml" "$ev/6.yaml"; mv "$TEST_TMP/x" "$ev/7.yaml"
expect_error 6 "reordered events fail verify" mlo verify
finish
