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
# MLO_TEST_STORE_URL=s3://bucket[/prefix]: the script's store is a fresh prefix there instead
# (the S3 test server, tests/s3/server.sh); scripts that read or plant store files do it with
# the store_* helpers below, which work on both.
if [ -n "${MLO_TEST_STORE_URL:-}" ]; then
  STORE="${MLO_TEST_STORE_URL%/}/$(basename "$0" .sh)-$$-$RANDOM"
  echo "store: $STORE" >&2
fi
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

# require_python MODULE...: Debian's python3 must import each module (the reference side of a
# comparison); skips locally, fails under CI=true.
require_python() {
  local modules
  modules=$(IFS=,; echo "$*")
  "$SYSTEM_PYTHON" -c "import $modules" 2>/dev/null || skip "system python lacks $modules"
}

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

# --- Store files, local or S3 (MLO_TEST_STORE_URL) -------------------------------------------
store_is_s3() { case "$STORE" in s3://*) return 0 ;; *) return 1 ;; esac; }
# s3curl METHOD PATH [CURL ARGS...]: a signed request to the S3 test server, body to stdout.
# curl signs the query string as written: give parameters sorted, each with '=', '/' as %2F.
s3curl() {
  local method=$1 path=$2; shift 2
  : "${MLO_S3_ENDPOINT:?S3 tests run through tests/s3/server.sh run}"
  curl -sS --fail-with-body --aws-sigv4 "aws:amz:${AWS_REGION:-us-east-1}:s3" \
    --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
    -X "$method" "$MLO_S3_ENDPOINT/$path" "$@"
}
store_object() { local rest=${STORE#s3://}; echo "$rest/$1"; }  # bucket/prefix/KEY
# require_s3: the test runs against the server tests/s3/server.sh started (ctest's s3 fixture).
require_s3() { : "${MLO_S3_ENDPOINT:?S3 tests run through tests/s3/server.sh run}"; }
# s3_bucket NAME: creates the bucket on the test server unless it exists.
s3_bucket() {
  local code; code=$(s3curl PUT "$1" -o /dev/null -w '%{http_code}' 2>/dev/null)
  case $code in 200|409) ;; *) fail "create bucket $1: HTTP $code" ;; esac
}
# s3_listing BUCKET PREFIX: the ListObjectsV2 XML of PREFIX (keys, sizes, ETags, times), for
# "nothing changed" checks (up to 1000 keys).
s3_listing() { s3curl GET "$1?list-type=2&prefix=${2//\//%2F}"; }
# store_get KEY: the key's bytes on stdout (exit 1 if missing).
store_get() {
  if store_is_s3; then s3curl GET "$(store_object "$1")" 2>/dev/null; else cat "$STORE/$1" 2>/dev/null; fi
}
# store_put KEY FILE: writes a key behind mlo's back (tampering, planted files).
store_put() {
  if store_is_s3; then s3curl PUT "$(store_object "$1")" --data-binary "@$2" >/dev/null || fail "store_put $1"
  else mkdir -p "$(dirname "$STORE/$1")" && rm -f "$STORE/$1" && cp "$2" "$STORE/$1"; fi
}
store_rm() {
  if store_is_s3; then s3curl DELETE "$(store_object "$1")" >/dev/null || fail "store_rm $1"
  else rm -f "$STORE/$1"; fi
}
store_has() { store_get "$1" >/dev/null; }
store_digest() { store_get "$1" | sha256sum | cut -d' ' -f1; }
# store_keys [PREFIX]: every key (under PREFIX), sorted, one a line.
store_keys() {
  if store_is_s3; then
    local rest=${STORE#s3://}; local bucket=${rest%%/*} prefix=${rest#*/}/
    local q="$prefix${1:-}"; q=${q//\//%2F}  # curl signs the query as given: sorted, encoded
    s3curl GET "$bucket?list-type=2&max-keys=1000&prefix=$q" |
      "$SYSTEM_PYTHON" -c 'import re,sys; p=sys.argv[1]; t=sys.stdin.read()
assert "<IsTruncated>true" not in t, "more than 1000 keys"
print("\n".join(sorted(k[len(p):] for k in re.findall(r"<Key>([^<]*)</Key>", t))))' "$prefix" | grep -v '^$'
  else
    (cd "$STORE" 2>/dev/null && find "./${1:-}" -type f ! -name '.*' 2>/dev/null | sed 's|^\./||' | sort)
  fi
}
# store_listing: keys and digests, for "store unchanged" checks on either backend.
store_listing() {
  if store_is_s3; then
    local k; for k in $(store_keys); do echo "$(store_digest "$k")  ./$k"; done
  else tree_listing "$STORE"; fi
}

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
# An S3 store's bucket must exist before `mlo init` (mlo never creates buckets).
if store_is_s3; then
  s3curl PUT "$(store_object '' | cut -d/ -f1)" >/dev/null 2>&1 || true  # 409 when it exists
fi
