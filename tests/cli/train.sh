#!/usr/bin/env bash
# mlo train: trains from a recipe, registers a complete version, validates recipes (exit 3,
# store unchanged) and writes nothing under --dry-run.
source "$(dirname "$0")/common.sh"

mlo init >/dev/null || fail "init"
gen_data --rows 20000 --seed 1 --out train.csv || fail "gen_data"
gen_data --rows 5000 --seed 2 --out eval.csv || fail "gen_data eval"
write_flights_recipe recipe.yaml flights-delay "{max_depth: 6, eta: 0.2, num_boost_round: 30, tree_method: hist, seed: 42}"
echo 'early_stopping_rounds: 5' >> recipe.yaml

expect_rc 0 "train binary" mlo train --config recipe.yaml --data train.csv
assert_eq "$OUT" "flights-delay:1" "train prints the ref"
expect_rc 0 "show --json" mlo --json show flights-delay:1
M=$(printf '%s' "$OUT" | json_get 'json.dumps(d.get("manifest", d))')
get() { printf '%s' "$M" | json_get "$1"; }
assert_eq "$(get 'd["task"]')" "binary" "task"
assert_eq "$(get 'sorted(d["artifacts"])')" "['baseline', 'model', 'monitoring', 'preprocess', 'recipe']" "artifacts"
assert_eq "$(get 'd["artifacts"]["model"]["media_type"]')" "application/ubjson" "model media type"
assert_eq "$(get '[f["name"] for f in d["schema"]["features"]]')" \
  "['month', 'day', 'dow', 'hour', 'minute', 'distance', 'origin', 'dest']" "features in model order"
assert_eq "$(get 'd["schema"]["target"]["name"]')" "delayed" "target"
assert_eq "$(get 'd["schema"]["passthrough"]')" "['id']" "passthrough"
assert_eq "$(get 'd["training"]["data"]["rows"]')" "20000" "training rows"
assert_eq "$(get 'd["training"]["eval"]["data"]["rows"]')" "4000" "holdout rows"
assert_eq "$(get 'd["training"]["params"]["num_boost_round"]')" "30" "num_boost_round recorded"
assert_eq "$(get '0 <= int(d["training"]["params"]["best_iteration"]) < 30')" "True" "best_iteration recorded"
assert_eq "$(get 'd["training"]["eval"]["metrics"]["auc"] > 0.6')" "True" "AUC > 0.6"
assert_eq "$(get '0 < d["training"]["eval"]["metrics"]["logloss"] < 0.69')" "True" "log-loss sane"
assert_eq "$(get 'sorted(d["training"]["eval"]["metrics"])')" \
  "['accuracy', 'auc', 'f1', 'logloss', 'precision', 'recall']" "binary metrics"
assert_eq "$(get 'd["environment"]["xgboost"]')" "1.7.4" "environment xgboost"
sha=$(sha256sum train.csv | cut -d' ' -f1)
assert_eq "$(get 'd["training"]["data"]["digest"]')" "sha256:$sha" "training data digest"

# The stored artifacts are what they claim to be.
TESTS_RUN=$((TESTS_RUN + 1))
model_digest=$(get 'd["artifacts"]["model"]["digest"]'); hex=${model_digest#sha256:}
assert_file "$STORE/objects/sha256/${hex:0:2}/${hex:2}"
recipe_digest=$(get 'd["artifacts"]["recipe"]["digest"]')
assert_eq "$recipe_digest" "sha256:$(sha256sum recipe.yaml | cut -d' ' -f1)" "recipe stored as given"
pass "artifacts stored"

# --eval file, --name and --param overrides, JSON output.
expect_rc 0 "train with --eval" mlo --json train --config recipe.yaml --data train.csv --eval eval.csv \
  --name other --param num_boost_round=12 --param early_stopping_rounds=0
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ref"]')" "other:1" "--name"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["rounds"]')" "12" "--param num_boost_round"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["manifest"]["training"]["eval"]["data"]["rows"]')" "5000" "eval rows"

# Regression.
gen_data --rows 8000 --seed 3 --task regression --out reg.csv || fail "gen_data regression"
cat > reg.yaml <<'YAML'
name: flights-minutes
task: regression
target: delay_minutes
id: [id]
features:
  numeric: [month, hour, distance]
  categorical: [origin]
params: {max_depth: 4, num_boost_round: 20}
YAML
expect_rc 0 "train regression" mlo --json train --config reg.yaml --data reg.csv --holdout 0.25
assert_eq "$(printf '%s' "$OUT" | json_get 'sorted(d["metrics"])')" "['mae', 'r2', 'rmse']" "regression metrics"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["metrics"]["r2"] > 0.3')" "True" "R2 sane"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["objective"]')" "reg:squarederror" "regression objective"

# Bad recipes and data: exit 3, one error line naming the problem, store unchanged.
before=$(tree_listing "$STORE")
sed 's/task: binary/task: ranking/' recipe.yaml > bad-task.yaml
expect_error 3 "unknown task" mlo train --config bad-task.yaml --data train.csv
assert_contains "$ERR" "task"
sed 's/target: delayed/target: late/' recipe.yaml > bad-target.yaml
expect_error 3 "missing target column" mlo train --config bad-target.yaml --data train.csv
assert_contains "$ERR" "late"
sed 's/categorical: \[origin, dest\]/categorical: [origin, gate]/' recipe.yaml > bad-col.yaml
expect_error 3 "missing feature column" mlo train --config bad-col.yaml --data train.csv
assert_contains "$ERR" "gate"
printf 'name: x\ntask: [binary\n' > bad.yaml
expect_error 3 "bad YAML" mlo train --config bad.yaml --data train.csv
expect_error 2 "holdout out of range (usage error, issue 12)" mlo train --config recipe.yaml --data train.csv --holdout 1.5
assert_contains "$ERR" "holdout"
expect_error 2 "holdout zero" mlo train --config recipe.yaml --data train.csv --holdout 0
sed 's/max_depth: 6/max_depth: deep/' recipe.yaml > bad-param.yaml
expect_error 3 "bad XGBoost parameter" mlo train --config bad-param.yaml --data train.csv
sed 's/^task: binary/task: binary\ncolour: red/' recipe.yaml > bad-field.yaml
expect_error 3 "unknown recipe field" mlo train --config bad-field.yaml --data train.csv
assert_contains "$ERR" "colour"
expect_error 3 "binary labels checked" mlo train --config recipe.yaml --data reg.csv --param objective=binary:logistic \
  --name labels-check
expect_error 2 "malformed --param" mlo train --config recipe.yaml --data train.csv --param nonsense
assert_eq "$(tree_listing "$STORE")" "$before" "store unchanged after failures"

# --dry-run trains and reports but writes nothing.
expect_rc 0 "dry run" mlo train --config recipe.yaml --data train.csv --dry-run
assert_eq "$OUT" "flights-delay:2" "dry run reports the next version"
assert_eq "$(tree_listing "$STORE")" "$before" "dry run wrote nothing"
finish
