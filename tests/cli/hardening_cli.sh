#!/usr/bin/env bash
# Issue 12/17, the command line: usage errors exit 2 everywhere (threads capped at 1..4 x cores,
# holdout, shard, exclusive flags), missing inputs exit 4, help/--version/unknown commands.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/hardening_common.sh"

cores=$(nproc)
for threads in 0 -1 $((4 * cores + 1)) 99999999999; do
  expect_error 2 "score-batch --threads $threads" mlo score-batch tiny -i data.csv -o o.csv --threads "$threads"
  expect_error 2 "train --threads $threads" mlo train --config r.yaml --data data.csv --threads "$threads"
done
assert_no_file o.csv
expect_rc 0 "score-batch --threads 4 x cores" mlo score-batch tiny -i data.csv -o o.csv --threads $((4 * cores))
expect_error 2 "train --holdout 1.5" mlo train --config r.yaml --data data.csv --holdout 1.5
expect_error 2 "train --holdout 0" mlo train --config r.yaml --data data.csv --holdout 0
expect_error 4 "train: missing recipe" mlo train --config nope.yaml --data data.csv
expect_error 4 "score-batch: missing input" mlo score-batch tiny -i nope.csv -o o2.csv
assert_no_file o2.csv
expect_error 4 "score-batch: missing output directory" mlo score-batch tiny -i data.csv -o nodir/o.csv
expect_error 2 "score-batch --shard past 2^63" mlo score-batch tiny -i data.csv -o o2.csv --shard 0/18446744073709551615
expect_error 2 "score-batch --shard 2^63+1" mlo score-batch tiny -i data.csv -o o2.csv --shard 1/9223372036854775809
expect_error 2 "score-batch --shard -1/2" mlo score-batch tiny -i data.csv -o o2.csv --shard -1/2
expect_rc 0 "score-batch --shard 0/2^63" mlo score-batch tiny -i data.csv -o o2.csv --shard 0/9223372036854775808
expect_error 2 "--columns with --no-columns" mlo score-batch tiny -i data.csv -o o3.csv --columns id --no-columns
assert_no_file o3.csv
expect_error 2 "score-batch -o a directory" mlo score-batch tiny -i data.csv -o .

expect_error 2 "unknown command" mlo lst
assert_eq "$(printf '%s\n' "$ERR" | head -n1)" "mlo: error: unknown command 'lst'"
assert_contains "$ERR" "did you mean 'list'?"
expect_error 2 "mistyped flag" mlo score-batch tiny -i data.csv -o o4.csv --thread 2
assert_contains "$ERR" "did you mean '--threads'?"
expect_error 2 "no command" mlo

expect_rc 0 "mlo --version" mlo --version
assert_contains "$OUT" "mlo "
expect_rc 0 "mlo help" mlo help
assert_contains "$OUT" "score-batch"
help_cmd=$("$MLO" help score-batch); cmd_help=$("$MLO" score-batch --help)
assert_eq "$help_cmd" "$cmd_help" "mlo help score-batch = mlo score-batch --help"
pass "mlo help CMD is mlo CMD --help"
expect_error 2 "help: unknown topic" mlo help exit-cods
assert_contains "$ERR" "did you mean 'exit-codes'?"
expect_rc 0 "help exit-codes --json" mlo help exit-codes --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["exit_codes"][3]["code"]')" "3"
expect_rc 0 "help exit-codes" mlo help exit-codes
assert_contains "$OUT" "invalid input"
no_temps .
finish
