#!/usr/bin/env bash
# Progress lines: on a pseudo-terminal (`script`) drift and score-batch draw a line with a
# percentage, rows/s, MB/s and an ETA; train and retrain draw one while reading the data and a
# per-round line with a percentage, ETA and the named eval metric; through a pipe, or with CI
# set, they draw nothing.
source "$(dirname "$0")/common.sh"
command -v script >/dev/null || { [ "${CI:-}" = true ] && fail "script(1) is missing"; skip "needs script(1) from util-linux"; }
require_python pandas

gen_data --rows 20000 --seed 1 --out train.csv
gen_data --rows 60000 --seed 2 --out batch.csv
write_flights_recipe recipe.yaml flights "{max_depth: 3, eta: 0.3, num_boost_round: 10, seed: 1}"
mlo init >/dev/null
expect_rc 0 "train" mlo train --config recipe.yaml --data train.csv

on_tty() { env -u CI script -qefc "$*" /dev/null; }
TESTS_RUN=$((TESTS_RUN + 1))
on_tty "'$MLO' drift flights --current batch.csv --chunk-rows 2000 --no-record >/dev/null" > tty.log 2>&1 || true
grep -aq 'drift: [0-9]*% · ETA [0-9]*:[0-9][0-9] · [0-9]* rows · .* rows/s · .* MB/s' tty.log \
  || fail "no drift progress line with a percentage and ETA on a terminal: $(tr '\r' '\n' < tty.log | head -n 5)"
pass "drift draws a progress line on a terminal"
TESTS_RUN=$((TESTS_RUN + 1))
on_tty "'$MLO' score-batch flights --input batch.csv --output scored.csv >/dev/null" > tty2.log 2>&1 || true
grep -aq 'scoring: [0-9]*% · ' tty2.log || fail "no score-batch progress line: $(tr '\r' '\n' < tty2.log | head -n 5)"
pass "score-batch draws a progress line on a terminal"

TESTS_RUN=$((TESTS_RUN + 1))
on_tty "'$MLO' train --config recipe.yaml --data train.csv" > tty3.log 2>&1 || true
grep -aq 'reading train.csv: [0-9]*% · ETA [0-9]*:[0-9][0-9] · [0-9]* rows · .* rows/s · .* MB/s' tty3.log \
  || fail "no train reading progress line: $(tr '\r' '\n' < tty3.log | head -n 5)"
grep -aq 'training: 100% · ETA 0:00 · round 10/10 · [0-9.]* rounds/s · eval-logloss 0\.[0-9]\{5\}' tty3.log \
  || fail "no train round line with a percentage, ETA and the named metric: $(tr '\r' '\n' < tty3.log | head -n 8)"
pass "train draws a reading line and a per-round line with the named metric on a terminal"
TESTS_RUN=$((TESTS_RUN + 1))
on_tty "'$MLO' retrain flights --data batch.csv --dry-run" > tty4.log 2>&1 || true
grep -aq 'reading batch.csv: [0-9]*% · ' tty4.log && grep -aq 'training: 100% · ETA 0:00 · round 10/10' tty4.log \
  || fail "no retrain progress: $(tr '\r' '\n' < tty4.log | head -n 8)"
pass "retrain draws the same progress lines"
expect_rc 0 "train through a pipe" mlo train --config recipe.yaml --data train.csv
case "$ERR" in *"%"*|*"ETA"*|*"rounds/s"*) fail "train progress drawn into a pipe: $ERR" ;; esac
pass "no train progress into a pipe"

expect_rc 0 "drift through a pipe" mlo drift flights --current batch.csv --chunk-rows 2000 --no-record
case "$ERR" in *"%"*|*"ETA"*) fail "progress drawn into a pipe: $ERR" ;; esac
pass "no progress into a pipe"
TESTS_RUN=$((TESTS_RUN + 1))
CI=true script -qefc "'$MLO' drift flights --current batch.csv --chunk-rows 2000 --no-record >/dev/null" /dev/null > ci.log 2>&1 || true
if grep -aq 'ETA' ci.log; then fail "progress drawn with CI set"; fi
pass "no progress with CI set"
finish
