# Shared helpers for tests/cli/*.sh. Each test script sources this file, gets a fresh temp dir
# with an initialised store in $STORE, and calls the assert helpers; the first failure exits 1.
# Exit 77 means "skipped" (ctest SKIP_RETURN_CODE), used by skip probes. Under CI=true nothing
# may hide: a skip is a failure (CI installs every dependency, see scripts/install-deps.sh).
set -u
: "${MLO:?MLO must point at the mlo binary}"
MLO_SOURCE_DIR=${MLO_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SYSTEM_PYTHON=/usr/bin/python3   # Debian's python3-xgboost/pandas/scipy live here, not in pyenv

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mlo-test.XXXXXX")
trap 'rm -rf "$TEST_TMP"' EXIT
STORE="$TEST_TMP/store"
export MLO_STORE="$STORE"
export MLO_ACTOR=tester
unset GITHUB_STEP_SUMMARY
cd "$TEST_TMP"

TESTS_RUN=0
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() {
  if [ "${CI:-}" = true ]; then echo "FAIL: would skip under CI=true: $*" >&2; exit 1; fi
  echo "SKIP: $*" >&2; exit 77
}
pass() { echo "ok - $*"; }

# run CMD...: runs it, captures $OUT (stdout), $ERR (stderr) and $RC.
run() {
  OUT=$("$@" 2>"$TEST_TMP/.stderr"); RC=$?
  ERR=$(cat "$TEST_TMP/.stderr")
}
mlo() { "$MLO" "$@"; }

# expect_rc N description CMD...: runs CMD and checks its exit code.
expect_rc() {
  local want=$1 what=$2; shift 2
  run "$@"
  TESTS_RUN=$((TESTS_RUN + 1))
  [ "$RC" = "$want" ] || fail "$what: exit $RC, want $want; stderr: $ERR"
  pass "$what"
}
# expect_error N description CMD...: exit N, exactly one stderr line starting "mlo: error: ".
expect_error() {
  local want=$1 what=$2; shift 2
  expect_rc "$want" "$what" "$@"
  local first; first=$(printf '%s\n' "$ERR" | head -n1)
  case "$first" in "mlo: error: "*) ;; *) fail "$what: stderr does not start with 'mlo: error: ': $ERR" ;; esac
  local lines; lines=$(printf '%s\n' "$ERR" | grep -vc '^hint: ')
  [ "$lines" -le 1 ] || fail "$what: error is more than one line: $ERR"
}
assert_eq() { [ "$1" = "$2" ] || fail "${3:-assert_eq}: got '$1', want '$2'"; }
assert_contains() { case "$1" in *"$2"*) ;; *) fail "${3:-assert_contains}: '$2' not in: $1" ;; esac; }
assert_file() { [ -f "$1" ] || fail "missing file $1"; }
assert_no_file() { [ ! -e "$1" ] || fail "file should not exist: $1"; }

# tree_listing DIR: paths, sizes and digests of every file, for "store unchanged" checks.
tree_listing() { (cd "$1" 2>/dev/null && find . -type f ! -name '*.lock' -print0 | sort -z | xargs -0 -r sha256sum); }
# json_get EXPR: reads JSON on stdin, prints EXPR evaluated on it as `d` (python).
json_get() { "$SYSTEM_PYTHON" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# The README quickstart's data generator and a trained model, made once per script on demand.
gen_data() { "$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/examples/gen_data.py" "$@"; }

finish() { echo "${TESTS_RUN} passed, 0 failed"; }

# make_tiny_model PATH [NFEATURES] [OBJECTIVE]: a 3-round XGBoost model trained on random data
# (binary:logistic by default), saved as JSON or UBJSON by PATH's extension (.json / .ubj).
# Made once per script per (NFEATURES, OBJECTIVE, format) and copied from a cache in $TEST_TMP.
make_tiny_model() {
  local path=$1 nfeat=${2:-3} objective=${3:-binary:logistic}
  local cache="$TEST_TMP/.models/tiny-$nfeat-${objective//:/_}.${path##*.}"
  if [ ! -f "$cache" ]; then
    mkdir -p "$TEST_TMP/.models"
    "$SYSTEM_PYTHON" - "$cache" "$nfeat" "$objective" <<'PY' || fail "make_tiny_model: python/xgboost failed"
import sys
import numpy as np
import xgboost as xgb
path, n, objective = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(0)
x = rng.random((100, n))
params = {"objective": objective}
if objective.startswith("multi:"):
    y = np.minimum((x[:, 0] * 3).astype(int), 2).astype(float)
    params["num_class"] = 3
else:
    y = (x[:, 0] > 0.5).astype(float)
xgb.train(params, xgb.DMatrix(x, label=y), 3).save_model(path)
PY
  fi
  cp "$cache" "$path"
}

# write_flights_recipe FILE NAME PARAMS: a binary `mlo train` recipe over gen_data.py's columns,
# e.g. write_flights_recipe recipe.yaml flights "{max_depth: 4, num_boost_round: 30, seed: 1}".
write_flights_recipe() {
  cat > "$1" <<YAML
name: $2
task: binary
target: delayed
id: id
features:
  numeric: [month, day, dow, hour, minute, distance]
  categorical: [origin, dest]
params: $3
YAML
}
