#!/usr/bin/env bash
# mlo push / pull of one large version vs `aws s3 cp` of the same file, against the local radosgw
# test server (tests/s3/server.sh: started here in a private network namespace unless
# MLO_S3_ENDPOINT is already set), in the same run. Target: mlo reaches >= 70% of awscli's
# throughput in both directions. Each side is timed BENCH_RUNS times (best kept).
#
#   MLO=build/apps/mlo/mlo tests/bench/push_pull_vs_awscli.sh
#   BENCH_SIZE_MB   size of the artifact (default 1024)
#   BENCH_RUNS      runs per side (default 2)
#   Needs the Debian packages of the S3 tests and `awscli` (scripts/install-deps.sh).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/common.sh"
SIZE_MB=${BENCH_SIZE_MB:-1024}
RUNS=${BENCH_RUNS:-2}

if [ -z "${MLO_S3_ENDPOINT:-}" ]; then
  [ -x /usr/bin/aws ] || bench_die "needs Debian's awscli (/usr/bin/aws; scripts/install-deps.sh)"
  require_release
  SERVER_DIR="$BENCH_TMP/s3-server"
  mkdir -p "$SERVER_DIR"
  # radosgw frees deleted objects only after its GC delay (hours), so the memstore must hold
  # every upload of the run: RUNS x (mlo + aws) plus headroom. It takes RAM only as written.
  export RGW_OSD_BYTES=$(( (SIZE_MB * (2 * RUNS + 1) + 1024) * 1024 * 1024 ))
  "$MLO_SOURCE_DIR/tests/s3/server.sh" start "$SERVER_DIR" || bench_die "the S3 test server did not start"
  [ ! -f "$SERVER_DIR/skipped" ] || bench_die "S3 test server skipped: $(cat "$SERVER_DIR/skipped")"
  "$MLO_SOURCE_DIR/tests/s3/server.sh" run "$SERVER_DIR" env MLO="$MLO" BENCH_TMP="$BENCH_TMP/inner" \
    bash "$0" "$@"
  rc=$?
  "$MLO_SOURCE_DIR/tests/s3/server.sh" stop "$SERVER_DIR" >/dev/null 2>&1
  exit $rc
fi

# Inside the namespace, with the server's credentials in the environment.
mkdir -p "$BENCH_TMP"
cd "$BENCH_TMP" || exit 2
export MLO_ACTOR=bench AWS_DEFAULT_REGION=${AWS_REGION:-us-east-1} AWS_EC2_METADATA_DISABLED=true
AWS=(/usr/bin/aws --endpoint-url "$MLO_S3_ENDPOINT")
BUCKET=mlo-bench
"${AWS[@]}" s3api create-bucket --bucket "$BUCKET" >/dev/null 2>&1 || true
"${AWS[@]}" s3api head-bucket --bucket "$BUCKET" || bench_die "cannot create bucket $BUCKET"

echo "artifact: ${SIZE_MB} MiB of random bytes; endpoint $MLO_S3_ENDPOINT; best of $RUNS runs"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >big.bin
export MLO_STORE="$BENCH_TMP/local"
"$MLO" init >/dev/null || bench_die "init"
"$SYSTEM_PYTHON" -c '
import numpy as np, xgboost as xgb
x = np.random.default_rng(0).random((100, 3))
xgb.train({"objective": "binary:logistic"}, xgb.DMatrix(x, label=x[:, 0] > 0.5), 3).save_model("m.json")' ||
  bench_die "needs /usr/bin/python3 with xgboost"
"$MLO" register big --model m.json --artifact payload=big.bin >/dev/null ||
  bench_die "register the ${SIZE_MB} MiB version"
bytes=$(stat -c %s big.bin)

# best_of N SETUP CMD...: runs SETUP (untimed) then CMD, N times; prints the fastest CMD in ms.
best_of() {
  local n=$1 setup=$2 best="" t i
  shift 2
  for i in $(seq 1 "$n"); do
    "$setup"
    t=$(time_ms "$@")
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  echo "$best"
}
REMOTE="s3://$BUCKET/mlo"
# Each run starts from an empty prefix (so the whole blob is uploaded) and an empty local store.
clear_remote() {
  "${AWS[@]}" s3 rm --only-show-errors --recursive "s3://$BUCKET/mlo/" >/dev/null
  "$MLO" --store "$REMOTE" init >/dev/null || bench_die "init $REMOTE"
}
clear_aws() { "${AWS[@]}" s3 rm --only-show-errors --recursive "s3://$BUCKET/aws/" >/dev/null; }
clear_pulled() { rm -rf "$BENCH_TMP/pulled" "$BENCH_TMP/got.bin"; "$MLO" --store "$BENCH_TMP/pulled" init >/dev/null; }

push_ms=$(best_of "$RUNS" clear_remote "$MLO" push big --to "$REMOTE")
aws_put_ms=$(best_of "$RUNS" clear_aws "${AWS[@]}" s3 cp --only-show-errors big.bin "s3://$BUCKET/aws/big.bin")
pull_ms=$(best_of "$RUNS" clear_pulled "$MLO" --store "$BENCH_TMP/pulled" pull big --from "$REMOTE")
aws_get_ms=$(best_of "$RUNS" clear_pulled "${AWS[@]}" s3 cp --only-show-errors "s3://$BUCKET/aws/big.bin" "$BENCH_TMP/got.bin")
"$MLO" --store "$BENCH_TMP/pulled" verify >/dev/null || bench_die "the pulled store does not verify"
cmp -s big.bin "$BENCH_TMP/got.bin" || bench_die "aws s3 cp download differs"

mbps() { awk -v b="$bytes" -v ms="$1" 'BEGIN { printf "%.1f\n", b / 1048576 / (ms / 1000) }'; }
figure "mlo push throughput" "$(mbps "$push_ms")" "MiB/s"
figure "aws s3 cp upload throughput" "$(mbps "$aws_put_ms")" "MiB/s"
target "push / aws s3 cp upload throughput" "$(ratio "$aws_put_ms" "$push_ms")" ">=" 0.7
figure "mlo pull throughput" "$(mbps "$pull_ms")" "MiB/s"
figure "aws s3 cp download throughput" "$(mbps "$aws_get_ms")" "MiB/s"
target "pull / aws s3 cp download throughput" "$(ratio "$aws_get_ms" "$pull_ms")" ">=" 0.7
bench_finish
