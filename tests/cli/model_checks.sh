#!/usr/bin/env bash
# Hostile or unsupported model files: register refuses them with exit 3 and one line naming
# what is wrong, leaves the store as it was, and stays within 512 MB and 60 s; score-batch's
# native engine refuses a format version it has not verified, naming it.
. "$(dirname "$0")/common.sh"
"$SYSTEM_PYTHON" -c 'import xgboost' 2>/dev/null || {
  [ "${CI:-}" = true ] && fail "python3-xgboost missing under CI=true"
  skip "python3-xgboost missing"
}
mlo init >/dev/null
make_tiny_model good.json 3

# mutate NAME PYTHON-STATEMENT: writes NAME.json, good.json with `d` changed by the statement.
mutate() {
  "$SYSTEM_PYTHON" - "$1" "$2" <<'PY' || fail "mutate $1"
import json, sys
d = json.load(open("good.json"))
t = d["learner"]["gradient_booster"]["model"]["trees"][0]
exec(sys.argv[2])
json.dump(d, open(sys.argv[1] + ".json", "w"))
PY
}
mutate num_feature 'd["learner"]["learner_model_param"]["num_feature"] = "1000000000"'
mutate num_nodes 't["tree_param"]["num_nodes"] = "1000000000"'
mutate child 't["left_children"][0] = 123456789'
mutate cycle 't["left_children"][t["left_children"][0]] = t["left_children"][0] if t["left_children"][t["left_children"][0]] > 0 else 0'
mutate version 'd["version"] = [2, 1, 0]'
mutate arrays 't["split_conditions"] = t["split_conditions"] * 1000'

before=$(tree_listing "$STORE")
for case in num_feature:num_feature num_nodes:num_nodes child:"out of range" cycle:"" \
            version:"format version 2.1.0" arrays:"different lengths"; do
  name=${case%%:*} want=${case#*:}
  expect_error 3 "register refuses the $name model" mlo register m --model "$name.json"
  assert_contains "$ERR" "$name.json" "$name: message names the file"
  [ -n "$want" ] && assert_contains "$ERR" "$want" "$name: message says why"
done
assert_eq "$(tree_listing "$STORE")" "$before" "store unchanged after refused models"

# A big hostile model (a UBJSON array declaring 2^40 nodes, then a 40 MB JSON whose tree
# declares a billion nodes) stays well inside 512 MB and 60 s.
"$SYSTEM_PYTHON" - <<'PY' || fail "make big hostile models"
import json
d = json.load(open("good.json"))
t = d["learner"]["gradient_booster"]["model"]["trees"][0]
n = 1_000_000
t["tree_param"]["num_nodes"] = "1000000000"
for k in ("left_children", "right_children", "parents", "split_indices", "split_type", "default_left"):
    t[k] = [-1] * n if "children" in k else [0] * n
for k in ("split_conditions", "base_weights", "loss_changes", "sum_hessian"):
    t[k] = [0.5] * n
json.dump(d, open("huge.json", "w"))
# UBJSON: {"version": [...], "learner": {"gradient_booster": {"model": {"trees": [{"left_children":
# [$i#L 2^40 ...  (truncated: the count alone must be refused)
def key(s): return b"i" + bytes([len(s)]) + s.encode()
blob = (b"{" + key("learner") + b"{" + key("gradient_booster") + b"{" + key("model") + b"{" +
        key("trees") + b"[{" + key("left_children") + b"[$i#L" + (1 << 40).to_bytes(8, "big"))
open("huge.ubj", "wb").write(blob)
PY
for f in huge.json huge.ubj; do
  t0=$(date +%s)
  /usr/bin/time -v "$MLO" register m --model "$f" >/dev/null 2>time.txt
  rc=$?
  secs=$(($(date +%s) - t0))
  rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' time.txt)
  TESTS_RUN=$((TESTS_RUN + 1))
  [ "$rc" = 3 ] || fail "$f: exit $rc, want 3: $(head -n 3 time.txt)"
  [ "$rss" -lt $((512 * 1024)) ] || fail "$f: peak RSS $rss KiB >= 512 MiB"
  [ "$secs" -lt 60 ] || fail "$f: took $secs s"
  pass "$f refused in ${secs}s with peak RSS $((rss / 1024)) MiB"
done
assert_eq "$(tree_listing "$STORE")" "$before" "store unchanged after huge models"

# A 1.x format version other than the verified 1.7: XGBoost scores it, the native engine
# refuses it by name.
mutate v16 'd["version"] = [1, 6, 2]'
expect_rc 0 "register a 1.6.2 model" mlo register old --model v16.json
printf 'f0,f1,f2\n0.1,0.2,0.3\n0.9,0.5,0.1\n' >rows.csv
expect_error 3 "native engine refuses format 1.6.2" mlo score-batch old -i rows.csv -o out.csv --engine native
assert_contains "$ERR" "1.6.2" "message names the version"
assert_no_file out.csv
expect_rc 0 "auto engine falls back to XGBoost" mlo score-batch old -i rows.csv -o out.csv
assert_eq "$(wc -l <out.csv)" 3 "two scored rows and a header"

# A model trained in pandas with native categorical features: XGBoost's JSON writes its
# categorical split conditions as bare NaN tokens. It registers (names and types taken from the
# model), the auto engine scores it through XGBoost exactly as Python does, and the native
# engine refuses it by saying why.
"$SYSTEM_PYTHON" - <<'PY' || fail "python categorical model"
import numpy as np, pandas as pd, xgboost as xgb
rng = np.random.default_rng(0)
df = pd.DataFrame({"a": rng.normal(size=400),
                   "c": pd.Categorical(rng.choice(list("abcde"), 400), categories=list("abcde"))})
y = ((df.a > 0) ^ df.c.isin(["a", "b"])).astype(int)
b = xgb.train({"tree_method": "hist", "max_depth": 3, "objective": "binary:logistic",
               "max_cat_to_onehot": 1}, xgb.DMatrix(df, y, enable_categorical=True), 5)
b.save_model("cat.json")
df.insert(0, "id", range(len(df)))
df.to_csv("cat.csv", index=False)
np.savetxt("cat-py.txt", b.predict(xgb.DMatrix(df[["a", "c"]], enable_categorical=True)), fmt="%.9g")
PY
grep -q NaN cat.json || fail "the categorical model has no NaN split condition (test premise)"
expect_rc 0 "preprocess init for the categorical model" mlo preprocess init --from cat.csv \
  --features a c --categorical c --sorted-categories -o cat-spec.yaml
expect_rc 0 "register a model with NaN split conditions" mlo register catm --model cat.json --preprocess cat-spec.yaml
expect_rc 0 "score it (auto engine)" mlo score-batch catm -i cat.csv -o cat-scores.csv
"$SYSTEM_PYTHON" -c '
import sys, numpy as np, pandas as pd
d = np.abs(pd.read_csv("cat-scores.csv")["score"].to_numpy() - np.loadtxt("cat-py.txt")).max()
sys.exit(0 if d <= 1e-6 else f"max |mlo - xgboost| = {d}")' || fail "categorical scores differ from Python"
pass "categorical scores equal Python's"
expect_error 3 "native engine refuses categorical splits" mlo score-batch catm -i cat.csv -o n.csv --engine native
assert_contains "$ERR" "categorical splits" "message says why"
expect_rc 0 "register without a spec takes names and types from the model" mlo register catn --model cat.json
assert_contains "$(mlo show catn)" "{name: c, type: categorical}" "embedded feature types"
finish
