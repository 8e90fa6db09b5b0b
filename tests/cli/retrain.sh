#!/usr/bin/env bash
# mlo retrain: refits a trained version's recipe on new data, records the parent and both
# models' metrics on the same eval digest, never moves an alias, is byte-for-byte reproducible,
# honours --if-drift and --dry-run, and leaves the store unchanged on bad input.
source "$(dirname "$0")/common.sh"
require_python numpy

mlo init >/dev/null || fail "init"
gen_data --rows 6000 --seed 1 --out a.csv || fail "gen_data a"
gen_data --rows 6000 --seed 3 --distance-shift 250 --out b.csv || fail "gen_data b"
gen_data --rows 2000 --seed 4 --distance-shift 250 --out eval.csv || fail "gen_data eval"
write_flights_recipe recipe.yaml flights "{max_depth: 4, eta: 0.3, num_boost_round: 20, seed: 1}"
echo 'early_stopping_rounds: 5' >> recipe.yaml
expect_rc 0 "train v1" mlo train --config recipe.yaml --data a.csv --param max_depth=3 --threads 2

manifest() { mlo --json show "$1" | json_get 'json.dumps(d.get("manifest", d))'; }
field() { printf '%s' "$1" | json_get "$2"; }

# No champion yet: the candidate is registered and the output says there is nothing to compare.
expect_rc 0 "retrain without a champion" mlo --json retrain flights:1 --data b.csv --eval eval.csv --threads 2
assert_eq "$(field "$OUT" 'd["ref"]')" "flights:2" "candidate ref"
assert_eq "$(field "$OUT" 'd["champion"]')" "None" "no champion"
assert_contains "$(field "$OUT" 'd["champion_note"]')" "no alias 'champion'" "says why"
M2=$(manifest flights:2)
assert_eq "$(field "$M2" 'd["training"]["parent"]')" "1" "parent recorded"
assert_eq "$(field "$M2" 'd["status"]')" "candidate" "status candidate"
assert_eq "$(field "$M2" 'd["training"]["params"]["max_depth"]')" "3" "train-time override carried over"
assert_eq "$(field "$M2" 'd["training"]["data"]["digest"]')" "sha256:$(sha256sum b.csv | cut -d' ' -f1)" "data digest"
assert_eq "$(field "$M2" 'd["training"]["eval"]["data"]["digest"]')" "sha256:$(sha256sum eval.csv | cut -d' ' -f1)" "eval digest"

# v1 becomes the champion (forced: the approval gates are lifecycle.sh's business).
expect_rc 0 "promote v1 to champion" mlo promote flights:1 --to champion --force --reason "test setup"
alias_before=$(sha256sum "$STORE/models/flights/aliases/champion.yaml")

expect_rc 0 "retrain against the champion" mlo --json retrain flights@champion --data b.csv --eval eval.csv --threads 2
J=$OUT
assert_eq "$(field "$J" 'd["ref"]')" "flights:3" "candidate v3"
assert_eq "$(field "$J" 'd["parent"]')" "flights:1" "parent is the alias holder"
assert_eq "$(field "$J" 'd["champion"]["version"]')" "1" "champion version"
assert_eq "$(field "$J" 'd["eval_data"]["digest"]')" "sha256:$(sha256sum eval.csv | cut -d' ' -f1)" "both on the eval digest"
assert_eq "$(field "$J" 'sorted(d["champion"]["metrics"]) == sorted(d["metrics"])')" "True" "same metric set"
assert_eq "$(field "$J" 'all(abs(v["delta"] - (d["metrics"][k] - d["champion"]["metrics"][k])) < 1e-12 for k, v in d["deltas"].items())')" "True" "deltas are candidate - champion"
assert_contains "$(field "$J" 'd["promote_command"]')" 'mlo promote flights:3 --to champion --reason "' "promote command"
assert_eq "$(sha256sum "$STORE/models/flights/aliases/champion.yaml")" "$alias_before" "alias not moved"
M3=$(manifest flights:3)
assert_eq "$(field "$M3" 'd["training"]["eval"]["champion"]["version"]')" "1" "training.eval.champion"
assert_eq "$(field "$M3" 'sorted(d["artifacts"])')" "['baseline', 'comparison', 'model', 'monitoring', 'preprocess', 'recipe']" "artifacts"
cmp_digest=$(field "$M3" 'd["artifacts"]["comparison"]["digest"]'); hex=${cmp_digest#sha256:}
C=$(cat "$STORE/objects/sha256/${hex:0:2}/${hex:2}")
assert_eq "$(field "$C" 'd["champion"]["version"]')" "1" "comparison stored in the manifest"
assert_eq "$(field "$C" 'd["eval_data"]["digest"]')" "sha256:$(sha256sum eval.csv | cut -d' ' -f1)" "comparison eval digest"
assert_eq "$(field "$C" 'd["champion"]["metrics"]')" "$(field "$J" 'd["champion"]["metrics"]')" "stored champion metrics"

# Refitting v1 on its own data and split reproduces v1: the champion, scored through the normal
# predictor, and the candidate then have the metrics v1 recorded at training time.
expect_rc 0 "refit on the parent's own data" mlo --json retrain flights:1 --data a.csv --dry-run --threads 2
V1M=$(manifest flights:1 | json_get 'json.dumps(d["training"]["eval"]["metrics"])')
assert_eq "$(field "$OUT" 'all(abs(v["delta"]) < 1e-6 for v in d["deltas"].values()) and len(d["deltas"]) == 6')" "True" "champion = candidate on the same rows"
assert_eq "$(field "$OUT" "all(abs(d['champion']['metrics'][k] - v) < 1e-6 for k, v in json.loads('$V1M').items())")" "True" "champion metrics = v1's training metrics"
expect_rc 0 "text output" mlo retrain flights:1 --data b.csv --eval eval.csv --dry-run --threads 2
assert_contains "$OUT" "flights:1 (@champion)" "table names the champion"
assert_contains "$OUT" "auc" "table lists metrics"
assert_contains "$ERR" "dry run" "dry run said"

# Holdout: both models on the same held-out rows of the new data.
expect_rc 0 "retrain with a holdout" mlo --json retrain flights:1 --data b.csv --holdout 0.25 --threads 2
assert_contains "$(field "$OUT" 'd["eval_data"]["source"]')" "b.csv#holdout=0.25,seed=1" "holdout source"
assert_eq "$(field "$OUT" 'd["eval_data"]["rows"]')" "1500" "holdout rows"
assert_eq "$(field "$OUT" 'd["champion"]["version"]')" "1" "champion compared on the holdout"

# Reproducible: two fresh stores, same data/recipe/seed -> byte-identical model blob.
digests=()
for s in s1 s2; do
  MLO_STORE="$TEST_TMP/$s" "$MLO" init >/dev/null || fail "init $s"
  MLO_STORE="$TEST_TMP/$s" "$MLO" train --config recipe.yaml --data a.csv --param max_depth=3 --threads 2 >/dev/null 2>&1 || fail "train $s"
  MLO_STORE="$TEST_TMP/$s" "$MLO" retrain flights:1 --data b.csv --eval eval.csv --threads 2 >/dev/null 2>&1 || fail "retrain $s"
  digests+=("$(MLO_STORE="$TEST_TMP/$s" "$MLO" --json show flights:2 | json_get 'd.get("manifest", d)["artifacts"]["model"]["digest"]')")
done
TESTS_RUN=$((TESTS_RUN + 1))
assert_eq "${digests[0]}" "${digests[1]}" "byte-identical model blob across stores"
assert_eq "${digests[0]}" "$(field "$M2" 'd["artifacts"]["model"]["digest"]')" "and equal to this store's v2"
pass "retrain is reproducible"

# --if-drift: a report without drift does nothing; one with drift retrains.
expect_rc 0 "drift report: no drift" mlo drift flights:1 --current a.csv --report calm.json --no-record
expect_rc 8 "drift report: drift" mlo drift flights:1 --current b.csv --report drift.json --no-record
before=$(tree_listing "$STORE")
expect_rc 0 "--if-drift without drift" mlo retrain flights:1 --data b.csv --eval eval.csv --if-drift calm.json
assert_eq "$OUT" "" "nothing on stdout"
assert_contains "$ERR" "nothing to do: no drift found in calm.json" "says why"
assert_eq "$(tree_listing "$STORE")" "$before" "nothing registered"
expect_rc 0 "--if-drift with drift" mlo retrain flights:1 --data b.csv --eval eval.csv --if-drift drift.json --threads 2
assert_contains "$OUT" "flights:5" "retrained on drift"
assert_contains "$ERR" "data drift found in drift.json" "says why"

# --search: ranges from the recipe, k-fold CV, every trial in the run record, the best refit.
write_flights_recipe tuned.yaml tuned "{max_depth: 3, eta: 0.3, num_boost_round: 15, seed: 1}"
echo 'search: {max_depth: [2, 4], eta: [0.3]}' >> tuned.yaml
expect_rc 0 "train a recipe with search ranges" mlo train --config tuned.yaml --data a.csv --threads 2
expect_rc 0 "retrain --search grid" mlo --json retrain tuned:1 --data b.csv --eval eval.csv --search grid --folds 2 --threads 2
S=$OUT
assert_eq "$(field "$S" 'len(d["search"]["trials"])')" "2" "every combination tried"
assert_eq "$(field "$S" 'd["search"]["metric"]')" "auc" "ranked by auc"
best=$(field "$S" 'd["search"]["trials"][d["search"]["best"]]["params"]["max_depth"]')
assert_eq "$(field "$S" 'd["manifest"]["training"]["params"]["max_depth"]')" "$best" "best trial refit"
run_key=$(field "$S" 'd["search"]["run"]')
assert_file "$STORE/$run_key"
assert_contains "$(cat "$STORE/$run_key")" "kind: retrain" "run record kind"
assert_eq "$(grep -c 'max_depth:' "$STORE/$run_key")" "2" "every trial in the run record"
expect_error 2 "--trials without --search" mlo retrain tuned:1 --data b.csv --trials 3
expect_error 2 "unknown search mode" mlo retrain tuned:1 --data b.csv --search bayes
expect_error 3 "no search ranges" mlo retrain flights:1 --data b.csv --search random --dry-run

# --dry-run writes nothing.
before=$(tree_listing "$STORE")
expect_rc 0 "--dry-run" mlo retrain flights:1 --data b.csv --eval eval.csv --dry-run
assert_eq "$(tree_listing "$STORE")" "$before" "dry run wrote nothing"

# Bad input: documented exit codes, one error line naming the problem, store unchanged.
echo '{"model": "flights", "verdict": {"drift": "maybe"}}' > bad.json
echo 'not json' > garbage.json
expect_error 4 "missing data" mlo retrain flights:1 --data nope.csv
assert_contains "$ERR" "nope.csv" "names the file"
expect_error 4 "missing eval" mlo retrain flights:1 --data b.csv --eval nope.csv
expect_error 3 "malformed report" mlo retrain flights:1 --data b.csv --if-drift bad.json
assert_contains "$ERR" "bad.json" "names the report"
expect_error 3 "not JSON" mlo retrain flights:1 --data b.csv --if-drift garbage.json
assert_contains "$ERR" "garbage.json" "names the report"
expect_error 4 "missing report" mlo retrain flights:1 --data b.csv --if-drift none.json
expect_error 4 "unknown model" mlo retrain nope:1 --data b.csv
expect_error 4 "unknown version" mlo retrain flights:99 --data b.csv
expect_error 2 "--eval with --holdout" mlo retrain flights:1 --data b.csv --eval eval.csv --holdout 0.3
head -c 300 b.csv | cut -d, -f1-3 > narrow.csv
expect_error 3 "data without the recipe's columns" mlo retrain flights:1 --data narrow.csv
assert_eq "$(tree_listing "$STORE")" "$before" "store unchanged by bad input"

finish
