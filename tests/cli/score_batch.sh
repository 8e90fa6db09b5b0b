#!/usr/bin/env bash
# mlo score-batch: scores equal XGBoost's own predictions (Python inplace_predict on the same
# model and the same encoding) to 1e-6, for numeric, categorical (incl. unseen) and missing
# values; compressed inputs, shards, JSON Lines and stdin/stdout give the same scores; bad
# inputs fail with one line, a documented exit code and no output file.
source "$(dirname "$0")/common.sh"
require_python xgboost pandas yaml

mlo init >/dev/null 2>&1 || fail "mlo init"
gen_data --rows 6000 --seed 11 --out train.csv
gen_data --rows 4000 --seed 12 --id-start 100000 --null-rate 0.05 --new-category ZZZ --new-category-share 0.1 --out test.csv

# Train in Python, write the preprocess spec (categories from the training data) and the model.
export PYTHONPATH="$MLO_SOURCE_DIR/tests/python${PYTHONPATH:+:$PYTHONPATH}"
cat > train.py <<'PY'
import sys, numpy as np, xgboost as xgb, yaml
from reference_encoding import read, encode, flights_spec
df = read("train.csv")
spec = flights_spec(df)
x = encode(df, spec)
booster = xgb.train({"objective": sys.argv[1], "max_depth": 5, "eta": 0.3, "nthread": 1,
                     **({"num_class": 3} if sys.argv[1].startswith("multi") else {})},
                    xgb.DMatrix(x, label=(df["delayed"] if not sys.argv[1].startswith("multi") else df["hour"] % 3),
                                missing=np.nan), num_boost_round=25)
booster.save_model(sys.argv[2])
with open("spec.yaml", "w") as f:
    yaml.safe_dump(spec, f, default_flow_style=None)
PY
cat > compare.py <<'PY'
import sys, numpy as np, pandas as pd, xgboost as xgb, yaml
from reference_encoding import read, encode
model, data, scored, cols = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
spec = yaml.safe_load(open("spec.yaml"))
booster = xgb.Booster(model_file=model)
want = booster.inplace_predict(encode(read(data), spec), missing=np.nan)
got = pd.read_json(scored, lines=True) if scored.endswith(".jsonl") else pd.read_csv(scored)
want = want.reshape(len(want), -1)
assert len(got) == len(want), f"{len(got)} rows, want {len(want)}"
diff = np.abs(got[cols].to_numpy(dtype=np.float64) - want).max() if len(want) else 0.0
assert diff <= 1e-6, f"max abs diff {diff}"
if "label" in got and want.shape[1] == 1:
    assert (got["label"].to_numpy() == (want[:, 0] >= 0.5).astype(int)).all(), "labels differ"
if "label" in got and want.shape[1] > 1:
    assert (got["label"].to_numpy() == want.argmax(axis=1)).all(), "argmax labels differ"
ids = read(data)["id"].to_numpy()
if "id" in got:
    assert (got["id"].to_numpy() == ids).all(), "id column / row order differs"
print(f"max abs diff {diff:.3g} over {len(want)} rows")
PY
"$SYSTEM_PYTHON" train.py binary:logistic model.json || fail "python training"
expect_rc 0 "register the python model with its preprocess spec" mlo register flights --model model.json --preprocess spec.yaml

# 1. Same scores as XGBoost in Python (numeric, categorical, unseen ZZZ, missing values).
expect_rc 0 "score-batch csv" mlo score-batch flights --input test.csv --output out.csv --columns id --threads 2
assert_eq "$(head -n1 out.csv)" "id,score,label" "output header"
"$SYSTEM_PYTHON" compare.py model.json test.csv out.csv score >cmp.txt 2>&1 || fail "scores differ from xgboost: $(cat cmp.txt)"
pass "scores equal Python xgboost inplace_predict to 1e-6 ($(cat cmp.txt))"
assert_contains "$ERR" "not seen in training" "unseen categories reported"

# 2. Compressed inputs and chunk sizes give byte-identical output; the engines agree.
gzip -k test.csv && zstd -q -k test.csv && xz -k test.csv
cp test.csv.gz test-nosuffix.csv
for input in test.csv.gz test.csv.zst test.csv.xz test-nosuffix.csv; do
  expect_rc 0 "score $input" mlo score-batch flights --input "$input" --output "out-$input.csv" --columns id
  cmp -s out.csv "out-$input.csv" || fail "$input: output differs from the plain input's"
done
expect_rc 0 "tiny chunks, 3 threads" mlo score-batch flights -i test.csv -o out-small.csv --columns id --chunk-kib 16 --threads 3
cmp -s out.csv out-small.csv || fail "chunking changed the output"
expect_rc 0 "xgboost engine" mlo score-batch flights -i test.csv -o out-xgb.csv --columns id --engine xgboost
"$SYSTEM_PYTHON" compare.py model.json test.csv out-xgb.csv score >/dev/null 2>&1 || fail "xgboost engine differs"
pass "gz/zst/xz inputs, content-detected compression and chunk sizes give identical output"

# 3. stdin/stdout, compressed output by extension, JSON Lines both ways.
"$MLO" score-batch flights --input - --output - --columns id <test.csv.gz >out-stdio.csv 2>/dev/null || fail "stdin/stdout"
cmp -s out.csv out-stdio.csv || fail "stdin/stdout output differs"
expect_rc 0 "gzip output" mlo score-batch flights -i test.csv -o out.csv.gz --columns id
gzip -dc out.csv.gz | cmp -s out.csv - || fail "gz output differs"
"$SYSTEM_PYTHON" -c "import pandas as pd; pd.read_csv('test.csv', keep_default_na=False, dtype=str).to_json('test.jsonl', orient='records', lines=True)"
expect_rc 0 "jsonl in, jsonl out" mlo score-batch flights -i test.jsonl -o out.jsonl --columns id
head -n1 out.jsonl | grep -q '^{"id":100000,"score":' || fail "jsonl output shape: $(head -n1 out.jsonl)"
"$SYSTEM_PYTHON" compare.py model.json test.csv out.jsonl score >/dev/null 2>&1 || fail "jsonl scores differ"
pass "stdin/stdout, .gz output and JSON Lines"

# 4. Shards: disjoint, complete, deterministic.
for k in 0 1 2; do
  expect_rc 0 "shard $k/3" mlo score-batch flights -i test.csv -o "shard$k.csv" --columns id --shard "$k/3"
done
cat <(tail -n +2 shard0.csv) <(tail -n +2 shard1.csv) <(tail -n +2 shard2.csv) | sort >shards.txt
tail -n +2 out.csv | sort | cmp -s - shards.txt || fail "shards do not partition the rows"
assert_eq "$(sed -n 2p shard1.csv | cut -d, -f1)" "100001" "shard 1/3 starts at row index 1"
pass "shards partition the input by row index % N"

# 5. --json summary and the run record.
expect_rc 0 "json summary" mlo --json score-batch flights -i test.csv.gz -o out2.csv --columns id
assert_eq "$(printf '%s' "$OUT" | json_get 'd["rows"]["out"]')" "4000" "rows out"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["input"]["compression"]')" "gzip" "input compression"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["input"]["digest"]')" "sha256:$(sha256sum test.csv.gz | cut -d' ' -f1)" "input digest"
record=$(printf '%s' "$OUT" | json_get 'd["run_record"]')
store_get "$record" >record.yaml || fail "run record $record is not in the store"
grep -q "kind: score" record.yaml || fail "run record content"
grep -q "out: 4000" record.yaml || fail "run record rows"
run_id=$(printf '%s' "$OUT" | json_get 'd["run_id"]')
assert_eq "$(basename "$record" .yaml)" "$run_id" "run record is stored under the run id it reports"
pass "run record written: $record"

# 6. Multiclass and regression tasks.
"$SYSTEM_PYTHON" train.py multi:softprob model3.json || fail "python multiclass training"
expect_rc 0 "register multiclass" mlo register flights3 --model model3.json --preprocess spec.yaml
expect_rc 0 "score multiclass" mlo score-batch flights3 -i test.csv -o out3.csv --columns id
assert_eq "$(head -n1 out3.csv)" "id,score_0,score_1,score_2,label" "multiclass header"
"$SYSTEM_PYTHON" compare.py model3.json test.csv out3.csv score_0,score_1,score_2 >/dev/null 2>&1 || fail "multiclass scores differ"
"$SYSTEM_PYTHON" train.py reg:squarederror modelr.json || fail "python regression training"
expect_rc 0 "register regression" mlo register flightsr --model modelr.json --preprocess spec.yaml
expect_rc 0 "score regression" mlo score-batch flightsr -i test.csv -o outr.csv --no-columns
assert_eq "$(head -n1 outr.csv)" "score" "regression header"
"$SYSTEM_PYTHON" compare.py modelr.json test.csv outr.csv score >/dev/null 2>&1 || fail "regression scores differ"
pass "multiclass probabilities + argmax and regression scores match xgboost"

# 7. Bad inputs: one line, documented exit code, no output left behind.
head -n1 test.csv >header.csv
expect_rc 0 "header only is valid" mlo score-batch flights -i header.csv -o out-h.csv --columns id
assert_eq "$(cat out-h.csv)" "id,score,label" "header-only output"
cut -d, -f1-7,9- test.csv >no-origin.csv
expect_error 3 "missing feature column" mlo score-batch flights -i no-origin.csv -o bad.csv
assert_contains "$ERR" "missing feature column 'origin'"
awk 'NR==50{$0="50,1,2,3,4,5,far,ABC,DEF,0"}1' test.csv >text.csv
expect_error 3 "non-numeric value" mlo score-batch flights -i text.csv -o bad.csv
assert_contains "$ERR" "line 50: column 'distance': 'far' is not a number"
expect_rc 0 "--on-bad-row skip" mlo --json score-batch flights -i text.csv -o skip.csv --on-bad-row skip --columns id
assert_eq "$(printf '%s' "$OUT" | json_get 'd["rows"]["skipped"]')" "1" "skipped count"
assert_eq "$(($(wc -l <skip.csv) - 1))" "3999" "rows written with skip"
awk 'NR==70{$0="1,2,3"}1' test.csv >ragged.csv
expect_error 3 "ragged row" mlo score-batch flights -i ragged.csv -o bad.csv
assert_contains "$ERR" "line 70: expected 10 fields, got 3"
head -c 20000 test.csv.gz >trunc.csv.gz
expect_error 3 "truncated gzip" mlo score-batch flights -i trunc.csv.gz -o bad.csv
assert_contains "$ERR" "truncated or corrupt gzip data"
: >empty.csv
expect_error 3 "empty file" mlo score-batch flights -i empty.csv -o bad.csv
assert_contains "$ERR" "empty input"
head -c 100000 /dev/urandom >garbage.csv
expect_error 3 "binary garbage" mlo score-batch flights -i garbage.csv -o bad.csv
expect_error 4 "unknown model" mlo score-batch nosuch -i test.csv -o bad.csv
expect_error 4 "missing input file" mlo score-batch flights -i nosuch.csv -o bad.csv
expect_error 4 "output directory missing" mlo score-batch flights -i test.csv -o nodir/out.csv
expect_error 3 "missing passthrough column" mlo score-batch flights -i test.csv -o bad.csv --columns nosuch
expect_error 2 "bad shard" mlo score-batch flights -i test.csv -o bad.csv --shard 3/3
expect_error 2 "bad engine" mlo score-batch flights -i test.csv -o bad.csv --engine gpu
assert_no_file bad.csv
assert_no_file nodir
leftovers=$(find . -maxdepth 1 -name '.*tmp*' | wc -l)
assert_eq "$leftovers" "0" "no temp files left behind"
cp out.csv keep.csv
expect_error 3 "failed run keeps the old output" mlo score-batch flights -i ragged.csv -o keep.csv
cmp -s out.csv keep.csv || fail "a failed run changed an existing output"

# 8. A model registered without a spec scores numeric features by name (f0, f1, ...).
"$SYSTEM_PYTHON" - <<'PY' || fail "python plain model"
import numpy as np, pandas as pd, xgboost as xgb
rng = np.random.default_rng(3)
x = rng.normal(size=(500, 3)).astype(np.float32)
x[rng.random(x.shape) < 0.1] = np.nan
b = xgb.train({"objective": "binary:logistic", "max_depth": 3}, xgb.DMatrix(x, label=(rng.random(500) < 0.5), missing=np.nan), 10)
b.save_model("plain.json")
pd.DataFrame(x, columns=["f0", "f1", "f2"]).to_csv("plain.csv", index=False)
np.savetxt("plain-want.txt", b.inplace_predict(x, missing=np.nan))
PY
expect_rc 0 "register without a spec" mlo register plain --model plain.json
expect_rc 0 "score without a spec" mlo score-batch plain -i plain.csv -o plain-out.csv
"$SYSTEM_PYTHON" -c "
import numpy as np, pandas as pd
got = pd.read_csv('plain-out.csv')['score'].to_numpy(); want = np.loadtxt('plain-want.txt')
assert np.abs(got - want).max() <= 1e-6" || fail "plain model scores differ"
pass "model without preprocess spec"
finish
