# mlo register: versions, artifacts, schema, --if-new, --dry-run, --json, env in the manifest.
. "$(dirname "$0")/common.sh"

mlo init >/dev/null
make_tiny_model m.json 3
make_tiny_model m.ubj 3
make_tiny_model r.json 3 reg:squarederror
cat >pre.yaml <<'Y'
features:
  - {name: distance, type: numeric, impute: 0.0}
  - {name: origin, type: categorical, categories: [ATL, BOS]}
  - {name: hour, type: numeric}
Y

expect_rc 0 "register JSON model" mlo register flights --model m.json --param eta=0.1 --param max_depth=3 \
  --metric auc=0.73 --label team=ops
assert_eq "$OUT" "flights:1"
store_get models/flights/versions/1.yaml >manifest.yaml || fail "manifest 1 not in the store"
m=$(cat manifest.yaml)
assert_contains "$m" "apiVersion: mlo/v1"
assert_contains "$m" "kind: ModelVersion"
assert_contains "$m" "task: binary"
assert_contains "$m" "status: candidate"
assert_contains "$m" "created_by: tester"
assert_contains "$m" "auc: 0.73"
assert_contains "$m" "{name: f2, type: numeric}"
assert_contains "$m" "xgboost: "
assert_contains "$m" "media_type: application/json"
digest=$(sed -n 's/.*model: {digest: sha256:\([0-9a-f]*\).*/\1/p' manifest.yaml)
assert_eq "sha256:$digest" "sha256:$(sha256sum m.json | cut -d' ' -f1)" "model blob digest"
store_get "objects/sha256/${digest:0:2}/${digest:2}" | cmp -s m.json - || fail "blob bytes differ from the model file"
store_has models/flights/events/1.yaml || fail "event 1 not in the store"

expect_rc 0 "register UBJSON model with preprocess" mlo register flights --model m.ubj --preprocess pre.yaml
assert_eq "$OUT" "flights:2"
m=$(store_get models/flights/versions/2.yaml)
assert_contains "$m" "{name: origin, type: categorical}"
assert_contains "$m" "media_type: application/ubjson"
assert_contains "$m" "preprocess: {digest: sha256:"
events=$(store_get models/flights/events/2.yaml)
assert_contains "$events" "previous: sha256:$(store_digest models/flights/events/1.yaml)"
assert_contains "$events" "manifest: sha256:$(store_digest models/flights/versions/2.yaml)"

expect_rc 0 "regression task inferred from the objective" mlo register prices --model r.json
assert_contains "$(store_get models/prices/versions/1.yaml)" "task: regression"

before=$(store_listing)
expect_rc 0 "--if-new with identical content returns the existing version" mlo register flights --model m.ubj --preprocess pre.yaml --if-new
assert_eq "$OUT" "flights:2"
assert_contains "$ERR" "identical"
assert_eq "$(store_listing)" "$before" "--if-new wrote nothing"

expect_rc 0 "--dry-run" mlo register flights --model m.json --dry-run
assert_eq "$OUT" "flights:3"
assert_eq "$(store_listing)" "$before" "--dry-run wrote nothing"

expect_rc 0 "--if-new with different metadata registers" mlo register flights --model m.ubj --preprocess pre.yaml --if-new --label x=y
assert_eq "$OUT" "flights:3"

expect_rc 0 "--json" mlo register flights --model m.json --json --artifact notes=pre.yaml
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ref"]')" "flights:4"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["existed"]')" "False"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["manifest"]["artifacts"]["notes"]["size"]')" "$(stat -c %s pre.yaml)"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["manifest_digest"]')" "sha256:$(store_digest models/flights/versions/4.yaml)"

expect_rc 0 "--json --if-new existing" mlo --json register flights --model m.json --artifact notes=pre.yaml --if-new
assert_eq "$(printf '%s' "$OUT" | json_get 'd["existed"]')" "True"

MLO_ACTOR=alice expect_rc 0 "MLO_ACTOR is recorded" mlo register flights --model m.json
assert_contains "$(store_get models/flights/versions/5.yaml)" "created_by: alice"
assert_contains "$(store_get models/flights/events/5.yaml)" "actor: alice"

expect_rc 0 "verify after registering" mlo verify
finish
