# Shared helpers for tests/bench/*.sh. A bench script sources this file, measures, and calls
# `target` for each goal; `bench_finish` prints the summary and exits 1 if any target failed.
#   MLO          the mlo binary (default: <repo>/build-release/apps/mlo/mlo); must be a Release build
#   BENCH_TMP    scratch directory (default: a fresh dir under ${TMPDIR:-/tmp}, removed at exit)
set -u
MLO_SOURCE_DIR=${MLO_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
MLO=${MLO:-$MLO_SOURCE_DIR/build-release/apps/mlo/mlo}
SYSTEM_PYTHON=/usr/bin/python3
BENCH_TMP=${BENCH_TMP:-$(mktemp -d "${TMPDIR:-/tmp}/mlo-bench.XXXXXX")}
trap 'rm -rf "$BENCH_TMP"' EXIT
BENCH_FAILED=0
BENCH_PASSED=0

bench_die() { echo "bench: $*" >&2; exit 2; }

# require_release [BINARY]: refuses Debug builds (their figures mean nothing). Reads the
# CMakeCache.txt of the build tree holding the binary; MLO_BENCH_ANY_BUILD=1 overrides.
require_release() {
  local bin=${1:-$MLO} dir cache type
  [ -x "$bin" ] || bench_die "no mlo binary at $bin (set MLO=...)"
  dir=$(cd "$(dirname "$bin")" && pwd)
  while [ "$dir" != / ] && [ ! -f "$dir/CMakeCache.txt" ]; do dir=$(dirname "$dir"); done
  cache="$dir/CMakeCache.txt"
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$cache" 2>/dev/null)
  echo "binary: $bin (build type: ${type:-unknown})"
  if [ "$type" != Release ] && [ "${MLO_BENCH_ANY_BUILD:-0}" != 1 ]; then
    bench_die "build type is '${type:-unknown}', not Release (configure with -DCMAKE_BUILD_TYPE=Release, or set MLO_BENCH_ANY_BUILD=1)"
  fi
}

# Clock reads without starting a process: bash's EPOCHREALTIME (microseconds; the separator
# follows the locale). `$(date +%s%N)` around a command added a fork and exec of date (~1 ms) to
# every measurement, a fifth of the 5 ms start-up target.
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
now_ns() { echo "$(now_us)000"; }

# time_ms CMD...: runs CMD (output discarded) and prints its wall time in milliseconds (3 decimals).
# Fails the bench if CMD fails.
time_ms() {
  local t0 t1
  t0=${EPOCHREALTIME/[.,]/}
  "$@" >/dev/null 2>"$BENCH_TMP/.stderr" || bench_die "command failed: $* ($(head -c 500 "$BENCH_TMP/.stderr"))"
  t1=${EPOCHREALTIME/[.,]/}
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e3 }'
}

# best_ms N CMD...: the fastest of N runs, in milliseconds.
best_ms() {
  local n=$1 best="" t i
  shift
  for i in $(seq 1 "$n"); do
    t=$(time_ms "$@")
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  echo "$best"
}

# peak_rss_kb CMD...: runs CMD under /usr/bin/time -v and prints its peak resident set in KiB.
peak_rss_kb() {
  /usr/bin/time -v "$@" >/dev/null 2>"$BENCH_TMP/.timev" || bench_die "command failed: $*"
  sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$BENCH_TMP/.timev"
}

# ratio A B: A / B with 3 decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.3f\n", a / b }'; }

# target NAME VALUE OP LIMIT UNIT: records and prints one goal, OP is one of < <= > >=.
target() {
  local name=$1 value=$2 op=$3 limit=$4 unit=${5:-}
  if awk -v v="$value" -v l="$limit" -v op="$op" 'BEGIN {
        ok = (op == "<" && v < l) || (op == "<=" && v <= l) || (op == ">" && v > l) || (op == ">=" && v >= l)
        exit !ok }'; then
    printf 'PASS  %-48s %12s %s (target %s %s)\n' "$name" "$value" "$unit" "$op" "$limit"
    BENCH_PASSED=$((BENCH_PASSED + 1))
  else
    printf 'FAIL  %-48s %12s %s (target %s %s)\n' "$name" "$value" "$unit" "$op" "$limit"
    BENCH_FAILED=$((BENCH_FAILED + 1))
  fi
}

# figure NAME VALUE UNIT: an informational measurement without a target.
figure() { printf 'info  %-48s %12s %s\n' "$1" "$2" "${3:-}"; }

bench_finish() {
  echo "${BENCH_PASSED} passed, ${BENCH_FAILED} failed"
  [ "$BENCH_FAILED" -eq 0 ]
}
