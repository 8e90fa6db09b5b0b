#!/usr/bin/env bash
# The HTML drift report opens in headless Chromium without console errors, renders one SVG
# chart per feature, and a screenshot is taken (kept in $MLO_SCREENSHOT_DIR when set).
source "$(dirname "$0")/common.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip "chromium is not installed (apt-get install chromium)"

gen_data --rows 20000 --seed 1 --out train.csv
gen_data --rows 20000 --seed 3 --distance-shift 250 --new-category ZZZ --out batch.csv
write_flights_recipe recipe.yaml flights "{max_depth: 3, eta: 0.3, num_boost_round: 10, seed: 1}"
mlo init >/dev/null
expect_rc 0 "train" mlo train --config recipe.yaml --data train.csv
expect_rc 8 "html report" mlo drift flights --current batch.csv --labels --slice-by dow --report report.html
assert_file report.html

chrome() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$TEST_TMP/profile-$1" --enable-logging=stderr --v=0 \
    "${@:2}" "file://$TEST_TMP/report.html"
}
chrome dom --dump-dom > dom.html 2> dom.log || fail "chromium --dump-dom failed: $(tail -n 5 dom.log)"
charts=$(grep -o '<svg class="chart"' dom.html | wc -l)
assert_eq "$charts" "8" "one SVG chart per feature in the rendered DOM"
if grep -Ei 'CONSOLE\(|Uncaught|console error' dom.log; then fail "console errors while rendering the report"; fi
pass "no console errors"
chrome shot --screenshot="$TEST_TMP/report.png" --window-size=1280,2400 > /dev/null 2> shot.log || fail "screenshot failed: $(tail -n 5 shot.log)"
assert_file report.png
[ "$(stat -c %s report.png)" -gt 10000 ] || fail "screenshot is suspiciously small"
pass "screenshot taken"
if [ -n "${MLO_SCREENSHOT_DIR:-}" ]; then cp report.png report.html "$MLO_SCREENSHOT_DIR/"; fi
finish
