# `mlo register` killed with SIGKILL at every durable-write step in turn (MLO_TEST_CRASH_AT=N,
# lib/mlo/core/crash_point.hpp: the N-th AtomicFile create/write/fsync/rename/link), N = 1, 2, ...
# until a run completes. After each kill `mlo verify` passes (a version left without its
# `registered` event is only a note) and no manifest refers to a missing blob. Afterwards a
# normal register still links onto the audit chain. Deterministic: no timing involved.
. "$(dirname "$0")/common.sh"

mlo init >/dev/null
make_tiny_model m.json 3
make_tiny_model m.ubj 3

check_store() {  # $1: label
  run "$MLO" verify --json
  [ "$RC" = 0 ] || fail "$1: verify exit $RC: $OUT $ERR"
  local f d hex
  for f in "$STORE"/models/crashy/versions/*.yaml; do
    [ -e "$f" ] || continue
    for d in $(grep -o 'sha256:[0-9a-f]\{64\}' "$f"); do
      hex=${d#sha256:}
      [ -f "$STORE/objects/sha256/${hex:0:2}/${hex:2}" ] || fail "$1: $f names missing blob $d"
    done
  done
}

for model in m.json m.ubj; do
  killed=0 n=0 completed=0
  while [ "$completed" = 0 ]; do
    n=$((n + 1))
    [ "$n" -le 200 ] || fail "$model: register never completed within 200 crash points"
    head -c $((n * 37 % 4096 + 1)) /dev/urandom >"$TEST_TMP/extra.bin"  # a fresh blob each run
    MLO_TEST_CRASH_AT=$n "$MLO" register crashy --model "$model" \
      --artifact extra="$TEST_TMP/extra.bin" >/dev/null 2>"$TEST_TMP/crash.err"
    rc=$?
    case "$rc" in
      137) killed=$((killed + 1)) ;;
      0) completed=1 ;;
      *) fail "$model: crash point $n: exit $rc: $(cat "$TEST_TMP/crash.err")" ;;
    esac
    check_store "$model crash point $n"
  done
  TESTS_RUN=$((TESTS_RUN + 1))
  pass "$model: killed at each of $killed crash points in turn, verify passed after every one"
done

# Versions whose manifest was written before the kill: recovery really was exercised.
versions=$(ls "$STORE/models/crashy/versions" | wc -l)
echo "versions: $versions (2 completed registers, the rest killed after the manifest write)"
[ "$versions" -ge 4 ] || fail "no kill landed after a manifest write"

expect_rc 0 "register after the crashes" mlo register crashy --model m.json --artifact extra="$TEST_TMP/extra.bin"
expect_rc 0 "verify after it" mlo verify --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"]')" "True"
expect_rc 0 "chain intact" mlo log crashy --json
n=$(printf '%s' "$OUT" | json_get 'len(d["events"])')
[ "$n" -ge 3 ] || fail "want at least 3 events (2 completed registers + this one), got $n"
finish
