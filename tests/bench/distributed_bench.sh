# Distributed training benchmark (Release build): the same data and recipe trained by
#   a) 1 process x 2 threads          (mlo train --threads 2)
#   b) 2 workers x 1 thread           (mlo train --workers 2 --threads 1)
# Prints wall time, peak RSS (largest process of the job), and eval log-loss/AUC of both. The point is
# correctness and scale-out (same quality, rows split between processes), not a speed-up on
# one host: b) adds the tracker's start (python3), a job directory and the collective's
# all-reduce of histograms every node split. Targets: log-loss within 0.5%, AUC within 0.005.
# Runs inside a private network namespace when it can (`unshare -n`), like the tests.
# Usage: MLO=build-release/apps/mlo/mlo bash tests/bench/distributed_bench.sh  (ROWS=200000)
if [ -z "${MLO_BENCH_NETNS:-}" ] && unshare -n true 2>/dev/null; then
  MLO_BENCH_NETNS=1 exec unshare -n bash "$0" "$@"
fi
[ -n "${MLO_BENCH_NETNS:-}" ] && ip link set lo up
. "$(dirname "$0")/common.sh"
require_release
"$SYSTEM_PYTHON" -c 'import xgboost.tracker' 2>/dev/null || bench_die "python3-xgboost is missing"
ROWS=${ROWS:-200000}
ROUNDS=${ROUNDS:-100}
export MLO_ACTOR=bench MLO_STORE="$BENCH_TMP/store"
cd "$BENCH_TMP" || exit 2
"$MLO" init >/dev/null
"$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/examples/gen_data.py" --rows "$ROWS" --seed 21 --out data.csv ||
  bench_die "gen_data failed"
cat > recipe.yaml <<YAML
name: bench
task: binary
target: delayed
id: id
features:
  numeric: [month, day, dow, hour, minute, distance]
  categorical: [origin, dest]
params: {tree_method: hist, max_depth: 8, eta: 0.1, num_boost_round: $ROUNDS, seed: 1}
YAML
echo "== $ROWS rows, $ROUNDS rounds, depth 8, hist ($(nproc) cores)"
one_ms=$(time_ms "$MLO" train --config recipe.yaml --data data.csv --threads 2 --name one)
two_ms=$(time_ms "$MLO" train --config recipe.yaml --data data.csv --workers 2 --threads 1 --name two)
one_rss=$(peak_rss_kb "$MLO" train --config recipe.yaml --data data.csv --threads 2 --name one --dry-run)
two_rss=$(peak_rss_kb "$MLO" train --config recipe.yaml --data data.csv --workers 2 --threads 1 --name two --dry-run)
metric() { "$MLO" --json show "$1:1" | "$SYSTEM_PYTHON" -c "import json,sys; d=json.load(sys.stdin); d=d.get('manifest', d); print(d['training']['eval']['metrics']['$2'])"; }
ll1=$(metric one logloss) ll2=$(metric two logloss) auc1=$(metric one auc) auc2=$(metric two auc)
figure "1 process x 2 threads: wall" "$one_ms" "ms"
figure "2 workers x 1 thread: wall" "$two_ms" "ms"
figure "2 workers / 1 process wall" "$(ratio "$two_ms" "$one_ms")" "x"
figure "1 process: peak RSS of the largest process" "$one_rss" "KiB"
figure "2 workers: peak RSS of the largest process" "$two_rss" "KiB"
figure "1 process: eval log-loss / AUC" "$ll1 / $auc1" ""
figure "2 workers: eval log-loss / AUC" "$ll2 / $auc2" ""
target "log-loss relative difference" "$(awk -v a="$ll1" -v b="$ll2" 'BEGIN { d = (a - b) / a; if (d < 0) d = -d; printf "%.5f", d }')" "<=" 0.005 ""
target "AUC difference" "$(awk -v a="$auc1" -v b="$auc2" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.5f", d }')" "<=" 0.005 ""
bench_finish
