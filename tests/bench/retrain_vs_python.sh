#!/usr/bin/env bash
# Retrain benchmark (Release build), same data, parameters and threads for both contenders:
#   mlo retrain flights@champion --data new.csv --eval eval.csv --threads 2
# vs a Python script doing the same work: pandas read of both files, the same encoding (levels
# by frequency), xgboost.train with the same params and nthread, the eval set watched, early
# stopping, final metrics, the champion's model scored on the eval set with its own encoding,
# and the candidate model saved. mlo additionally profiles the training data (drift baseline)
# and writes the version to the store. Target: mlo wall time <= 1.1x Python's.
# Usage: MLO=build/apps/mlo/mlo bash tests/bench/retrain_vs_python.sh
#        (ROWS=300000 new rows, EVAL_ROWS=100000, ROUNDS=200, RUNS=1 by default)
. "$(dirname "$0")/common.sh"
require_release
ROWS=${ROWS:-300000}
EVAL_ROWS=${EVAL_ROWS:-100000}
ROUNDS=${ROUNDS:-200}
RUNS=${RUNS:-1}
THREADS=${THREADS:-2}
export MLO_ACTOR=bench MLO_STORE="$BENCH_TMP/store"
cd "$BENCH_TMP" || exit 2
"$SYSTEM_PYTHON" -c "import xgboost, pandas, yaml, scipy" 2>/dev/null || bench_die "needs /usr/bin/python3 with xgboost, pandas, yaml, scipy"

echo "== data: $ROWS rows to retrain on (month B), $EVAL_ROWS eval rows, $ROWS for v1 (month A)"
gen() { "$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/examples/gen_data.py" "$@"; }
gen --rows "$ROWS" --seed 1 --out a.csv
gen --rows "$ROWS" --seed 2 --distance-shift 150 --out new.csv
gen --rows "$EVAL_ROWS" --seed 3 --distance-shift 150 --out eval.csv
figure "new data size" "$(du -m new.csv | cut -f1)" "MB"
cat > recipe.yaml <<YAML
name: flights
task: binary
target: delayed
id: id
features:
  numeric: [month, day, dow, hour, minute, distance]
  categorical: [origin, dest]
params: {max_depth: 6, eta: 0.1, num_boost_round: $ROUNDS, tree_method: hist, seed: 1}
early_stopping_rounds: 20
YAML
"$MLO" init >/dev/null || bench_die "init"
"$MLO" train --config recipe.yaml --data a.csv --threads "$THREADS" >/dev/null 2>&1 || bench_die "train v1"
# v1 becomes the champion, written the way promote writes the alias.
digest=$(sha256sum "$MLO_STORE/models/flights/versions/1.yaml" | cut -d' ' -f1)
mkdir -p "$MLO_STORE/models/flights/aliases"
printf 'version: 1\nmanifest: sha256:%s\nevent: 0\n' "$digest" > "$MLO_STORE/models/flights/aliases/champion.yaml"
blob() {
  local d; d=$("$MLO" --json show flights:1 | "$SYSTEM_PYTHON" -c "import json,sys; d=json.load(sys.stdin); print(d.get('manifest', d)['artifacts']['$1']['digest'])")
  d=${d#sha256:}; echo "$MLO_STORE/objects/sha256/${d:0:2}/${d:2}"
}
cp "$(blob model)" champion.ubj && cp "$(blob preprocess)" champion.yaml || bench_die "champion artifacts"

export PYTHONPATH="$MLO_SOURCE_DIR/tests/python${PYTHONPATH:+:$PYTHONPATH}"
cat > retrain.py <<'PY'
import json, sys
import numpy as np, xgboost as xgb, yaml
from scipy.stats import rankdata
from reference_encoding import read, encode, NUMERIC
rounds, threads = int(sys.argv[1]), int(sys.argv[2])

def metrics(y, p):
    y = y.astype(float); pos = y > 0.5; n1 = pos.sum(); n0 = len(y) - n1
    r = rankdata(p); auc = (r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)
    q = np.clip(p, 1e-15, 1 - 1e-15); logloss = -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))
    lab = p >= 0.5; tp = (lab & pos).sum(); fp = (lab & ~pos).sum(); fn = (~lab & pos).sum()
    prec = tp / (tp + fp) if tp + fp else 0.0; rec = tp / (tp + fn) if tp + fn else 0.0
    return {"auc": auc, "logloss": logloss, "accuracy": float((lab == pos).mean()),
            "precision": prec, "recall": rec, "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}

df, ev = read("new.csv"), read("eval.csv")
df = df[df["delayed"].notna()]
def levels(s):
    c = s.dropna().value_counts()
    return sorted(c.index, key=lambda k: (-c[k], k))
spec = {"features": [{"name": n, "type": "numeric"} for n in NUMERIC] +
        [{"name": c, "type": "categorical", "categories": levels(df[c])} for c in ("origin", "dest")]}
dtrain = xgb.DMatrix(encode(df, spec), label=df["delayed"], missing=np.nan, nthread=threads)
deval = xgb.DMatrix(encode(ev, spec), label=ev["delayed"], missing=np.nan, nthread=threads)
params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "tree_method": "hist",
          "seed": 1, "nthread": threads}
b = xgb.train(params, dtrain, rounds, evals=[(deval, "eval")], early_stopping_rounds=20, verbose_eval=False)
cand = metrics(ev["delayed"].to_numpy(), b.predict(deval, iteration_range=(0, b.best_iteration + 1)))
champ_spec = yaml.safe_load(open("champion.yaml"))
champ = xgb.Booster(model_file="champion.ubj"); champ.set_param({"nthread": threads})
champ_m = metrics(ev["delayed"].to_numpy(), champ.inplace_predict(encode(ev, champ_spec), missing=np.nan))
b.save_model("candidate.ubj")
json.dump({"candidate": cand, "champion": champ_m, "best_iteration": b.best_iteration}, open("python.json", "w"))
PY

echo "== retrain: mlo vs python ($THREADS threads, best of $RUNS)"
MLO_MS=$(best_ms "$RUNS" "$MLO" retrain flights@champion --data new.csv --eval eval.csv --threads "$THREADS" --dry-run)
PY_MS=$(best_ms "$RUNS" "$SYSTEM_PYTHON" retrain.py "$ROUNDS" "$THREADS")
"$MLO" --json retrain flights@champion --data new.csv --eval eval.csv --threads "$THREADS" > mlo.json 2>/dev/null || bench_die "mlo retrain"
figure "mlo retrain (dry run)" "$MLO_MS" "ms"
figure "python xgboost.train + metrics" "$PY_MS" "ms"
"$SYSTEM_PYTHON" - <<'PY'
import json
m, p = json.load(open("mlo.json")), json.load(open("python.json"))
for who, a, b in (("candidate", m["metrics"], p["candidate"]), ("champion", m["champion"]["metrics"], p["champion"])):
    print("info  %-48s %12.6f vs %.6f (mlo vs python)" % (who + " auc", a["auc"], b["auc"]))
print("info  %-48s %12d vs %d" % ("best iteration", m["best_iteration"], p["best_iteration"]))
PY
target "retrain wall time mlo / python" "$(ratio "$MLO_MS" "$PY_MS")" "<=" 1.1 "x"
bench_finish
