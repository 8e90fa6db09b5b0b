#!/usr/bin/env bash
# Issue 12, output paths: a regular file or new path is replaced atomically; a device, FIFO,
# /dev/stdout, /dev/fd/N and process substitution are streamed into and never replaced; a
# symlink's target is replaced and the link kept; -o equal to the input is refused (exit 2);
# .lz4 compresses; a failed run leaves a pre-existing output byte-identical with no temp file.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/hardening_common.sh"

expect_rc 0 "score to a new file" mlo score-batch tiny -i data.csv -o ref.csv --columns id
rows=$(wc -l <ref.csv)
assert_eq "$rows" "301" "reference output rows"

expect_rc 0 "-o /dev/null" mlo score-batch tiny -i data.csv -o /dev/null
[ -c /dev/null ] || fail "/dev/null is no longer a character device"
pass "/dev/null is still a character device"

mkfifo fifo
cat fifo >from_fifo.csv &
reader=$!
expect_rc 0 "-o FIFO" mlo score-batch tiny -i data.csv -o fifo --columns id
wait "$reader"
[ -p fifo ] || fail "the FIFO was replaced"
cmp -s from_fifo.csv ref.csv || fail "bytes through the FIFO differ from a file output"
pass "FIFO kept, its reader got the scores"

run "$MLO" score-batch tiny -i data.csv -o /dev/stdout --columns id
assert_eq "$RC" "0" "-o /dev/stdout exit"
assert_eq "$OUT" "$(cat ref.csv)" "-o /dev/stdout bytes"
pass "-o /dev/stdout streams to stdout"

"$MLO" score-batch tiny -i data.csv -o /dev/stdout --columns id >redirected.csv 2>/dev/null || fail "-o /dev/stdout > file"
cmp -s redirected.csv ref.csv || fail "-o /dev/stdout redirected to a file differs"
pass "-o /dev/stdout redirected to a regular file writes through the shell's descriptor"

expect_rc 0 "-o process substitution" mlo score-batch tiny -i data.csv -o >(cat >procsub.csv) --columns id
for _ in $(seq 1 100); do [ "$(wc -l <procsub.csv 2>/dev/null)" = 301 ] && break; sleep 0.1; done
cmp -s procsub.csv ref.csv || fail "process substitution output differs"
pass "process substitution gets the scores"

mkdir -p real
echo "old" >real/target.csv
ln -s real/target.csv link.csv
expect_rc 0 "-o symlink" mlo score-batch tiny -i data.csv -o link.csv --columns id
[ -L link.csv ] || fail "the symlink was replaced by a file"
cmp -s real/target.csv ref.csv || fail "the symlink's target was not replaced with the scores"
pass "symlink kept, its target replaced"
no_temps . real

cp data.csv same.csv
before=$(sha256sum <same.csv)
expect_error 2 "-o equal to the input" mlo score-batch tiny -i same.csv -o same.csv
assert_contains "$ERR" "is the input file"
ln -s same.csv same-link.csv
expect_error 2 "-o a symlink to the input" mlo score-batch tiny -i same.csv -o same-link.csv
assert_eq "$(sha256sum <same.csv)" "$before" "input changed"

expect_rc 0 "-o .lz4 compresses" mlo score-batch tiny -i data.csv -o out.csv.lz4 --columns id
lz4 -dc out.csv.lz4 >lz4.csv 2>/dev/null || fail "out.csv.lz4 is not lz4"
cmp -s lz4.csv ref.csv || fail "lz4 output differs"
pass "lz4 output decompresses to the same scores"

# A failing run (ragged row at the end) leaves the existing output exactly as it was.
cp ref.csv keep.csv
{ cat data.csv; echo "1,2"; } >ragged.csv
unchanged_after 3 "failed run keeps the old output" keep.csv \
  mlo score-batch tiny -i ragged.csv -o keep.csv --columns id
finish
