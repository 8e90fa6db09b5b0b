# mlo version: mlo, XGBoost and library versions; --json.
. "$(dirname "$0")/common.sh"

expect_rc 0 "version" mlo version
assert_contains "$OUT" "mlo 0."
assert_contains "$OUT" "xgboost 1."
assert_contains "$OUT" "openssl 3."
assert_contains "$OUT" "libarchive "
expect_rc 0 "version --json" mlo version --json
xgb=$(printf '%s' "$OUT" | json_get 'd["xgboost"]')
want=$("$SYSTEM_PYTHON" -c 'import xgboost; print(xgboost.__version__)' 2>/dev/null || echo "$xgb")
assert_eq "${xgb%%.*}" "${want%%.*}" "xgboost major version"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["mlo"]')" "$(sed -n 's/^project(mlo VERSION \([0-9.]*\).*/\1/p' "$MLO_SOURCE_DIR/CMakeLists.txt")"
expect_rc 0 "version needs no store" mlo --store "$TEST_TMP/nowhere" version
assert_no_file "$TEST_TMP/nowhere"
finish
