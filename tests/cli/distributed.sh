#!/usr/bin/env bash
# Distributed training on XGBoost's collective: `mlo train --workers N` (one host) and the
# multi-host commands (`mlo tracker`, `mlo train --tracker --world --rank`) run on one host.
# Everything runs inside a private network namespace (loopback only), so no worker socket
# (XGBoost's workers listen on all interfaces) is reachable from outside.
#  - 1, 2, 3 workers on data with an exact quantile sketch: model blob byte-identical to one
#    process; multi-host shards too; continuous flights data: log-loss within 0.5%.
#  - a worker killed mid-training: exit 1 in bounded time, nothing registered, no process left.
#  - unreachable tracker, world size the tracker does not confirm: exit 1, clear message.
if [ -z "${MLO_TEST_NETNS:-}" ]; then
  if unshare -n true 2>/dev/null; then
    MLO_TEST_NETNS=1 exec unshare -n bash "$0" "$@"
  fi
  if [ "${CI:-}" = true ]; then
    echo "FAIL: cannot create a private network namespace (unshare -n needs root)" >&2
    exit 1
  fi
  echo "SKIP: cannot create a private network namespace (unshare -n needs root); not running" \
    "distributed training tests on a shared network" >&2
  exit 77
fi
source "$(dirname "$0")/common.sh"
ip link set lo up || fail "ip link set lo up"
if ! "$SYSTEM_PYTHON" -c 'import xgboost.tracker, numpy' 2>/dev/null; then
  [ "${CI:-}" = true ] && fail "python3-xgboost (XGBoost's tracker) is missing"
  skip "python3-xgboost (XGBoost's tracker) is not installed"
fi
export TMPDIR="$TEST_TMP/tmp"   # the launchers' job directories land here
mkdir -p "$TMPDIR"
mlo init >/dev/null || fail "init"

# --- Exact sketch: 5 integer features with 20 values each and a 7-level category ----------
"$SYSTEM_PYTHON" - <<'PY' || fail "generate exact.csv"
import numpy as np
rng = np.random.default_rng(5)
def write(path, n, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 20, size=(n, 5))
    k = np.array(list("ABCDEFG"))[rng.integers(0, 7, n)]
    logit = 0.3 * (x[:, 0] - 10) - 0.2 * (x[:, 1] - 10) + 0.01 * (x[:, 2] - 10) * (x[:, 3] - 10) + (k == "C")
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    with open(path, "w") as f:
        f.write("id,a,b,c,d,e,k,y\n")
        for i in range(n):
            f.write(f"{i},{','.join(map(str, x[i]))},{k[i]},{y[i]}\n")
write("exact.csv", 6000, 5)
write("exact_eval.csv", 1500, 6)
PY
cat > exact.yaml <<'YAML'
name: exact
task: binary
target: y
id: id
features:
  numeric: [a, b, c, d, e]
  categorical: [k]
params: {tree_method: hist, max_depth: 4, eta: 0.3, num_boost_round: 20, seed: 0}
YAML
model_digest() { mlo --json show "$1" | json_get 'd.get("manifest", d)["artifacts"]["model"]["digest"]'; }
manifest_get() { mlo --json show "$1" | json_get "(lambda m: $2)(d.get('manifest', d))"; }

expect_rc 0 "single-process reference" mlo train --config exact.yaml --data exact.csv --threads 1
single=$(model_digest exact:1)
for n in 1 2 3; do
  expect_rc 0 "--workers $n" mlo train --config exact.yaml --data exact.csv --workers "$n" --threads 1 --name "exact-w$n"
  assert_eq "$OUT" "exact-w$n:1" "--workers $n prints the ref"
  assert_eq "$(model_digest "exact-w$n:1")" "$single" "--workers $n: model byte-identical to one process"
done
assert_eq "$(manifest_get exact-w3:1 'm["environment"]["workers"]')" "3" "environment.workers"
assert_contains "$(manifest_get exact-w3:1 'm["environment"]["tracker"]')" "python3-xgboost 1.7" "environment.tracker"
assert_eq "$(manifest_get exact-w3:1 'm["training"]["data"]["digest"]')" \
  "sha256:$(sha256sum exact.csv | cut -d' ' -f1)" "data digest of the whole input"
assert_eq "$(manifest_get exact-w3:1 'm["training"]["eval"]["metrics"]')" \
  "$(manifest_get exact:1 'm["training"]["eval"]["metrics"]')" "eval metrics as one process"
assert_eq "$(ls -A "$TMPDIR")" "" "no job directory left behind"

# retrain --workers takes the same path: the refit is byte-identical to an in-process refit.
expect_rc 0 "retrain in-process" mlo retrain exact:1 --data exact.csv --threads 1 --name exact-r1
expect_rc 0 "retrain --workers 2" mlo retrain exact:1 --data exact.csv --threads 1 --workers 2 --name exact-r2
assert_eq "$(model_digest exact-r2:1)" "$(model_digest exact-r1:1)" "retrain --workers 2: model byte-identical"
assert_eq "$(manifest_get exact-r2:1 'm["environment"]["workers"]')" "2" "retrain: environment.workers"

# --- Continuous features (flights-shaped data): log-loss within 0.5% ----------------------
gen_data --rows 20000 --seed 11 --out flights.csv || fail "gen_data"
write_flights_recipe flights.yaml flights "{tree_method: hist, max_depth: 6, eta: 0.2, num_boost_round: 40, seed: 3}"
expect_rc 0 "flights single-process" mlo train --config flights.yaml --data flights.csv
expect_rc 0 "flights --workers 2" mlo train --config flights.yaml --data flights.csv --workers 2 --name flights-w2
TESTS_RUN=$((TESTS_RUN + 1))
a=$(manifest_get flights:1 'm["training"]["eval"]["metrics"]["logloss"]')
b=$(manifest_get flights-w2:1 'm["training"]["eval"]["metrics"]["logloss"]')
"$SYSTEM_PYTHON" -c "import sys; a, b = $a, $b; sys.exit(0 if abs(a - b) <= 0.005 * a else 1)" ||
  fail "flights log-loss: one process $a, 2 workers $b (more than 0.5% apart)"
pass "flights log-loss within 0.5% ($a vs $b)"

# --- Usage and input errors before anything starts ----------------------------------------
expect_error 2 "--workers 0" mlo train --config exact.yaml --data exact.csv --workers 0
expect_error 2 "--workers with --tracker" mlo train --config exact.yaml --data exact.csv --workers 2 --tracker 127.0.0.1:9 --world 2
expect_error 2 "--tracker without --world" mlo train --config exact.yaml --data exact.csv --eval exact_eval.csv --tracker 127.0.0.1:9
expect_error 2 "--tracker without --eval" mlo train --config exact.yaml --data exact.csv --tracker 127.0.0.1:9 --world 2
expect_error 2 "--tracker bad address" mlo train --config exact.yaml --data exact.csv --eval exact_eval.csv --tracker nowhere --world 2
expect_error 3 "tree_method exact refused" mlo train --config exact.yaml --data exact.csv --workers 2 --param tree_method=exact
assert_contains "$ERR" "hist or approx" "exact: names the alternatives"

# --- A worker killed mid-training ---------------------------------------------------------
children() {  # children PID: the PIDs whose parent is PID
  local s pid comm state ppid rest
  for s in /proc/[0-9]*/stat; do
    read -r pid comm state ppid rest 2>/dev/null < "$s" || continue
    [ "$ppid" = "$1" ] && echo "$pid"
  done
}
versions_before=$(tree_listing "$STORE/models")
"$MLO" train --config flights.yaml --data flights.csv --workers 2 --threads 1 --name killed \
  --param num_boost_round=100000 >/dev/null 2>kill.err &
launcher=$!
kids=""
for _ in $(seq 150); do
  kids=$(children "$launcher")
  [ "$(echo "$kids" | grep -c .)" -ge 3 ] && break   # tracker + 2 workers
  sleep 0.1
done
[ "$(echo "$kids" | grep -c .)" -ge 3 ] || { kill -9 "$launcher"; fail "launcher never started the tracker and 2 workers"; }
victim=""
for k in $kids; do grep -q "train-worker" "/proc/$k/cmdline" 2>/dev/null && victim=$k; done
[ -n "$victim" ] || fail "no worker process found among: $kids"
sleep 3   # into the boosting rounds
kill -9 "$victim"
start=$SECONDS
for _ in $(seq 300); do kill -0 "$launcher" 2>/dev/null || break; sleep 0.1; done
kill -0 "$launcher" 2>/dev/null && { kill -9 "$launcher"; fail "launcher still running 30 s after a worker was killed"; }
wait "$launcher"; rc=$?
TESTS_RUN=$((TESTS_RUN + 1))
[ "$rc" = 1 ] || fail "killed worker: exit $rc, want 1; stderr: $(cat kill.err)"
assert_contains "$(cat kill.err)" "mlo: error: train killed: worker" "killed worker: error names the worker"
assert_contains "$(cat kill.err)" "(pid $victim) failed: killed by signal 9" "killed worker: root cause reported"
pass "killed worker: exit 1 after $((SECONDS - start)) s"
TESTS_RUN=$((TESTS_RUN + 1))
for k in $kids; do
  [ -e "/proc/$k" ] && fail "process $k ($(tr '\0' ' ' < "/proc/$k/cmdline")) left behind"
done
assert_eq "$(tree_listing "$STORE/models")" "$versions_before" "killed worker: nothing registered"
assert_eq "$(ls -A "$TMPDIR")" "" "killed worker: job directory removed"
pass "killed worker: tracker and workers ended, nothing registered"

# --- Multi-host commands on one host ------------------------------------------------------
# tracker_start WORLD: runs `mlo tracker` in the background; sets TRACKER (HOST:PORT) and TPID.
tracker_start() {
  "$MLO" tracker --world "$1" --host-ip 127.0.0.1 --timeout 120 > tracker.out 2> tracker.err &
  TPID=$!
  for _ in $(seq 100); do grep -q '^MLO_TRACKER=' tracker.out 2>/dev/null && break; sleep 0.1; done
  TRACKER=$(sed -n 's/^MLO_TRACKER=//p' tracker.out)
  [ -n "$TRACKER" ] || fail "mlo tracker did not start: $(cat tracker.err)"
}
tracker_start 2
assert_contains "$(cat tracker.out)" "DMLC_TRACKER_PORT=${TRACKER##*:}" "mlo tracker prints the worker environment"
"$SYSTEM_PYTHON" - <<'PY' || fail "split shards"
rows = open("exact.csv").read().splitlines()
for k in range(2):
    with open(f"shard_{k}.csv", "w") as f:
        f.write("\n".join([rows[0]] + [r for i, r in enumerate(rows[1:]) if i % 2 == k]) + "\n")
PY
SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_MIN=3 "$MLO" train --config exact.yaml --data shard_1.csv \
  --eval exact_eval.csv --tracker "$TRACKER" --world 2 --name hosts > rank1.out 2> rank1.err &
r1=$!
JOB_COMPLETION_INDEX=0 expect_rc 0 "multi-host rank 0" mlo train --config exact.yaml --data shard_0.csv \
  --eval exact_eval.csv --tracker "$TRACKER" --world 2 --name hosts
assert_eq "$OUT" "hosts:1" "rank 0 registers"
wait "$r1" || fail "multi-host rank 1 failed: $(cat rank1.err)"
assert_eq "$(cat rank1.out)" "" "rank 1 prints no ref"
wait "$TPID" || fail "mlo tracker did not exit 0 after the job: $(cat tracker.err)"
pass "multi-host: tracker exits once the job is done"
assert_eq "$(mlo --json list hosts | json_get 'len(d["versions"]) if isinstance(d, dict) else len(d)')" "1" "one version registered"
expect_rc 0 "single-process on the whole file with the same eval" mlo train --config exact.yaml \
  --data exact.csv --eval exact_eval.csv --threads 1 --name whole
assert_eq "$(model_digest hosts:1)" "$(model_digest whole:1)" "multi-host shards: model byte-identical to one process"
assert_eq "$(manifest_get hosts:1 'm["training"]["data"]["rows"]')" "6000" "multi-host: rows of every shard"
want=$(printf 'mlo-shards\nsha256:%s\nsha256:%s' "$(sha256sum shard_0.csv | cut -d' ' -f1)" \
  "$(sha256sum shard_1.csv | cut -d' ' -f1)" | sha256sum | cut -d' ' -f1)
assert_eq "$(manifest_get hosts:1 'm["training"]["data"]["digest"]')" "sha256:$want" "multi-host: digest of the shards' digests"

# Wrong tracker address: nothing listens on port 9 in this namespace.
start=$SECONDS
expect_error 1 "unreachable tracker" mlo train --config exact.yaml --data shard_0.csv \
  --eval exact_eval.csv --tracker 127.0.0.1:9 --world 2 --name nowhere
assert_contains "$ERR" "cannot join the tracker 127.0.0.1:9" "unreachable tracker: message"
[ $((SECONDS - start)) -le 60 ] || fail "unreachable tracker took $((SECONDS - start)) s"

# A world size the tracker does not confirm: never a silent single-worker model.
tracker_start 1
expect_error 1 "world not confirmed" mlo train --config exact.yaml --data shard_0.csv \
  --eval exact_eval.csv --tracker "$TRACKER" --world 2 --name wrongworld
assert_contains "$ERR" "reports a world of 1 workers, expected 2" "world mismatch: message"
wait "$TPID" || fail "tracker after world mismatch: $(cat tracker.err)"
expect_rc 4 "nothing registered for the failed jobs" mlo show wrongworld

finish
