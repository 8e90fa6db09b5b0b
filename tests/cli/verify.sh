# mlo verify [NAME]: passes on a healthy store; a flipped byte in any blob or manifest, a
# missing blob, a broken audit chain or a dangling alias -> exit 6 naming the key.
. "$(dirname "$0")/common.sh"

flip_byte() {  # flip_byte FILE OFFSET (modulo the file size)
  "$SYSTEM_PYTHON" -c 'import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); i = int(sys.argv[2]) % len(b); b[i] ^= 0x01
open(p, "wb").write(b)' "$1" "$2"
}

mlo init >/dev/null
make_tiny_model m.json 3
make_tiny_model m.ubj 3
printf 'features:\n  - {name: a, type: numeric}\n  - {name: b, type: numeric}\n  - {name: c, type: numeric}\n' >pre.yaml
mlo register vf --model m.json >/dev/null || fail "register 1"
mlo register vf --model m.ubj --preprocess pre.yaml >/dev/null || fail "register 2"
mlo register other --model m.json --metric auc=0.5 >/dev/null || fail "register 3"

expect_rc 0 "verify a healthy store" mlo verify
assert_contains "$OUT" "OK"
expect_rc 0 "verify --json" mlo verify --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"]')" "True"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["counts"]["versions"]')" "3"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["counts"]["blobs"]')" "3"
expect_rc 0 "verify one model" mlo verify vf

targets=$(store_keys | grep -E '^objects/sha256/|/versions/')
checked=0
for key in $targets; do
  store_get "$key" >"$TEST_TMP/saved" || fail "read $key"
  for offset in 0 37 -1; do
    cp "$TEST_TMP/saved" "$TEST_TMP/flipped"
    flip_byte "$TEST_TMP/flipped" "$offset"
    store_put "$key" "$TEST_TMP/flipped"
    expect_error 6 "flipped byte at $offset in $key" mlo verify
    assert_contains "$OUT" "problem: $key"
    store_put "$key" "$TEST_TMP/saved"
    checked=$((checked + 1))
  done
done
[ "$checked" -ge 15 ] || fail "only $checked corruptions tried"
expect_rc 0 "verify passes again after restoring" mlo verify

model_blob=$(printf '%s\n' $targets | grep '^objects/' | head -n1)
store_get "$model_blob" >"$TEST_TMP/blob"
store_rm "$model_blob"
expect_error 6 "missing blob" mlo verify
assert_contains "$OUT" "missing blob"
expect_rc 6 "missing blob, one model" mlo verify --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"]')" "False"
store_put "$model_blob" "$TEST_TMP/blob"

store_get models/vf/events/1.yaml >"$TEST_TMP/ev"
sed 's/actor: tester/actor: mallory/' "$TEST_TMP/ev" >"$TEST_TMP/ev.edited"
store_put models/vf/events/1.yaml "$TEST_TMP/ev.edited"
expect_error 6 "rewritten audit event breaks the chain" mlo verify vf
assert_contains "$OUT" "problem: models/vf/events/2.yaml"
store_put models/vf/events/1.yaml "$TEST_TMP/ev"

printf 'version: 9\nmanifest: ""\nevent: 0\n' >"$TEST_TMP/alias"
store_put models/vf/aliases/champion.yaml "$TEST_TMP/alias"
expect_error 6 "alias to a missing version" mlo verify
assert_contains "$OUT" "problem: models/vf/aliases/champion.yaml"
store_rm models/vf/aliases/champion.yaml

# A complete manifest without its event (a crash between the two) is a note, not corruption.
store_get models/vf/versions/2.yaml | sed 's/^version: 2$/version: 3/' >"$TEST_TMP/v3"
store_put models/vf/versions/3.yaml "$TEST_TMP/v3"
expect_rc 0 "version without its registered event" mlo verify
assert_contains "$OUT" "note: models/vf/versions/3.yaml"
expect_rc 0 "register after it" mlo register vf --model m.json
assert_eq "$OUT" "vf:4"
expect_rc 0 "chain still links" mlo verify

expect_error 6 "reading the version without its event is refused" mlo show vf:3
assert_contains "$ERR" "no 'registered' event"
expect_rc 0 "register --repair appends it" mlo register vf --repair 3
expect_rc 0 "now it reads" mlo show vf:3
expect_error 5 "a second repair is a conflict" mlo register vf --repair 3

# Files the key interface hides: stray temp files (note when older than an hour), symlinks
# (problem). Local stores only (an S3 store's incomplete uploads: tests/cli/s3_gc.sh).
if ! store_is_s3; then
tmp="$STORE/models/vf/versions/.9.yaml.tmp-abc123"
echo partial >"$tmp"
expect_rc 0 "a fresh temp file is not reported" mlo verify
case "$OUT" in *tmp-abc123*) fail "fresh temp file reported: $OUT" ;; esac
touch -d '2 hours ago' "$tmp"
expect_rc 0 "an old temp file is a note" mlo verify
assert_contains "$OUT" "note: models/vf/versions/.9.yaml.tmp-abc123: stray temp file older than an hour"
rm "$tmp"
ln -s /etc/passwd "$STORE/models/vf/versions/9.yaml"
expect_error 6 "a symlink inside the store is a problem" mlo verify
assert_contains "$OUT" "problem: models/vf/versions/9.yaml: is a symlink inside the store"
rm "$STORE/models/vf/versions/9.yaml"
fi
expect_rc 0 "clean again" mlo verify

expect_error 4 "verify an unknown model" mlo verify nope
finish
