# Bad inputs: each gives one "mlo: error: ..." line (+ optional hint), its documented exit code
# (docs/exit-codes.md), and leaves the store byte for byte as it was.
. "$(dirname "$0")/common.sh"

mlo init >/dev/null
make_tiny_model m.json 3
make_tiny_model m.ubj 3
mlo register good --model m.json >/dev/null || fail "register good"

# bad CODE DESCRIPTION CMD...: the command fails as documented and the store is unchanged.
bad() {
  local code=$1 what=$2; shift 2
  local before; before=$(tree_listing "$STORE")
  expect_error "$code" "$what" "$@"
  assert_eq "$(tree_listing "$STORE")" "$before" "$what: store changed"
}

# --- model files
bad 4 "missing model file" mlo register x --model nope.json
: >empty.json
bad 3 "empty model file" mlo register x --model empty.json
echo "hello, not a model" >text.json
bad 3 "text file as model" mlo register x --model text.json
echo '{"learner": {"nothing": 1}}' >fake.json
bad 3 "JSON that is not a model" mlo register x --model fake.json
head -c "$(($(stat -c %s m.json) / 2))" m.json >trunc.json
bad 3 "truncated JSON model" mlo register x --model trunc.json
head -c "$(($(stat -c %s m.ubj) / 2))" m.ubj >trunc.ubj
bad 3 "truncated UBJSON model" mlo register x --model trunc.ubj
mkdir -p adir
bad 3 "directory as model" mlo register x --model adir
bad 2 "register without --model" mlo register x

# --- preprocess specs
bad 4 "missing preprocess file" mlo register x --model m.json --preprocess nope.yaml
: >empty.yaml
bad 3 "empty preprocess file" mlo register x --model m.json --preprocess empty.yaml
printf 'features: [unclosed\n' >syntax.yaml
bad 3 "YAML syntax error" mlo register x --model m.json --preprocess syntax.yaml
{
  echo 'a: &a ["x","x","x","x","x","x","x","x","x"]'
  prev=a
  for l in b c d e f g h i; do
    echo "$l: &$l [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]"
    prev=$l
  done
  echo 'features: *i'
} >bomb.yaml
bad 3 "YAML alias bomb" mlo register x --model m.json --preprocess bomb.yaml
"$SYSTEM_PYTHON" -c 'print("features: " + "[" * 5000 + "]" * 5000)' >deep.yaml
bad 3 "deeply nested YAML" mlo register x --model m.json --preprocess deep.yaml
printf 'features:\n  - {name: a, type: numeric}\nfeatures:\n  - {name: b, type: numeric}\n' >dup.yaml
bad 3 "duplicate YAML keys" mlo register x --model m.json --preprocess dup.yaml
printf 'features:\n  - {name: a, type: text}\n  - {name: b, type: numeric}\n  - {name: c, type: numeric}\n' >type.yaml
bad 3 "unknown feature type" mlo register x --model m.json --preprocess type.yaml
printf 'features:\n  - {name: a, type: numeric}\n  - {name: b, type: numeric}\n' >two.yaml
bad 3 "feature count mismatch" mlo register x --model m.json --preprocess two.yaml
assert_contains "$ERR" "feature count"

# --- names, flags and values
bad 2 "name with a slash" mlo register a/b --model m.json
bad 2 "name with .." mlo register a..b --model m.json
bad 2 "name with uppercase" mlo register Good --model m.json
bad 2 "unknown flag" mlo register x --model m.json --frobnicate
bad 2 "no command" mlo
bad 2 "--param without =" mlo register x --model m.json --param eta
bad 2 "--param given twice" mlo register x --model m.json --param eta=1 --param eta=2
bad 2 "--label with an empty key" mlo register x --model m.json --label =v
bad 2 "--metric not a number" mlo register x --model m.json --metric auc=high
bad 2 "--metric nan" mlo register x --model m.json --metric auc=nan
bad 2 "--task unknown" mlo register x --model m.json --task ranking
bad 3 "--task contradicting the objective" mlo register x --model m.json --task regression
bad 2 "--artifact with a reserved key" mlo register x --model m.json --artifact model=m.json
bad 4 "--artifact missing file" mlo register x --model m.json --artifact data=nope.csv

# --- references
bad 4 "unknown model" mlo show nope
bad 4 "unknown version" mlo show good:99
bad 4 "unknown alias" mlo show good@champion
bad 2 "bad ref: version not a number" mlo show good:abc
bad 2 "bad ref: empty alias" mlo show good@
bad 2 "bad ref: short digest" mlo show sha256:abc
bad 4 "unknown manifest digest" mlo show "sha256:$(printf '0%.0s' $(seq 64))"
bad 2 "diff with one ref" mlo diff good:1
bad 4 "log of an unknown model" mlo log nope
bad 4 "verify of an unknown model" mlo verify nope

# --- stores
bad 4 "store not initialized" mlo --store "$TEST_TMP/uninit" list
assert_no_file "$TEST_TMP/uninit"
echo "a regular file" >"$TEST_TMP/afile"
expect_error 1 "store whose parent is a regular file (fails even as root)" mlo init --store "$TEST_TMP/afile/store"
assert_eq "$(cat "$TEST_TMP/afile")" "a regular file"
expect_error 4 "register into that store (not an mlo store)" mlo register x --model m.json --store "$TEST_TMP/afile/store"

# Corrupt documents inside a second store, so the main one stays pristine for the checks above.
S2="$TEST_TMP/s2"
cp -r "$STORE" "$S2"
printf 'apiVersion: mlo/v1\nkind: ModelVersion\nname: [oops\n' >"$S2/models/good/versions/1.yaml"
STORE=$S2 bad 3 "corrupt manifest" mlo --store "$S2" show good:1
sed 's#apiVersion: mlo/v1#apiVersion: mlo/v9#' "$STORE/models/good/versions/1.yaml" >"$S2/models/good/versions/1.yaml"
STORE=$S2 bad 3 "unknown manifest apiVersion" mlo --store "$S2" show good
assert_contains "$ERR" "apiVersion"
printf 'kind: [\n' >"$S2/mlo-store.yaml"
STORE=$S2 bad 3 "corrupt mlo-store.yaml on init" mlo --store "$S2" init

[ "$TESTS_RUN" -ge 25 ] || fail "only $TESTS_RUN bad inputs"
finish
