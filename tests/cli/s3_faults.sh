#!/usr/bin/env bash
# Network faults between mlo and the radosgw test server (tests/s3/server.sh run): a TCP proxy
# on loopback (tests/s3/fault_proxy.py) drops connections, cuts responses and uploads short,
# resets them, and stalls them mid-transfer. A few faults: register, score-batch and promote
# retry and succeed with the right result. Faults that never stop: the command fails cleanly
# (exit 1, one error line) within its timeouts. Either way the store stays consistent: verify
# passes after every step.
source "$(dirname "$0")/common.sh"
require_s3
PROXY="$MLO_SOURCE_DIR/tests/s3/fault_proxy.py"
STORE="s3://mlo-faults/run-$$-$RANDOM"
export MLO_STORE="$STORE"
s3_bucket "mlo-faults"
# Short timeouts and backoff so a stall costs seconds; at most 5 attempts per request.
export MLO_S3_READ_TIMEOUT=2 MLO_S3_CONNECT_TIMEOUT=2 MLO_S3_MAX_ATTEMPTS=5
REAL_ENDPOINT=$MLO_S3_ENDPOINT

PROXY_PID=
stop_proxy() {
  if [ -n "$PROXY_PID" ]; then kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null; fi
  PROXY_PID=
}
trap 'stop_proxy; rm -rf "$TEST_TMP"' EXIT
# start_proxy ARGS...: a fresh proxy (fault counters at zero) in front of the server.
start_proxy() {
  stop_proxy
  rm -f "$TEST_TMP/proxy.port" "$TEST_TMP/proxy.log"
  "$SYSTEM_PYTHON" "$PROXY" --target "${REAL_ENDPOINT#http://}" --port-file "$TEST_TMP/proxy.port" \
    --log "$TEST_TMP/proxy.log" "$@" &
  PROXY_PID=$!
  for _ in $(seq 50); do [ -s "$TEST_TMP/proxy.port" ] && break; sleep 0.1; done
  [ -s "$TEST_TMP/proxy.port" ] || fail "the fault proxy did not start"
}
# via CMD...: runs CMD with mlo talking to the server through the proxy.
via() { MLO_S3_ENDPOINT="http://127.0.0.1:$(cat "$TEST_TMP/proxy.port")" "$@"; }
faults() { wc -l <"$TEST_TMP/proxy.log" 2>/dev/null || echo 0; }
expect_faults() {  # expect_faults WHAT: the proxy really broke at least one connection
  local n; n=$(faults)
  [ "$n" -ge 1 ] || fail "$1: the proxy injected no fault (the test would prove nothing)"
}
verify_clean() {  # direct to the server
  expect_rc 0 "verify after: $1" mlo verify --json
  assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"]')" "True" "verify after: $1"
}

mlo init >/dev/null || fail "init"
make_tiny_model m.json 3
head -c 300000 /dev/urandom >big.bin  # an artifact large enough to be cut mid-upload
"$SYSTEM_PYTHON" -c "
import random; random.seed(5)
print('f0,f1,f2')
for _ in range(3000): print(','.join(f'{random.random():.6f}' for _ in range(3)))" >x.csv
expect_rc 0 "register flights:1 directly" mlo register flights --model m.json
expect_rc 0 "score directly (the reference output)" mlo score-batch flights:1 -i x.csv -o want.csv

n=1
for spec in "truncate down 700 2" "reset down 2000 2" "drop down 1 3" "truncate up 50000 2" \
            "reset up 150000 2" "stall down 600 1"; do
  read -r mode dir at count <<<"$spec"
  n=$((n + 1))
  start_proxy --fault "$mode" --dir "$dir" --at "$at" --count "$count"
  t0=$(date +%s)
  via expect_rc 0 "register retries through $count x $mode ($dir at byte $at)" \
    mlo register flights --model m.json --artifact blob="big.bin" --label fault="$mode-$dir"
  assert_eq "$OUT" "flights:$n"
  expect_faults "$mode $dir"
  [ $(($(date +%s) - t0)) -le 30 ] || fail "$mode: took $(($(date +%s) - t0)) s"
  head -c 300000 /dev/urandom >big.bin  # new bytes: the next register uploads again
done
verify_clean "registers through faults"
stop_proxy

# Reads: a score whose blob downloads are cut mid-way resumes them (Range) and scores the same.
start_proxy --fault truncate --dir down --at 3000 --count 3
via expect_rc 0 "score-batch through cut downloads" mlo score-batch flights:1 -i x.csv -o got.csv
expect_faults "score-batch"
cmp -s want.csv got.csv || fail "scores through the faulty proxy differ"
start_proxy --fault stall --dir down --at 2500 --count 1
via expect_rc 0 "score-batch through a stalled download" mlo score-batch flights:1 -i x.csv -o got2.csv
expect_faults "score-batch stall"
cmp -s want.csv got2.csv || fail "scores through the stalled proxy differ"

# Alias moves: conditional writes whose answer is lost are read back, never blindly repeated.
cat >open.yaml <<YAML
apiVersion: mlo/v1
kind: PromotionPolicy
metric: {enabled: false}
approvals: {required: 0}
YAML
for spec in "truncate down 400 2" "reset up 300 2" "drop down 1 2"; do
  read -r mode dir at count <<<"$spec"
  v=$(( (RANDOM % 6) + 1 ))
  start_proxy --fault "$mode" --dir "$dir" --at "$at" --count "$count"
  via expect_rc 0 "promote through $count x $mode ($dir)" mlo promote "flights:$v" --to champion --policy open.yaml
  expect_faults "promote $mode $dir"
  expect_rc 0 "alias after promote ($mode)" mlo --json show flights@champion
  assert_eq "$(printf '%s' "$OUT" | json_get 'd["ref"]')" "flights:$v"
done
verify_clean "promotes through faults"

# Faults that never stop: exit 1 with one error line, nothing half-done that verify objects to.
before=$(mlo --json list flights | json_get 'len(d["versions"])')
for spec in "truncate down 500" "reset up 300" "drop down 1" "stall down 400"; do
  read -r mode dir at <<<"$spec"
  start_proxy --fault "$mode" --dir "$dir" --at "$at" --count 100000
  head -c 300000 /dev/urandom >big.bin  # not in the store yet: it must be uploaded
  t0=$(date +%s)
  MLO_S3_MAX_ATTEMPTS=2 via expect_error 1 "register with endless $mode ($dir) fails cleanly" \
    mlo register flights --model m.json --artifact blob=big.bin
  [ $(($(date +%s) - t0)) -le 40 ] || fail "endless $mode: took $(($(date +%s) - t0)) s to give up"
  case "$ERR" in *"$AWS_SECRET_ACCESS_KEY"*) fail "the secret key is in the error" ;; esac
  MLO_S3_MAX_ATTEMPTS=2 via expect_error 1 "promote with endless $mode ($dir) fails cleanly" \
    mlo promote flights:2 --to "endless-$mode" --policy open.yaml
  stop_proxy
  verify_clean "endless $mode"
done
after=$(mlo --json list flights | json_get 'len(d["versions"])')
assert_eq "$after" "$before" "no version appeared from a failed register"
expect_rc 0 "the store works normally afterwards" mlo register flights --model m.json
finish
