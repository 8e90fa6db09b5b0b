#!/usr/bin/env bash
# score-batch champion/challenger: --shadow scores every row with both versions in one pass
# (shadow_score column; agreement in the run record), --canary routes a deterministic share of
# rows by a documented hash of the id column (scored_by column), stable across runs and shards.
source "$(dirname "$0")/common.sh"

mlo init >/dev/null || fail "init"
gen_data --rows 3000 --seed 1 --out train.csv || fail "gen_data"
gen_data --rows 3000 --seed 2 --out batch.csv || fail "gen_data batch"
write_flights_recipe recipe.yaml cc "{max_depth: 3, eta: 0.3, num_boost_round: 10, seed: 1}"
expect_rc 0 "train v1" mlo train --config recipe.yaml --data train.csv
expect_rc 0 "train v2" mlo train --config recipe.yaml --data batch.csv --param max_depth=5
expect_rc 0 "score v1 alone" mlo score-batch cc:1 -i batch.csv -o v1.csv
expect_rc 0 "score v2 alone" mlo score-batch cc:2 -i batch.csv -o v2.csv

expect_rc 0 "shadow" mlo --json score-batch cc:1 -i batch.csv -o shadow.csv --shadow cc:2
J=$OUT
assert_eq "$(head -1 shadow.csv)" "id,score,label,shadow_score" "shadow header"
assert_eq "$(printf '%s' "$J" | json_get 'd["challenger"]["mode"], d["challenger"]["ref"], d["challenger"]["rows"]')" "('shadow', 'cc:2', 3000)" "summary names the challenger"
record=$(printf '%s' "$J" | json_get 'd["run_record"]')
"$SYSTEM_PYTHON" - "$STORE/$record" "$J" <<'PY' || fail "shadow scores and agreement"
import csv, json, sys
rec = open(sys.argv[1]).read()
summary = json.loads(sys.argv[2])["challenger"]
v1 = list(csv.DictReader(open("v1.csv")))
v2 = list(csv.DictReader(open("v2.csv")))
sh = list(csv.DictReader(open("shadow.csv")))
assert len(sh) == len(v1) == 3000
for a, b, s in zip(v1, v2, sh):
    assert s["id"] == a["id"] and s["score"] == a["score"] and s["label"] == a["label"], (a, s)
    assert s["shadow_score"] == b["score"], (b, s)
delta = sum(abs(float(a["score"]) - float(b["score"])) for a, b in zip(v1, v2)) / len(v1)
agree = sum((float(a["score"]) >= 0.5) == (float(b["score"]) >= 0.5) for a, b in zip(v1, v2)) / len(v1)
assert abs(summary["mean_abs_delta"] - delta) < 1e-6, (summary, delta)
assert abs(summary["label_agreement"] - agree) < 1e-9, (summary, agree)
assert "challenger:" in rec and "mode: shadow" in rec and "label_agreement" in rec, rec
print(f"mean |delta| {delta:.4f}, label agreement {agree:.4f}")
PY
TESTS_RUN=$((TESTS_RUN + 1)); pass "shadow_score equals v2's score; agreement recorded"
expect_rc 0 "shadow to JSON Lines" mlo score-batch cc:1 -i batch.csv -o shadow.jsonl --shadow cc:2
assert_eq "$(head -1 shadow.jsonl | json_get 'sorted(d)')" "['id', 'label', 'score', 'shadow_score']" "jsonl keys"

expect_rc 0 "canary 10%" mlo --json score-batch cc:1 -i batch.csv -o canary.csv --canary cc:2:10%
assert_eq "$(head -1 canary.csv)" "id,score,label,scored_by" "canary header"
"$SYSTEM_PYTHON" - "$OUT" <<'PY' || fail "canary routing"
import csv, json, sys
summary = json.loads(sys.argv[1])["challenger"]
def bucket(s):  # the documented routing function: FNV-1a 64 of the id bytes, mod 10000
    h = 14695981039346656037
    for c in s.encode():
        h = ((h ^ c) * 1099511628211) % (1 << 64)
    return h % 10000
v1 = {r["id"]: r for r in csv.DictReader(open("v1.csv"))}
v2 = {r["id"]: r for r in csv.DictReader(open("v2.csv"))}
rows = list(csv.DictReader(open("canary.csv")))
routed = 0
for r in rows:
    want = "cc:2" if bucket(r["id"]) < 1000 else "cc:1"
    assert r["scored_by"] == want, r
    src = v2 if want == "cc:2" else v1
    assert r["score"] == src[r["id"]]["score"], r
    routed += want == "cc:2"
assert summary["canary_rows"] == routed and summary["percent"] == 10, (summary, routed)
assert 0.06 * len(rows) < routed < 0.14 * len(rows), routed
print(f"{routed} of {len(rows)} rows routed to cc:2")
PY
TESTS_RUN=$((TESTS_RUN + 1)); pass "canary routes by the documented hash, each row scored by the version it names"
expect_rc 0 "canary again" mlo score-batch cc:1 -i batch.csv -o canary2.csv --canary cc:2:10% --threads 1
cmp -s canary.csv canary2.csv || fail "canary split differs between runs"
expect_rc 0 "canary shard 0/2" mlo score-batch cc:1 -i batch.csv -o s0.csv --canary cc:2:10% --shard 0/2
expect_rc 0 "canary shard 1/2" mlo score-batch cc:1 -i batch.csv -o s1.csv --canary cc:2:10% --shard 1/2
assert_eq "$( (tail -n +2 s0.csv; tail -n +2 s1.csv) | sort)" "$(tail -n +2 canary.csv | sort)" "shards split the same way"

before=$(tree_listing "$STORE")
expect_error 2 "--shadow with --canary" mlo score-batch cc:1 -i batch.csv -o x.csv --shadow cc:2 --canary cc:2:10%
expect_error 2 "canary without a share" mlo score-batch cc:1 -i batch.csv -o x.csv --canary cc:2
expect_error 2 "canary share 0" mlo score-batch cc:1 -i batch.csv -o x.csv --canary cc:2:0%
expect_error 2 "canary share over 100" mlo score-batch cc:1 -i batch.csv -o x.csv --canary cc:2:150%
expect_error 4 "unknown shadow version" mlo score-batch cc:1 -i batch.csv -o x.csv --shadow cc:9
assert_no_file x.csv
assert_eq "$(tree_listing "$STORE")" "$before" "failed runs leave the store as it was"
finish
