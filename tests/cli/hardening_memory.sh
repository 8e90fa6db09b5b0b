#!/usr/bin/env bash
# Issue 12, bounded memory and time on hostile input: a decompression bomb (1 GiB of zeros in a
# ~1 MB gzip file) and YAML alias bombs (a 10 MB string aliased 900 times; billion laughs) are
# each rejected with exit 3 in under 60 s and under 512 MB peak RSS (GNU time -v).
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/hardening_common.sh"
[ -x /usr/bin/time ] || skip "needs GNU time (apt-get install time)"

# bounded CODE DESCRIPTION CMD...: exit CODE, peak RSS < 512 MB, wall time < 60 s.
bounded() {
  local code=$1 what=$2; shift 2
  /usr/bin/time -v -o time.txt "$@" >/dev/null 2>err.txt
  local rc=$?
  TESTS_RUN=$((TESTS_RUN + 1))
  [ "$rc" = "$code" ] || fail "$what: exit $rc, want $code: $(cat err.txt)"
  local kb wall
  kb=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' time.txt)
  wall=$(sed -n 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): //p' time.txt)
  [ "$kb" -lt $((512 * 1024)) ] || fail "$what: peak RSS ${kb} kB"
  local secs; secs=$("$SYSTEM_PYTHON" -c "p='$wall'.split(':'); print(int(float(p[-1]) + 60 * int(p[-2]) + (3600 * int(p[0]) if len(p) > 2 else 0)))")
  [ "$secs" -lt 60 ] || fail "$what: took ${wall}"
  pass "$what: exit $code, peak RSS $((kb / 1024)) MB, ${wall} wall"
}

# 1 GiB of zeros: 16 gzip members of 64 MiB each (one member compressed once, repeated).
head -c $((64 << 20)) /dev/zero | gzip -1 >member.gz
for _ in $(seq 1 16); do cat member.gz; done >bomb.csv.gz
echo "bomb: $(stat -c %s bomb.csv.gz) bytes compressed, 1 GiB of zeros inside"
bounded 3 "decompression bomb (no row end)" "$MLO" score-batch tiny -i bomb.csv.gz -o bomb-out.csv
assert_no_file bomb-out.csv
# Rows that are all valid but the header: a bomb of newlines is streamed, never held.
{ printf 'f0,f1,f2\n'; head -c $((128 << 20)) /dev/zero | tr '\0' '\n'; } | gzip -1 >newlines.csv.gz
bounded 0 "decompression bomb of blank lines (streamed)" "$MLO" score-batch tiny -i newlines.csv.gz -o /dev/null

"$SYSTEM_PYTHON" - <<'PY'
big = "x" * (10 << 20)
with open("alias-bomb.yaml", "w") as f:
    f.write('features: [{name: a, type: numeric}]\nbig: &s "' + big + '"\nuses: [' + ", ".join(["*s"] * 900) + "]\n")
PY
bounded 3 "YAML: 10 MB string aliased 900 times" "$MLO" register x --model m.json --preprocess alias-bomb.yaml
{
  echo 'a: &a ["x","x","x","x","x","x","x","x","x"]'
  prev=a
  for l in b c d e f g h i; do echo "$l: &$l [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]"; prev=$l; done
  echo 'features: *i'
} >laughs.yaml
bounded 3 "YAML: billion laughs" "$MLO" register x --model m.json --preprocess laughs.yaml
no_temps . "$STORE"
finish
