# 100 runs of `mlo register` killed with SIGKILL at random moments: after each, `mlo verify`
# passes (a version left without its `registered` event is only a note) and no manifest refers
# to a missing blob. Afterwards a normal register still links onto the audit chain.
. "$(dirname "$0")/common.sh"

RUNS=${MLO_CRASH_RUNS:-100}
mlo init >/dev/null
make_tiny_model m.json 3
make_tiny_model m.ubj 3
RANDOM=42

# Kill moments spread over the whole run of one register: from a third of its duration (process
# start-up dominates before that) to a little past its end, measured here on this build.
start=$(date +%s%N)
for i in 1 2 3; do "$MLO" register timing --model m.json --dry-run >/dev/null 2>&1 || fail "timing run"; done
took_ms=$((($(date +%s%N) - start) / 3000000))
lo_ms=$((took_ms / 3)); span_ms=$((took_ms + 5))
echo "one register takes ~${took_ms} ms; killing after ${lo_ms}..$((lo_ms + span_ms)) ms"

killed=0
for i in $(seq 1 "$RUNS"); do
  # A fresh artifact most runs, so blob writes are in flight too.
  head -c $((RANDOM % 4096 + 1)) /dev/urandom >"$TEST_TMP/extra.bin"
  model=m.json
  [ $((i % 2)) -eq 0 ] && model=m.ubj
  "$MLO" register crashy --model "$model" --artifact extra="$TEST_TMP/extra.bin" >/dev/null 2>&1 &
  pid=$!
  delay=$((lo_ms + RANDOM % span_ms))
  sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
  kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
  wait "$pid" 2>/dev/null
  run "$MLO" verify --json
  [ "$RC" = 0 ] || fail "run $i: verify exit $RC: $OUT $ERR"
done
TESTS_RUN=$((TESTS_RUN + 1))
pass "$RUNS killed registers ($killed killed before finishing): verify passed after every one"

# Independent of verify: every digest named by a manifest has its blob.
missing=0
for f in "$STORE"/models/crashy/versions/*.yaml; do
  [ -e "$f" ] || continue
  for d in $(grep -o 'sha256:[0-9a-f]\{64\}' "$f"); do
    hex=${d#sha256:}
    [ -f "$STORE/objects/sha256/${hex:0:2}/${hex:2}" ] || { echo "missing blob $d in $f" >&2; missing=$((missing + 1)); }
  done
done
assert_eq "$missing" "0" "manifests referring to missing blobs"
TESTS_RUN=$((TESTS_RUN + 1))
pass "no manifest refers to a missing blob"

expect_rc 0 "register after the crashes" mlo register crashy --model m.json
expect_rc 0 "verify after it" mlo verify --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"]')" "True"
expect_rc 0 "chain intact" mlo log crashy --json
n=$(printf '%s' "$OUT" | json_get 'len(d["events"])')
[ "$n" -ge 1 ] || fail "no events"
versions=$(ls "$STORE/models/crashy/versions" | wc -l)
echo "versions: $versions, events: $n (killed runs that got as far as writing a manifest: $((versions - 1)))"
[ "$versions" -ge 5 ] || fail "too few kills landed after the manifest write to exercise recovery"
finish
