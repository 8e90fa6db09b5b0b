#!/usr/bin/env bash
# Issue 12, data integrity: every compressed input is verified to its end (gzip CRC-32 and
# length of each member, zstd/lz4 content checksums, xz check, bzip2 CRC, no trailing garbage),
# an unterminated CSV quote is structural under every --on-bad-row mode, JSON Lines is strict
# RFC 8259. Each failure: exit 3, one line naming the file (and line), the old output
# byte-identical, no temp file.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/hardening_common.sh"

expect_rc 0 "reference output" mlo score-batch tiny -i data.csv -o out.csv --columns id

# flip FILE N: xor the byte N bytes from the end with 0x55.
flip() {
  "$SYSTEM_PYTHON" - "$1" "$2" <<'PY'
import sys
p, n = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[len(b) - n] ^= 0x55; open(p, "wb").write(b)
PY
}

gzip -c data.csv >good.gz
for fmt in "gzip:gz:6:CRC-32" "gzip:gz:2:length" "zstd:zst:2:checksum" "xz:xz:10:check" \
           "bzip2:bz2:3:CRC" "lz4:lz4:2:checksum"; do
  IFS=: read -r tool ext pos what <<<"$fmt"
  "$tool" -c data.csv >"c.csv.$ext" 2>/dev/null || fail "$tool"
  flip "c.csv.$ext" "$pos"
  unchanged_after 3 "$tool with a bad $what" out.csv mlo score-batch tiny -i "c.csv.$ext" -o out.csv --columns id
  assert_contains "$ERR" "c.csv.$ext: truncated or corrupt"
  { "$tool" -c data.csv; printf 'trailing garbage'; } >"t.csv.$ext" 2>/dev/null
  unchanged_after 3 "$tool with trailing garbage" out.csv mlo score-batch tiny -i "t.csv.$ext" -o out.csv --columns id
  assert_contains "$ERR" "t.csv.$ext"
done
# Concatenated gzip members are still fine (gzip -d accepts them).
{ head -n 100 data.csv | gzip -c; tail -n +101 data.csv | gzip -c; } >multi.csv.gz
expect_rc 0 "multi-member gzip" mlo score-batch tiny -i multi.csv.gz -o multi.csv --columns id
cmp -s multi.csv out.csv || fail "multi-member gzip scores differ"

# CSV: an unterminated quote is structural under fail and skip alike.
{ head -n 50 data.csv; echo '51,"0.1,0.2,0.3'; tail -n +52 data.csv; } >quote.csv
for mode in fail skip; do
  unchanged_after 3 "unterminated quote, --on-bad-row $mode" out.csv \
    mlo score-batch tiny -i quote.csv -o out.csv --columns id --on-bad-row "$mode"
  assert_contains "$ERR" "quote.csv: line 52: quoted field opened here is never closed"
done

# JSON Lines: strict numbers and strings.
i=0
for value in '01' '.5' '1e999' '"\ud800"' '-' '1.'; do
  i=$((i + 1))
  { echo '{"id": 1, "f0": 0.5, "f1": 0.1, "f2": 0.2}'; echo "{\"id\": 2, \"f0\": $value, \"f1\": 0.1, \"f2\": 0.2}"; } >"bad$i.jsonl"
  unchanged_after 3 "JSONL value $value" out.csv mlo score-batch tiny -i "bad$i.jsonl" -o out.csv --columns id
  assert_contains "$ERR" "bad$i.jsonl: line 2:"
done

# Invalid UTF-8 in a CSV field never reaches the error line raw.
printf 'id,f0,f1,f2\n1,\xff\xfe\x1b[31m,0.1,0.2\n' >utf8.csv
run "$MLO" score-batch tiny -i utf8.csv -o utf8-out.csv --columns id
if printf '%s' "$ERR" | LC_ALL=C grep -q $'[\x80-\xff\x1b]'; then fail "raw bytes in the error line: $ERR"; fi
pass "error lines carry no raw invalid UTF-8 or escape bytes (exit $RC)"
no_temps .
finish
