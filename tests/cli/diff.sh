# mlo diff REF REF: params, metrics, schema and artifacts that differ; --json.
. "$(dirname "$0")/common.sh"

mlo init >/dev/null
make_tiny_model m.json 3
make_tiny_model m.ubj 3
cat >pre.yaml <<'Y'
features:
  - {name: a, type: numeric}
  - {name: b, type: categorical, categories: [x, y]}
  - {name: c, type: numeric}
Y
mlo register d --model m.json --param eta=0.1 --param depth=3 --metric auc=0.7 >/dev/null || fail "register 1"
mlo register d --model m.ubj --preprocess pre.yaml --param eta=0.2 --metric auc=0.7 --metric logloss=0.4 >/dev/null || fail "register 2"

expect_rc 0 "diff" mlo diff d:1 d:2
assert_contains "$OUT" "params.eta"
assert_contains "$OUT" "params.depth"
assert_contains "$OUT" "metrics.logloss"
assert_contains "$OUT" "artifacts.model"
assert_contains "$OUT" "artifacts.preprocess"
assert_contains "$OUT" "schema.features[1]"
printf '%s\n' "$OUT" | grep -q 'metrics.auc' && fail "equal metric reported as different"

expect_rc 0 "diff --json" mlo diff d:1 d --json
fields=$(printf '%s' "$OUT" | json_get '" ".join(x["field"] for x in d["differences"])')
assert_contains "$fields" "params.eta"
assert_eq "$(printf '%s' "$OUT" | json_get '[x for x in d["differences"] if x["field"]=="params.eta"][0]["b"]')" "0.2"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["b"]')" "d:2"

expect_rc 0 "diff of a version with itself" mlo diff d:1 d:1 --json
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d["differences"])')" "0"
expect_error 2 "diff needs two refs" mlo diff d:1
expect_error 4 "diff with an unknown version" mlo diff d:1 d:9
finish
