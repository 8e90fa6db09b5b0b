#!/usr/bin/env bash
# Issue 12, SIGINT/SIGTERM: the command removes every temp file it created, leaves outputs and
# the store as they were, prints one line and exits 130/143. Deterministic: the signal is raised
# at a given durable-write step (MLO_TEST_CRASH_AT + MLO_TEST_CRASH_SIGNAL, see
# lib/mlo/core/crash_point.hpp), and once for real with kill(1) while mlo waits on a FIFO.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/hardening_common.sh"

expect_rc 0 "reference output" mlo score-batch tiny -i data.csv -o out.csv --columns id
make_tiny_model m2.json 4

# Every crash point of a score-batch and of a register, with each signal.
for sig in INT:130 TERM:143; do
  name=${sig%%:*} code=${sig##*:}
  for n in 1 2 3 4 5 6; do
    before=$(sha256sum <out.csv)
    MLO_TEST_CRASH_AT=$n MLO_TEST_CRASH_SIGNAL=$name run "$MLO" score-batch tiny -i data.csv -o out.csv --columns id
    [ "$RC" = 0 ] && break  # fewer durable steps than n: the run completed
    TESTS_RUN=$((TESTS_RUN + 1))
    assert_eq "$RC" "$code" "score-batch SIG$name at step $n: exit"
    assert_eq "$(printf '%s\n' "$ERR" | wc -l)" "1" "score-batch SIG$name at step $n: one line"
    assert_contains "$ERR" "mlo: error: "
    assert_eq "$(sha256sum <out.csv)" "$before" "score-batch SIG$name at step $n: output changed"
    no_temps . "$STORE"
    pass "score-batch SIG$name at durable step $n: exit $code, output and temps clean"
  done
  for n in 1 2 3 4 5 6 7 8; do
    MLO_TEST_CRASH_AT=$n MLO_TEST_CRASH_SIGNAL=$name run "$MLO" register sig$name --model m2.json
    [ "$RC" = 0 ] && break
    TESTS_RUN=$((TESTS_RUN + 1))
    assert_eq "$RC" "$code" "register SIG$name at step $n: exit"
    no_temps "$STORE"
    expect_rc 0 "verify after register SIG$name at step $n" mlo verify
  done
done

# A real signal from outside while score-batch blocks reading a FIFO.
mkfifo in.fifo
before=$(sha256sum <out.csv)
"$MLO" score-batch tiny -i in.fifo -o out.csv --columns id 2>sig.err &
pid=$!
exec 3>in.fifo               # opening the writer end unblocks mlo's open()
head -n 100 data.csv >&3     # a header and rows; mlo now waits for more
kill -TERM "$pid"
wait "$pid"; rc=$?
exec 3>&-
assert_eq "$rc" "143" "kill -TERM: exit"
assert_eq "$(cat sig.err)" "mlo: error: terminated (SIGTERM); outputs left as they were" "kill -TERM: message"
assert_eq "$(sha256sum <out.csv)" "$before" "kill -TERM: output changed"
no_temps . "$STORE"
TESTS_RUN=$((TESTS_RUN + 1))
pass "kill -TERM while reading: exit 143, one line, output unchanged, no temp"
finish
