# mlo show REF: every reference form, aliases, sizes, --json.
. "$(dirname "$0")/common.sh"

mlo init >/dev/null
make_tiny_model m.json 3
make_tiny_model m.ubj 3
mlo register fd --model m.json --param eta=0.1 >/dev/null || fail "register 1"
mlo register fd --model m.ubj --param eta=0.2 >/dev/null || fail "register 2"
d1=$(store_digest models/fd/versions/1.yaml)
printf 'version: 1\nmanifest: sha256:%s\nevent: 0\n' "$d1" >alias.yaml
store_put models/fd/aliases/champion.yaml alias.yaml

expect_rc 0 "show NAME is the latest" mlo show fd
assert_contains "$OUT" "ref:      fd:2"
assert_contains "$OUT" "eta: 0.2"
assert_contains "$OUT" "$(stat -c %s m.ubj)"
expect_rc 0 "show NAME:N" mlo show fd:1
assert_contains "$OUT" "ref:      fd:1"
assert_contains "$OUT" "fd@champion"
assert_contains "$OUT" "manifest: sha256:$d1"
expect_rc 0 "show NAME@alias" mlo show fd@champion
assert_contains "$OUT" "ref:      fd:1"
expect_rc 0 "show sha256:<manifest digest>" mlo show "sha256:$d1"
assert_contains "$OUT" "ref:      fd:1"

expect_rc 0 "show --json" mlo show fd:1 --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ref"]')" "fd:1"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["aliases"]')" "['champion']"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["total_size"]')" "$(stat -c %s m.json)"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["manifest"]["training"]["params"]["eta"]')" "0.1"
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d["manifest"]["schema"]["features"])')" "3"

expect_error 4 "show unknown alias" mlo show fd@canary
expect_error 4 "show unknown version" mlo show fd:3
expect_error 2 "show bad ref" mlo show 'fd:x'
printf 'version: 2\nmanifest: sha256:%s\nevent: 0\n' "$d1" >alias.yaml
store_put models/fd/aliases/stale.yaml alias.yaml
expect_error 6 "alias whose manifest digest does not match" mlo show fd@stale
finish
