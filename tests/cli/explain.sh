#!/usr/bin/env bash
# mlo score-batch --explain: per-row top-K SHAP contributions equal XGBoost's own
# Booster.predict(DMatrix, pred_contribs=True) (Python, same model, same encoding) to 1e-5 for a
# binary and a regression model, with both engines and in CSV and JSON Lines; with `all` the
# contributions plus explain_bias sum to the margin; bad K / multiclass / a challenger are exit 2
# with no output.
source "$(dirname "$0")/common.sh"
require_python xgboost pandas yaml

mlo init >/dev/null 2>&1 || fail "mlo init"
gen_data --rows 4000 --seed 21 --out train.csv
gen_data --rows 1500 --seed 22 --id-start 100000 --null-rate 0.05 --new-category ZZZ --new-category-share 0.1 --out test.csv

export PYTHONPATH="$MLO_SOURCE_DIR/tests/python${PYTHONPATH:+:$PYTHONPATH}"
# train.py OBJECTIVE MODEL: a model over numeric and categorical (index-encoded) features.
cat > train.py <<'PY'
import sys, numpy as np, xgboost as xgb, yaml
from reference_encoding import read, encode, flights_spec
df = read("train.csv")
spec = flights_spec(df)
objective = sys.argv[1]
label = (df["delayed"] * 2.0 + df["distance"].fillna(500) / 1000.0) if objective.startswith("reg") else df["delayed"]
params = {"objective": objective, "max_depth": 4, "eta": 0.3, "nthread": 1}
if objective.startswith("multi"):
    params["num_class"] = 3
    label = df["hour"] % 3
booster = xgb.train(params, xgb.DMatrix(encode(df, spec), label=label, missing=np.nan), num_boost_round=20)
booster.save_model(sys.argv[2])
with open("spec.yaml", "w") as f:
    yaml.safe_dump(spec, f, default_flow_style=None)
PY
# compare.py MODEL DATA SCORED K|all: every row's explain entries equal pred_contribs to 1e-5,
# are the K largest |contributions| in order; with all, sum + explain_bias == margin.
cat > compare.py <<'PY'
import sys, json, numpy as np, pandas as pd, xgboost as xgb, yaml
from reference_encoding import read, encode
model, data, scored, k = sys.argv[1:5]
spec = yaml.safe_load(open("spec.yaml"))
names = [f["name"] for f in spec["features"]]
booster = xgb.Booster(model_file=model)
dm = xgb.DMatrix(encode(read(data), spec), missing=np.nan)
contribs = booster.predict(dm, pred_contribs=True)
margin = booster.predict(dm, output_margin=True)
if scored.endswith(".jsonl"):
    got = pd.read_json(scored, lines=True, dtype=False)
    rows = [list(e.items()) for e in got["explain"]]
else:
    got = pd.read_csv(scored, keep_default_na=False)
    rows = [[(i.split("=")[0], float(i.split("=")[1])) for i in e.split(";")] for e in got["explain"]]
assert len(rows) == len(contribs), f"{len(rows)} rows, want {len(contribs)}"
want_k = len(names) if k == "all" else int(k)
worst = worst_sum = 0.0
for r, items in enumerate(rows):
    assert len(items) == want_k, f"row {r}: {len(items)} entries, want {want_k}"
    mags = [abs(v) for _, v in items]
    assert mags == sorted(mags, reverse=True), f"row {r}: not ordered by |contribution|: {items}"
    # the K largest: nothing left out is larger than the smallest listed
    left = [abs(contribs[r][i]) for i, n in enumerate(names) if n not in dict(items)]
    assert not left or max(left) <= mags[-1] + 1e-7, f"row {r}: a larger contribution was left out"
    for name, v in items:
        worst = max(worst, abs(v - contribs[r][names.index(name)]))
    if k == "all":
        bias = float(got["explain_bias"][r])
        assert abs(bias - contribs[r][-1]) <= 1e-5, f"row {r}: bias {bias} vs {contribs[r][-1]}"
        worst_sum = max(worst_sum, abs(sum(v for _, v in items) + bias - margin[r]))
assert worst <= 1e-5, f"max |explain - pred_contribs| {worst}"
assert worst_sum <= 1e-4, f"contributions + bias differ from the margin by {worst_sum}"
print(f"max diff {worst:.2g}, sum-to-margin diff {worst_sum:.2g} over {len(rows)} rows")
PY

for objective in binary:logistic reg:squarederror; do
  name=${objective%%:*}
  "$SYSTEM_PYTHON" train.py "$objective" "$name.json" || fail "python training ($objective)"
  expect_rc 0 "register the $name model" mlo register "$name" --model "$name.json" --preprocess spec.yaml
  for engine in native xgboost; do
    expect_rc 0 "$name/$engine: --explain 3 (csv)" \
      mlo score-batch "$name" -i test.csv -o "$name-$engine.csv" --no-columns --explain 3 --engine "$engine" --threads 2 --chunk-kib 64
    "$SYSTEM_PYTHON" compare.py "$name.json" test.csv "$name-$engine.csv" 3 >cmp.txt 2>&1 || fail "$name/$engine: $(cat cmp.txt)"
    pass "$name/$engine: top-3 explanations equal pred_contribs ($(cat cmp.txt))"
  done
  expect_rc 0 "$name: --explain all (jsonl)" mlo score-batch "$name" -i test.csv -o "$name-all.jsonl" --explain all
  "$SYSTEM_PYTHON" compare.py "$name.json" test.csv "$name-all.jsonl" all >cmp.txt 2>&1 || fail "$name all: $(cat cmp.txt)"
  pass "$name: all contributions + explain_bias sum to the margin ($(cat cmp.txt))"
  expect_rc 0 "$name: --explain all (csv)" mlo score-batch "$name" -i test.csv -o "$name-all.csv" --explain all
  "$SYSTEM_PYTHON" compare.py "$name.json" test.csv "$name-all.csv" all >cmp.txt 2>&1 || fail "$name all csv: $(cat cmp.txt)"
  pass "$name: csv with all features ($(cat cmp.txt))"
done
header=$(head -n1 binary-all.csv)
assert_eq "$header" "score,label,explain,explain_bias" "csv header with explanations"
first=$(sed -n 2p binary-native.csv)
case "$first" in *,[01],[a-z]*=[+-][0-9]*\;[a-z]*=[+-][0-9]*\;[a-z]*=[+-][0-9]*) ;; *) fail "explain field format: $first" ;; esac
pass "csv explain field is feature=+v;feature=-v"
grep -rqx '    explain: "*3"*' "$STORE/runs" || fail "no run record notes explain: 3"
pass "the run record notes --explain 3"

# Usage errors: exit 2, one line, no output file.
for k in 0 6 -1 x 2.5; do
  expect_error 2 "--explain $k" mlo score-batch binary -i test.csv -o bad.csv --explain "$k"
  assert_no_file bad.csv
done
assert_contains "$ERR" "--explain" "the error names the flag"
"$SYSTEM_PYTHON" train.py multi:softprob multi.json || fail "python training (multiclass)"
expect_rc 0 "register the multiclass model" mlo register multi --model multi.json --preprocess spec.yaml
expect_error 2 "--explain on a multiclass model" mlo score-batch multi -i test.csv -o bad.csv --explain 2
assert_contains "$ERR" "multiclass" "the error says why"
assert_no_file bad.csv
expect_error 2 "--explain with --shadow" mlo score-batch binary -i test.csv -o bad.csv --explain 2 --shadow binary
assert_no_file bad.csv
finish
