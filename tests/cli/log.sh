# mlo log NAME: audit events in order, linked; --json.
. "$(dirname "$0")/common.sh"

mlo init >/dev/null
make_tiny_model m.json 3
mlo register lg --model m.json >/dev/null || fail "register 1"
MLO_ACTOR=bob mlo register lg --model m.json >/dev/null || fail "register 2"

expect_rc 0 "log" mlo log lg
assert_contains "$OUT" "registered"
assert_contains "$(printf '%s\n' "$OUT" | grep '^2 ')" "bob"
assert_contains "$OUT" "version=2"

expect_rc 0 "log --json" mlo log lg --json
assert_eq "$(printf '%s' "$OUT" | json_get '[e["number"] for e in d["events"]]')" "[1, 2]"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["events"][0]["previous"]')" ""
assert_eq "$(printf '%s' "$OUT" | json_get 'd["events"][1]["previous"]')" \
  "sha256:$(sha256sum "$STORE/models/lg/events/1.yaml" | cut -d' ' -f1)"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["events"][1]["fields"]["manifest"]')" \
  "sha256:$(sha256sum "$STORE/models/lg/versions/2.yaml" | cut -d' ' -f1)"

expect_error 4 "log of an unknown model" mlo log nope
expect_error 2 "log of an invalid name" mlo log 'a/b'
finish
