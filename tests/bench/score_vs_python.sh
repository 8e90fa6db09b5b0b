#!/usr/bin/env bash
# Batch scoring benchmark (Release build), on the same 2 cores for both contenders:
#  1. 3,000,000 rows (examples/gen_data.py: 8 features, origin/dest categorical with 300
#     levels), a 300-tree depth-8 XGBoost model trained in Python and registered with its
#     preprocess spec. `mlo score-batch` vs the Python reference (pandas read_csv -> encode ->
#     Booster.inplace_predict -> to_csv), end to end, same model, same encoding.
#     Targets (issue 15): mlo >= 15x faster, mlo peak RSS <= 10% of Python's. Scores agree
#     to 1e-6.
#  0. The native evaluator alone vs XGBoost predict (tests/bench/native_forest_bench.cpp, built
#     from the binary's build tree): >= 15x on the AVX-512 path, >= 2.5x on the portable path,
#     outputs bit-identical.
#  2. gz and zst inputs give output identical to the plain input's.
#  3. A 2 GB (uncompressed) CSV scores with peak RSS < 256 MB.
# Usage: MLO=build-release/apps/mlo/mlo bash tests/bench/score_vs_python.sh (NF_TRAIN_ROWS=200000)
#        (ROWS=3000000, BIG_MB=2000, TRAIN_ROWS=300000 by default)
. "$(dirname "$0")/common.sh"
require_release
ROWS=${ROWS:-3000000}
TRAIN_ROWS=${TRAIN_ROWS:-300000}
BIG_MB=${BIG_MB:-2000}
CPUS=${CPUS:-0,1}
export MLO_ACTOR=bench MLO_STORE="$BENCH_TMP/store"
cd "$BENCH_TMP" || exit 2

# wall_and_rss CMD...: one run under /usr/bin/time -v; sets WALL_MS and RSS_KB.
wall_and_rss() {
  local t0 t1
  t0=$(now_ns)
  /usr/bin/time -v "$@" >/dev/null 2>"$BENCH_TMP/.timev" || bench_die "command failed: $* ($(tail -n 30 "$BENCH_TMP/.timev"))"
  t1=$(now_ns)
  WALL_MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", (b - a) / 1e6 }')
  RSS_KB=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$BENCH_TMP/.timev")
}

echo "== data: $ROWS rows to score, $TRAIN_ROWS to train"
"$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/examples/gen_data.py" --rows "$TRAIN_ROWS" --seed 1 --out train.csv
"$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/examples/gen_data.py" --rows "$ROWS" --seed 2 --null-rate 0.03 \
  --new-category QQQ --new-category-share 0.01 --no-target --out data.csv
figure "input size" "$(du -m data.csv | cut -f1)" "MB"

export PYTHONPATH="$MLO_SOURCE_DIR/tests/python${PYTHONPATH:+:$PYTHONPATH}"
cat > train.py <<'PY'
import numpy as np, xgboost as xgb, yaml
from reference_encoding import read, encode, NUMERIC
df = read("train.csv")
spec = {"features": [{"name": n, "type": "numeric"} for n in NUMERIC] +
        [{"name": c, "type": "categorical", "categories": sorted(df[c].dropna().unique().tolist())} for c in ("origin", "dest")]}
yaml.safe_dump(spec, open("spec.yaml", "w"), default_flow_style=None)
d = xgb.DMatrix(encode(df, spec), label=df["delayed"], missing=np.nan)
b = xgb.train({"objective": "binary:logistic", "max_depth": 8, "eta": 0.1, "tree_method": "hist", "nthread": 2}, d, 300)
b.save_model("model.json")
PY
cat > reference.py <<'PY'
# The Python way: pandas read_csv -> encode with the spec -> inplace_predict -> to_csv.
import sys, numpy as np, pandas as pd, xgboost as xgb, yaml
from reference_encoding import read, encode
spec = yaml.safe_load(open("spec.yaml"))
booster = xgb.Booster(model_file="model.json")
booster.set_param({"nthread": 2})
df = read(sys.argv[1])
score = booster.inplace_predict(encode(df, spec), missing=np.nan)
pd.DataFrame({"id": df["id"], "score": score, "label": (score >= 0.5).astype(int)}).to_csv(sys.argv[2], index=False)
PY
echo "== train 300 trees, depth 8 (python) and register"
"$SYSTEM_PYTHON" train.py || bench_die "training failed"
"$MLO" init >/dev/null 2>&1
"$MLO" register flights --model model.json --preprocess spec.yaml >/dev/null || bench_die "register failed"
cat data.csv >/dev/null  # both contenders read from the page cache

echo "== 0. native evaluator vs XGBoost predict ($ROWS rows, 300 trees depth 8, 2 threads)"
build_dir=$(cd "$(dirname "$MLO")" && pwd)
while [ "$build_dir" != / ] && [ ! -f "$build_dir/CMakeCache.txt" ]; do build_dir=$(dirname "$build_dir"); done
cmake --build "$build_dir" --target native_forest_bench >/dev/null || bench_die "cannot build native_forest_bench"
taskset -c "$CPUS" "$build_dir/tests/native_forest_bench" "$ROWS" "${NF_TRAIN_ROWS:-200000}" >nf.txt || bench_die "native_forest_bench failed"
cat nf.txt
# The AVX-512 target applies to the kernel an AVX-512 CPU runs: avx512-vbmi where the CPU has
# VBMI (Ice Lake, Zen 4 and later), else the float avx512 kernel, whose figure is then shown
# beside it.
best_avx=avx512; grep -q "^native avx512-vbmi " nf.txt && best_avx=avx512-vbmi
for path in avx512-vbmi avx512 portable; do
  line=$(grep "^native $path " nf.txt) || { figure "native $path path" "n/a" "(CPU lacks it)"; continue; }
  speedup=$(sed -n 's/.*(\([0-9.]*\)x xgboost).*/\1/p' <<<"$line")
  differ=$(sed -n 's/.*), \([0-9]*\) of .*/\1/p' <<<"$line")
  if [ "$path" = portable ]; then
    target "native $path evaluator vs XGBoost predict" "$speedup" ">=" 2.5 "x"
  elif [ "$path" = "$best_avx" ]; then
    target "native $path evaluator vs XGBoost predict" "$speedup" ">=" 15 "x"
  else
    figure "native $path evaluator vs XGBoost predict (float kernel, CPUs without VBMI)" "$speedup" "x"
  fi
  target "native $path outputs differing from XGBoost" "$differ" "<=" 0 "rows"
done

echo "== 1. score $ROWS rows on CPUs $CPUS"
wall_and_rss taskset -c "$CPUS" "$SYSTEM_PYTHON" reference.py data.csv py.csv
py_ms=$WALL_MS py_kb=$RSS_KB
wall_and_rss taskset -c "$CPUS" "$MLO" score-batch flights -i data.csv -o mlo.csv --columns id --threads 2
mlo_ms=$WALL_MS mlo_kb=$RSS_KB
wall_and_rss taskset -c "$CPUS" "$MLO" score-batch flights -i data.csv -o mlo.csv --columns id --threads 2
[ "$WALL_MS" -lt "$mlo_ms" ] && mlo_ms=$WALL_MS
mb=$(du -m data.csv | cut -f1)
figure "python reference wall time" "$py_ms" "ms"
figure "mlo score-batch wall time (best of 2)" "$mlo_ms" "ms ($(awk -v m="$mb" -v t="$mlo_ms" 'BEGIN{printf "%.0f", m/(t/1000)}') MB/s)"
figure "python reference peak RSS" "$((py_kb / 1024))" "MiB"
figure "mlo score-batch peak RSS" "$((mlo_kb / 1024))" "MiB"
"$SYSTEM_PYTHON" - <<'PY' || bench_die "mlo and python scores differ"
import numpy as np, pandas as pd
a, b = pd.read_csv("mlo.csv"), pd.read_csv("py.csv")
assert len(a) == len(b) and (a["id"].to_numpy() == b["id"].to_numpy()).all()
d = np.abs(a["score"].to_numpy() - b["score"].to_numpy()).max()
print(f"info  max |mlo - python| score difference                  {d:.3g}")
assert d <= 1e-6
PY
target "score-batch speed-up over pandas+xgboost" "$(ratio "$py_ms" "$mlo_ms")" ">=" 15 "x"
target "score-batch peak RSS / the peer's" "$(ratio "$mlo_kb" "$py_kb")" "<=" 0.10 "x"

echo "== 2. compressed inputs"
gzip -1 -k data.csv && zstd -q -k data.csv
for z in gz zst; do
  ms=$(time_ms taskset -c "$CPUS" "$MLO" score-batch flights -i "data.csv.$z" -o "mlo-$z.csv" --columns id --threads 2)
  figure "mlo score-batch, .$z input" "$ms" "ms"
  cmp -s mlo.csv "mlo-$z.csv" && same=1 || same=0
  target ".$z output identical to plain" "$same" ">=" 1 "(1 = identical)"
done
rm -f data.csv.gz data.csv.zst mlo-gz.csv mlo-zst.csv py.csv

echo "== 3. ${BIG_MB} MB input, bounded memory"
target_bytes=$((BIG_MB * 1000 * 1000))
{ cat data.csv; while tail -n +2 data.csv; do :; done; } | head -c "$target_bytes" | sed '$d' >big.csv
figure "big input size" "$(du -m big.csv | cut -f1)" "MB"
wall_and_rss taskset -c "$CPUS" "$MLO" score-batch flights -i big.csv -o big-out.csv.zst --columns id --threads 2
figure "mlo score-batch ${BIG_MB} MB wall time" "$WALL_MS" "ms ($(awk -v m="$(du -m big.csv | cut -f1)" -v t="$WALL_MS" 'BEGIN{printf "%.0f", m/(t/1000)}') MB/s)"
target "peak RSS scoring ${BIG_MB} MB" "$((RSS_KB / 1024))" "<" 256 "MiB"
bench_finish
