# mlo log NAME: audit events in order, linked; --json. --runs: drift and score run records
# over time, filtered by kind, feature, day and count; other models' runs stay out.
. "$(dirname "$0")/common.sh"

mlo init >/dev/null
make_tiny_model m.json 3
mlo register lg --model m.json >/dev/null || fail "register 1"
MLO_ACTOR=bob mlo register lg --model m.json >/dev/null || fail "register 2"

expect_rc 0 "log" mlo log lg
assert_contains "$OUT" "registered"
assert_contains "$(printf '%s\n' "$OUT" | grep '^2 ')" "bob"
assert_contains "$OUT" "registered  version 2"

expect_rc 0 "log --json" mlo log lg --json
assert_eq "$(printf '%s' "$OUT" | json_get '[e["number"] for e in d["events"]]')" "[1, 2]"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["events"][0]["previous"]')" ""
assert_eq "$(printf '%s' "$OUT" | json_get 'd["events"][1]["previous"]')" \
  "sha256:$(sha256sum "$STORE/models/lg/events/1.yaml" | cut -d' ' -f1)"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["events"][1]["fields"]["manifest"]')" \
  "sha256:$(sha256sum "$STORE/models/lg/versions/2.yaml" | cut -d' ' -f1)"

expect_error 4 "log of an unknown model" mlo log nope
expect_error 2 "log of an invalid name" mlo log 'a/b'
# --- run records ---------------------------------------------------------------------------
"$SYSTEM_PYTHON" -c "import xgboost, pandas" 2>/dev/null || { finish; exit 0; }
gen_data --rows 3000 --seed 1 --out train.csv || fail "gen_data train"
gen_data --rows 3000 --seed 2 --out same.csv || fail "gen_data same"
gen_data --rows 3000 --seed 3 --distance-shift 300 --out shift.csv || fail "gen_data shift"
# Numeric features only: with 3000 rows, origin/dest's sparse categories give a noisy JS.
recipe() {
  cat <<YAML
name: $1
task: binary
target: delayed
id: id
features:
  numeric: [month, day, dow, hour, minute, distance]
params: {max_depth: 3, eta: 0.3, num_boost_round: 5, seed: 1}
YAML
}
recipe fl > fl.yaml; recipe other > other.yaml
mlo train --config fl.yaml --data train.csv >/dev/null 2>&1 || fail "train fl"
mlo train --config other.yaml --data train.csv >/dev/null 2>&1 || fail "train other"

expect_rc 0 "no runs yet" mlo log fl --runs --json
assert_eq "$OUT" "[]" "empty run list"
MLO_NOW=2026-11-20T10:00:00Z expect_rc 0 "drift, same distribution" mlo drift fl --current same.csv
MLO_NOW=2026-11-21T10:00:00Z expect_rc 8 "drift, shifted distance" mlo drift fl --current shift.csv
MLO_NOW=2026-11-21T11:00:00Z expect_rc 8 "drift of another model" mlo drift other --current shift.csv
MLO_NOW=2026-11-22T10:00:00Z expect_rc 0 "score-batch" \
  mlo score-batch fl --input same.csv --output out.csv --columns id

expect_rc 0 "runs --feature --json" mlo log fl --runs --feature distance --json
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d)')" "2" "two drift runs"
assert_eq "$(printf '%s' "$OUT" | json_get '[r["features"]["distance"]["drifted"] for r in d]')" \
  "[False, True]" "distance drift over time"
assert_eq "$(printf '%s' "$OUT" | json_get '[list(r["features"]) for r in d]')" \
  "[['distance'], ['distance']]" "only the asked feature"
assert_eq "$(printf '%s' "$OUT" | json_get '[r["time"] for r in d]')" \
  "['2026-11-20T10:00:00Z', '2026-11-21T10:00:00Z']" "oldest first"
assert_eq "$(printf '%s' "$OUT" | json_get '{r["model"] for r in d}')" "{'fl'}" "only this model"
assert_eq "$(printf '%s' "$OUT" | json_get 'd[1]["inputs"][0]["digest"]')" \
  "sha256:$(sha256sum shift.csv | cut -d' ' -f1)" "input digest"
assert_eq "$(printf '%s' "$OUT" | json_get 'd[1]["features"]["distance"]["value"] > d[0]["features"]["distance"]["value"]')" \
  "True" "statistic grows with the shift"

expect_rc 0 "runs --feature table" mlo log fl --runs --feature distance
assert_eq "$(printf '%s\n' "$OUT" | head -n1 | tr -s ' ')" "TIME RUN VERSION METHOD VALUE DRIFTED"
assert_eq "$(printf '%s\n' "$OUT" | awk 'NR>1 {print $NF}' | tr '\n' ' ')" "no yes " "drifted column"

expect_rc 0 "runs --kind drift table" mlo log fl --runs --kind drift
assert_eq "$(printf '%s\n' "$OUT" | wc -l)" "3" "header and two drift runs"
assert_contains "$(printf '%s\n' "$OUT" | sed -n 2p)" "ok"
assert_contains "$(printf '%s\n' "$OUT" | sed -n 3p)" "distance"

expect_rc 0 "runs --kind score --json" mlo log fl --runs --kind score --json
assert_eq "$(printf '%s' "$OUT" | json_get '[(r["kind"], r["rows"]["in"], r["rows"]["out"]) for r in d]')" \
  "[('score', 3000, 3000)]" "score run rows"
expect_rc 0 "runs --kind score table" mlo log fl --runs --kind score
assert_contains "$OUT" "3000/3000"

expect_rc 0 "all runs" mlo log fl --runs --json
assert_eq "$(printf '%s' "$OUT" | json_get '[r["kind"] for r in d]')" "['drift', 'drift', 'score']" "all kinds"
expect_rc 0 "--since" mlo log fl --runs --since 2026-11-21 --json
assert_eq "$(printf '%s' "$OUT" | json_get '[r["time"][:10] for r in d]')" "['2026-11-21', '2026-11-22']" "since"
expect_rc 0 "--limit" mlo log fl --runs --limit 1 --json
assert_eq "$(printf '%s' "$OUT" | json_get '[r["kind"] for r in d]')" "['score']" "newest run"
expect_rc 0 "other model's runs" mlo log other --runs --json
assert_eq "$(printf '%s' "$OUT" | json_get '[(r["model"], r["verdict"]["drift"]) for r in d]')" "[('other', True)]"

# A corrupt record is skipped with a warning; the rest still list.
mkdir -p "$STORE/runs/2026-11-23" && printf 'kind: drift\nmodel: [fl\n' > "$STORE/runs/2026-11-23/bad.yaml"
expect_rc 0 "corrupt record skipped" mlo log fl --runs --json
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d)')" "3" "good records still listed"
assert_contains "$ERR" "runs/2026-11-23/bad.yaml"

expect_error 4 "runs of an unknown model" mlo log nope --runs
expect_error 2 "bad --kind" mlo log fl --runs --kind "Drift!"
expect_error 2 "bad --since" mlo log fl --runs --since 21-11-2026
expect_error 2 "--feature with --kind score" mlo log fl --runs --kind score --feature distance
expect_error 2 "--kind without --runs" mlo log fl --kind drift
finish
