#!/usr/bin/env bash
# mlo drift as a monitor: verdict-first output and quiet modes, prediction drift and CBPE from
# the version's monitoring baseline, label/score validation (exit 3 naming file and line),
# blank slices, several --current files in errors, all-or-none outputs, the exact-mode cap and
# the typed run record read back by `mlo log --runs`.
source "$(dirname "$0")/common.sh"
require_python pandas

gen_data --rows 20000 --seed 1 --out train.csv
gen_data --rows 8000 --seed 2 --out same.csv
gen_data --rows 8000 --seed 3 --distance-shift 400 --out shift.csv
write_flights_recipe recipe.yaml flights "{max_depth: 4, eta: 0.3, num_boost_round: 30, seed: 1}"
mlo init >/dev/null
expect_rc 0 "train (stores a monitoring baseline)" mlo train --config recipe.yaml --data train.csv

# Verdict first; quiet modes.
expect_rc 0 "same distribution" mlo drift flights --current same.csv --no-record
assert_contains "$(printf '%s\n' "$OUT" | head -n1)" "OK: no drift in 8 features" "verdict is the first line"
expect_rc 0 "-q prints nothing on success" mlo -q drift flights --current same.csv --no-record
assert_eq "$OUT" "" "-q stdout on success"
expect_rc 8 "-q prints only the verdict on a finding" mlo -q drift flights --current shift.csv --no-record
assert_eq "$(printf '%s\n' "$OUT" | wc -l)" "1" "one line"
assert_contains "$OUT" "FINDING: " "verdict line"
assert_contains "$OUT" "distance" "names the drifted feature"
expect_rc 0 "--summary prints only the verdict" mlo drift flights --current same.csv --summary --no-record
assert_eq "$(printf '%s\n' "$OUT" | wc -l)" "1" "--summary is one line"

# Prediction drift and CBPE come from the monitoring baseline, without labels.
expect_rc 0 "json: predictions and CBPE" mlo drift flights --current same.csv --json --no-record
printf '%s' "$OUT" > same.json
assert_eq "$(json_get 'sorted(f["name"] for f in d["predictions"]["features"])' < same.json | tr -d "'" )" "[predicted_class, prediction]" "output features"
assert_eq "$(json_get 'd["predictions"]["cbpe"]["available"]' < same.json)" "True" "CBPE available"
assert_eq "$(json_get 'abs(d["predictions"]["cbpe"]["estimate"]["auc"] - d["model_info"]["eval_metrics"]["auc"]) < 0.03' < same.json)" "True" "estimated AUC near the recorded one on the same distribution"
assert_eq "$(json_get 'd["predictions"]["cbpe"]["band"]["auc"][0] <= d["predictions"]["cbpe"]["estimate"]["auc"] <= d["predictions"]["cbpe"]["band"]["auc"][1]' < same.json)" "True" "band holds the estimate"
# Late flights only: the model's most important feature moves, its outputs drift and the
# estimated AUC drops below the recorded one minus the tolerance (CBPE finding, no labels).
"$SYSTEM_PYTHON" -c "import pandas as p; d=p.read_csv('same.csv'); d['hour']=d['hour'].clip(lower=18); d.to_csv('late.csv', index=False)"
expect_rc 8 "late flights" mlo drift flights --current late.csv --json --no-record
printf '%s' "$OUT" > late.json
assert_eq "$(json_get 'd["verdict"]["prediction_drift"]' < late.json)" "True" "the model's outputs drift"
assert_eq "$(json_get 'd["verdict"]["performance_degraded"]' < late.json)" "True" "estimated performance below tolerance"
assert_contains "$(json_get 'd["verdict"]["headline"]' < late.json)" "retrain suggested"
assert_eq "$(json_get 'd["features"][0]["name"]' < late.json)" "hour" "hour ranked first"
expect_rc 0 "show --importance" mlo show flights --importance --json
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d["importance"])')" "8" "importance of every feature"

# Labels: validated row by row, blank labels are unlabelled, blank slices are "(blank)".
"$SYSTEM_PYTHON" - <<'PY'
import pandas as p
d = p.read_csv("same.csv")
d.loc[5, "origin"] = None
d.loc[7, "delayed"] = None
d.to_csv("blank.csv", index=False)
b = d.copy(); b["delayed"] = b["delayed"].astype(object); b.loc[10, "delayed"] = "2"; b.to_csv("badlabel.csv", index=False)
s = d.copy(); s["score"] = 0.5; s["score"] = s["score"].astype(object); s.loc[3, "score"] = "high"; s.to_csv("badscore.csv", index=False)
PY
expect_rc 0 "blank slice values are their own slice" mlo drift flights --current blank.csv --labels --slice-by origin --json --no-record
assert_contains "$(printf '%s' "$OUT" | json_get '[s["slice"] for s in d["concept"]["slices"]]')" "(blank)" "(blank) slice"
assert_eq "$(printf '%s' "$OUT" | json_get 'd["concept"]["labels"]["unlabelled"]')" "1" "blank label counted as unlabelled"
expect_error 3 "a label that is not 0/1" mlo drift flights --current badlabel.csv --labels --no-record
assert_contains "$ERR" "badlabel.csv: line 12: label '2'"
expect_error 3 "a non-numeric score column" mlo drift flights --current badscore.csv --labels --score-column score --no-record
assert_contains "$ERR" "badscore.csv: line 5: score 'high'"

# Errors name the file among several --current files.
{ head -n 50 same.csv; printf '1,2,3\n'; } > ragged.csv
expect_error 3 "second --current file is bad" mlo drift flights --current same.csv --current ragged.csv --no-record
assert_contains "$ERR" "ragged.csv"

# All or none: a report that cannot be written leaves no other report and no run record.
runs_before=$(find "$STORE/runs" -name '*.yaml' 2>/dev/null | wc -l)
echo keep > keep.md
expect_error 4 "report into a missing directory" mlo drift flights --current same.csv --report keep.md --report nodir/r.html
assert_eq "$(cat keep.md)" "keep" "the other report is untouched"
assert_eq "$(find "$STORE/runs" -name '*.yaml' 2>/dev/null | wc -l)" "$runs_before" "no run record"
assert_eq "$(find . -name '.*.tmp-*' | wc -l)" "0" "no temp file left"

# Exact mode refuses to grow past its cap.
expect_error 3 "exact mode memory cap" mlo drift flights --reference train.csv --current same.csv --exact-max-mb 1 --no-record
assert_contains "$ERR" "compare with the stored baseline"

# The run record: one typed header, read back by log --runs.
expect_rc 8 "recorded run" mlo drift flights --current shift.csv --report out.json
rec=$(grep -l "kind: drift" $(find "$STORE/runs" -name '*.yaml') | head -n1)
assert_contains "$(cat "$rec")" "schema: mlo/run/v1"
assert_contains "$(cat "$rec")" "manifest_digest: sha256:"
assert_contains "$(cat "$rec")" "path: $TEST_TMP/shift.csv"
assert_contains "$(cat "$rec")" "path: $TEST_TMP/out.json"
expect_rc 0 "log --runs reads it" mlo log flights --runs --json
assert_eq "$(printf '%s' "$OUT" | json_get '[r["kind"] for r in d]')" "['drift']" "one drift run"
finish
