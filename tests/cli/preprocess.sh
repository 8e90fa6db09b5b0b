#!/usr/bin/env bash
# Models trained elsewhere: `register --model` without --preprocess takes the feature names and
# types embedded by pandas/XGBoost; `mlo preprocess init` writes a spec from data; the Python
# export of pandas category codes (examples/python/export_preprocess.py) gives a spec with which
# mlo's scores equal XGBoost's own predictions.
source "$(dirname "$0")/common.sh"
"$SYSTEM_PYTHON" -c "import xgboost, pandas, yaml" 2>/dev/null || {
  [ "${CI:-}" = true ] && fail "needs /usr/bin/python3 with xgboost, pandas, yaml"
  skip "needs /usr/bin/python3 with xgboost, pandas, yaml"; }
mlo init >/dev/null
gen_data --rows 3000 --seed 1 --levels 20 --out train.csv
gen_data --rows 1000 --seed 2 --levels 20 --id-start 5000 --out batch.csv
"$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/examples/python/export_preprocess.py" train.csv delayed \
  model.json exported.yaml origin dest || fail "export_preprocess.py failed"

# --- embedded names and types ---------------------------------------------------------------------
expect_rc 0 "register without --preprocess" mlo --json register pandas-model --model model.json
expect_rc 0 "show" mlo --json show pandas-model
features=$(printf '%s' "$OUT" | json_get '",".join(f["name"] + ":" + f["type"][0] for f in d["manifest"]["features"])')
assert_eq "$features" "month:n,day:n,dow:n,hour:n,minute:n,distance:n,origin:c,dest:c" "embedded features"
expect_error 3 "categorical model without a spec cannot score" mlo score-batch pandas-model --input batch.csv --output s.csv
assert_contains "$ERR" "preprocess"
assert_no_file s.csv
make_tiny_model plain.json 3
expect_rc 0 "a model without names keeps f0..fN" mlo --json register plain --model plain.json
assert_eq "$(printf '%s' "$OUT" | json_get '[f["name"] for f in d["manifest"]["features"]]')" "['f0', 'f1', 'f2']"

# --- preprocess init ------------------------------------------------------------------------------
feats=month,day,dow,hour,minute,distance,origin,dest
expect_rc 0 "preprocess init to stdout" mlo preprocess init --from train.csv --features $feats
assert_contains "$OUT" "name: origin"
expect_rc 0 "preprocess init --sorted-categories -o" \
  mlo preprocess init --from train.csv --features $feats --sorted-categories -o init.yaml
assert_eq "$OUT" "" "nothing on stdout with -o"
assert_contains "$ERR" "wrote init.yaml"
same=$("$SYSTEM_PYTHON" - init.yaml exported.yaml <<'PY'
import sys, yaml
a, b = (yaml.safe_load(open(p)) for p in sys.argv[1:3])
key = lambda s: [(f["name"], f["type"], f.get("categories")) for f in s["features"]]
print(key(a) == key(b))
PY
)
assert_eq "$same" "True" "init --sorted-categories matches pandas' category codes"
expect_rc 0 "frequency order (default) differs" mlo preprocess init --from train.csv --features origin
expect_rc 0 "forced categorical" mlo preprocess init --from train.csv --features dow --categorical dow
assert_contains "$OUT" "type: categorical"
expect_error 3 "unknown column" mlo preprocess init --from train.csv --features distance,nope -o bad.yaml
assert_contains "$ERR" "nope"
assert_no_file bad.yaml
expect_error 2 "categorical not a feature" mlo preprocess init --from train.csv --features distance --categorical origin
expect_error 2 "feature listed twice" mlo preprocess init --from train.csv --features distance,distance
expect_error 2 "--features required" mlo preprocess init --from train.csv
expect_error 4 "missing data file" mlo preprocess init --from nowhere.csv --features a -o bad.yaml
assert_no_file bad.yaml

# --- the spec makes mlo score like XGBoost ----------------------------------------------------------
expect_rc 0 "register with the init spec" mlo register pandas-model --model model.json --preprocess init.yaml
expect_rc 0 "score-batch" mlo score-batch pandas-model --input batch.csv --output scores.csv
maxdiff=$("$SYSTEM_PYTHON" - <<'PY'
import pandas as pd, xgboost as xgb
df = pd.read_csv("train.csv"); b = pd.read_csv("batch.csv")
booster = xgb.Booster(model_file="model.json")
for c in ("origin", "dest"):
    b[c] = pd.Categorical(b[c], categories=df[c].astype("category").cat.categories)
p = booster.predict(xgb.DMatrix(b[booster.feature_names], enable_categorical=True))
s = pd.read_csv("scores.csv")["score"].to_numpy()
print(abs(p - s).max())
PY
)
assert_eq "$("$SYSTEM_PYTHON" -c "print($maxdiff < 1e-6)")" "True" "mlo scores = XGBoost's (max diff $maxdiff)"
finish
