# mlo list [NAME]: models with counts and aliases; versions of one model; --json.
. "$(dirname "$0")/common.sh"

mlo init >/dev/null
make_tiny_model m.json 3
expect_rc 0 "list on an empty store" mlo list --json
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d["models"])')" "0"

for i in 1 2 3; do mlo register alpha --model m.json --label run=$i >/dev/null || fail "register alpha"; done
mlo register beta --model m.json >/dev/null || fail "register beta"
digest=$(store_digest models/alpha/versions/2.yaml)
printf 'version: 2\nmanifest: sha256:%s\nevent: 0\n' "$digest" >alias.yaml
store_put models/alpha/aliases/champion.yaml alias.yaml

expect_rc 0 "list" mlo list
assert_contains "$OUT" "NAME"
line=$(printf '%s\n' "$OUT" | grep '^alpha ')
assert_contains "$line" " 3 "
assert_contains "$line" "champion"
printf '%s\n' "$OUT" | grep -q '^beta ' || fail "beta missing from list"

expect_rc 0 "list -l reads the latest manifests" mlo list -l
assert_contains "$(printf '%s\n' "$OUT" | grep '^alpha ')" "binary"
assert_contains "$OUT" "CREATED"

expect_rc 0 "list --json" mlo list --json
assert_eq "$(printf '%s' "$OUT" | json_get '[m["name"] for m in d["models"]]')" "['alpha', 'beta']"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["models"][0]["versions"]')" "3"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["models"][0]["latest"]')" "3"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["models"][0]["aliases"]')" "['champion']"
expect_rc 0 "list -l --json" mlo list -l --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["models"][1]["task"]')" "binary"

expect_rc 0 "list NAME" mlo list alpha
assert_eq "$(printf '%s\n' "$OUT" | grep -c '^[0-9]')" "3"
assert_contains "$(printf '%s\n' "$OUT" | grep '^2 ')" "champion"
expect_rc 0 "list NAME --json" mlo list alpha --json
assert_eq "$(printf '%s' "$OUT" | json_get '[v["version"] for v in d["versions"]]')" "[1, 2, 3]"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["versions"][1]["manifest_digest"]')" "sha256:$digest"

expect_error 4 "list unknown model" mlo list gamma
finish
