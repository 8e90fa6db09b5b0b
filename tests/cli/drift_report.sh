#!/usr/bin/env bash
# The HTML drift report opens in headless Chromium without console errors, renders one SVG
# chart per feature, and its verdict banner is visible without scrolling in a 1280x800 window
# (checked on the screenshot's pixels; kept in $MLO_SCREENSHOT_DIR when set).
source "$(dirname "$0")/common.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  [ "${CI:-}" = true ] && fail "chromium is not installed (MLO_WITH_BROWSER=1 scripts/install-deps.sh)"
  skip "chromium is not installed (apt-get install chromium)"
fi

gen_data --rows 20000 --seed 1 --out train.csv
gen_data --rows 20000 --seed 3 --distance-shift 250 --new-category ZZZ --out batch.csv
write_flights_recipe recipe.yaml flights "{max_depth: 3, eta: 0.3, num_boost_round: 10, seed: 1}"
mlo init >/dev/null
expect_rc 0 "train" mlo train --config recipe.yaml --data train.csv
expect_rc 8 "html report" mlo drift flights --current batch.csv --labels --slice-by dow --report report.html
assert_file report.html
[ "$(stat -c %s report.html)" -lt 1000000 ] || fail "report over 1 MB"

chrome() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-quic \
    --user-data-dir="$TEST_TMP/profile-$1" --enable-logging=stderr --v=0 \
    "${@:2}" "file://$TEST_TMP/report.html"
}
chrome dom --dump-dom > dom.html 2> dom.log || fail "chromium --dump-dom failed: $(tail -n 5 dom.log)"
charts=$(grep -o '<svg class="chart"' dom.html | wc -l)
assert_eq "$charts" "8" "one SVG chart per feature in the rendered DOM"
if grep -Ei 'CONSOLE\(|Uncaught|console error' dom.log; then fail "console errors while rendering the report"; fi
pass "no console errors"
chrome shot --screenshot="$TEST_TMP/report.png" --window-size=1280,800 --hide-scrollbars > /dev/null 2> shot.log \
  || fail "screenshot failed: $(tail -n 5 shot.log)"
assert_file report.png
# The verdict banner (#b00020 for a finding) must be on the first screen: count its pixels.
"$SYSTEM_PYTHON" - report.png <<'PY' || fail "verdict banner not visible in the 1280x800 screenshot"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if kind == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT": idat += body
assert depth == 8 and ctype in (2, 6), (depth, ctype)
bpp = 3 if ctype == 2 else 4
raw, stride, prev, red = zlib.decompress(idat), w * bpp, bytearray(w * bpp), 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        if abs(r - 176) < 12 and g < 20 and abs(bl - 32) < 16: red += 1
print(f"{w}x{h}, verdict-red pixels: {red}")
sys.exit(0 if h <= 800 and red > 5000 else 1)
PY
pass "verdict visible at 1280x800 without scrolling"
if [ -n "${MLO_SCREENSHOT_DIR:-}" ]; then cp report.png report.html "$MLO_SCREENSHOT_DIR/"; fi
finish
