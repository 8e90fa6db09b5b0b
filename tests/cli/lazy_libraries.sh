#!/usr/bin/env bash
# XGBoost, libcurl and libarchive are opened at run time by the commands that need them
# (lib/mlo/core/lazy_library.hpp), never linked: the binary does not list them as NEEDED, and
# with one of them missing (MLO_LIB* pointing at a file that does not exist) every command that
# does not need it works, and one that does fails with exit 1 and one line naming the library,
# leaving the store and its outputs as they were.
. "$(dirname "$0")/common.sh"
require_python xgboost lzma
command -v readelf >/dev/null || skip "readelf (binutils) missing"

# --- not linked ---------------------------------------------------------------------------
needed=$(readelf -d "$MLO" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || fail "readelf lists no NEEDED entries for $MLO"
for lib in libxgboost libdmlc libgomp libcurl libarchive; do
  case "$needed" in *"$lib"*) fail "$lib is linked (NEEDED): $needed" ;; esac
done
pass "NEEDED lists none of libxgboost, libdmlc, libgomp, libcurl, libarchive"

mlo init >/dev/null
make_tiny_model m.json 3
expect_rc 0 "register" mlo register tiny --model m.json
printf 'f0,f1,f2\n0.1,0.9,0.3\n0.7,0.2,0.5\n0.6,,0.4\n' > rows.csv
"$SYSTEM_PYTHON" -c 'import lzma, sys; open("rows.csv.xz", "wb").write(lzma.compress(open("rows.csv", "rb").read()))'
gzip -c rows.csv > rows.csv.gz
expect_rc 0 "score-batch with every library" mlo score-batch tiny -i rows.csv -o want.csv --engine xgboost
write_flights_recipe recipe.yaml flights "{max_depth: 3, num_boost_round: 5, seed: 1}"
gen_data --rows 500 --seed 3 --out train.csv

# --- XGBoost missing ------------------------------------------------------------------------
export MLO_LIBXGBOOST="$TEST_TMP/missing/libxgboost.so.0"
expect_rc 0 "version without XGBoost" mlo version
assert_contains "$OUT" "xgboost 1." "version shows the build's XGBoost"
expect_rc 0 "version --json without XGBoost" mlo version --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["runtime"]["xgboost"]["loaded"]')" "False" "runtime.xgboost.loaded"
assert_contains "$(printf '%s' "$OUT" | json_get 'd["runtime"]["xgboost"]["error"]')" "could not be loaded"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["runtime"]["libcurl"]["loaded"]')" "True" "runtime.libcurl.loaded"
expect_rc 0 "version -v without XGBoost" mlo -v version
assert_contains "$OUT" "runtime xgboost not loaded: XGBoost library $MLO_LIBXGBOOST could not be loaded"
expect_rc 0 "score-batch --engine native without XGBoost" mlo score-batch tiny -i rows.csv -o native.csv --engine native
assert_eq "$(cat native.csv)" "$(cat want.csv)" "native scores equal XGBoost's"
expect_rc 0 "list, show and verify without XGBoost" mlo verify
before=$(tree_listing "$STORE")
expect_error 1 "score-batch --engine xgboost without XGBoost" mlo score-batch tiny -i rows.csv -o x.csv --engine xgboost
assert_contains "$ERR" "XGBoost library $MLO_LIBXGBOOST could not be loaded: "
assert_no_file x.csv
expect_error 1 "train without XGBoost" mlo train --config recipe.yaml --data train.csv
assert_contains "$ERR" "XGBoost library $MLO_LIBXGBOOST could not be loaded"
expect_error 1 "register without XGBoost" mlo register other --model m.json
assert_contains "$ERR" "XGBoost library $MLO_LIBXGBOOST could not be loaded"
assert_eq "$(tree_listing "$STORE")" "$before" "store unchanged by the failed commands"
unset MLO_LIBXGBOOST

# --- libarchive missing ---------------------------------------------------------------------
export MLO_LIBARCHIVE="$TEST_TMP/missing/libarchive.so.13"
expect_rc 0 "gzip input (zlib) without libarchive" mlo score-batch tiny -i rows.csv.gz -o plain.csv
expect_error 1 "xz input without libarchive" mlo score-batch tiny -i rows.csv.xz -o xz.csv
assert_contains "$ERR" "rows.csv.xz: compression library $MLO_LIBARCHIVE could not be loaded"
assert_no_file xz.csv
expect_error 1 "xz output without libarchive" mlo score-batch tiny -i rows.csv -o out.csv.xz
assert_contains "$ERR" "compression library $MLO_LIBARCHIVE could not be loaded"
assert_no_file out.csv.xz
expect_error 1 "export without libarchive" mlo export tiny -o tiny.mlo.tar.zst
assert_contains "$ERR" "compression library $MLO_LIBARCHIVE could not be loaded"
assert_no_file tiny.mlo.tar.zst
unset MLO_LIBARCHIVE
expect_rc 0 "xz input with libarchive" mlo score-batch tiny -i rows.csv.xz -o xz.csv
assert_eq "$(cat xz.csv)" "$(cat plain.csv)" "xz and gzip inputs score alike"

# --- libcurl missing ------------------------------------------------------------------------
export MLO_LIBCURL="$TEST_TMP/missing/libcurl.so.4"
expect_error 1 "an S3 store without libcurl" env AWS_ACCESS_KEY_ID=k AWS_SECRET_ACCESS_KEY=s \
  AWS_ENDPOINT_URL=http://127.0.0.1:9 "$MLO" --store s3://bucket list
assert_contains "$ERR" "HTTP library $MLO_LIBCURL could not be loaded"
expect_rc 0 "a webhook without libcurl warns, never fails" mlo register other --model m.json --notify http://127.0.0.1:9/hook
assert_contains "$ERR" "HTTP library $MLO_LIBCURL could not be loaded"
unset MLO_LIBCURL
finish
