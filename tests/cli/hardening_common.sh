#!/usr/bin/env bash
# Shared by tests/cli/hardening_*.sh, sourced after common.sh (not a test: tests/CMakeLists.txt
# skips *common.sh).
# A store with a 3-feature model "tiny" (features f0 f1 f2) and data files to score with it.
mlo init >/dev/null || fail "mlo init"
make_tiny_model m.json 3
mlo register tiny --model m.json >/dev/null || fail "register tiny"
{
  echo "id,f0,f1,f2"
  for i in $(seq 1 300); do echo "$i,0.$((i % 10)),0.$((i * 7 % 10)),0.$((i * 3 % 10))"; done
} >data.csv

# no_temps DIR...: no temp file (".*.tmp-*") anywhere under the directories.
no_temps() {
  local left; left=$(find "$@" -name '*.tmp-*' 2>/dev/null)
  [ -z "$left" ] || fail "temp files left behind: $left"
}

# unchanged_after CODE DESCRIPTION FILE CMD...: CMD fails with CODE and one error line; FILE
# (an output that existed before) and the store are byte-identical afterwards; no temp file.
unchanged_after() {
  local code=$1 what=$2 file=$3; shift 3
  local before store_before
  before=$(sha256sum <"$file"); store_before=$(tree_listing "$STORE")
  expect_error "$code" "$what" "$@"
  assert_eq "$(sha256sum <"$file")" "$before" "$what: $file changed"
  assert_eq "$(tree_listing "$STORE")" "$store_before" "$what: store changed"
  no_temps "$(dirname "$file")" "$STORE"
}
