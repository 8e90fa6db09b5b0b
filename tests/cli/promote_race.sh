#!/usr/bin/env bash
# Alias compare-and-swap from separate processes: 16 (8 against S3) concurrent promotes of different versions
# to one alias each exit 0 or 5; the alias equals the last move in the audit chain; every win
# has its event; verify is clean. Then promotes killed with SIGKILL at random moments: verify
# never finds a problem, and the next promote finishes any move whose event a kill cut off.
source "$(dirname "$0")/common.sh"

KILLS=${MLO_PROMOTE_KILLS:-100}
N=${MLO_PROMOTE_N:-16}  # 8 against S3 (tests/CMakeLists.txt)
mlo init >/dev/null
make_tiny_model m.json 3
for i in $(seq 1 $N); do
  "$MLO" register r --model m.json --label writer="$i" >/dev/null 2>&1 || fail "register $i"
done
cat > open.yaml <<YAML
apiVersion: mlo/v1
kind: PromotionPolicy
metric: {enabled: false}
approvals: {required: 0}
YAML

# alias_matches_chain: the alias record's version is the version of the last move event, and
# every move id printed by a successful promote is in the chain.
moves_json() { mlo --json log r | json_get 'json.dumps([e for e in d["events"] if e["type"] in ("promoted","forced","rolled_back") and e["fields"]["alias"] == "champion"])'; }
check_alias_is_last_move() {
  local alias_v last_v
  alias_v=$(mlo --json alias r | json_get '[a["version"] for a in d["aliases"] if a["alias"]=="champion"][0]')
  last_v=$(moves_json | json_get 'int(d[-1]["fields"]["version"])')
  assert_eq "$alias_v" "$last_v" "$1: alias equals the last move event"
}

for i in $(seq 1 $N); do
  "$MLO" --json promote "r:$i" --to champion --policy open.yaml >"$TEST_TMP/out.$i" 2>"$TEST_TMP/err.$i" &
  pids[$i]=$!
done
wins=0; losses=0
for i in $(seq 1 $N); do
  wait "${pids[$i]}"; rc=$?
  case $rc in
    0) wins=$((wins + 1)); json_get 'd["event"]["fields"]["id"]' <"$TEST_TMP/out.$i" >>"$TEST_TMP/won.ids" ;;
    5) losses=$((losses + 1)); grep -q "^mlo: error: .*moved by another writer\|lock timeout" "$TEST_TMP/err.$i" || fail "loser $i: $(cat "$TEST_TMP/err.$i")" ;;
    *) fail "promote $i: exit $rc: $(cat "$TEST_TMP/err.$i")" ;;
  esac
done
TESTS_RUN=$((TESTS_RUN + 1)); pass "$N concurrent promotes: $wins won, $losses lost (exit 5)"
[ "$wins" -ge 1 ] || fail "nobody won"
ids=$(moves_json | json_get '"\n".join(e["fields"]["id"] for e in d)')
assert_eq "$(printf '%s\n' "$ids" | sort)" "$(sort "$TEST_TMP/won.ids")" "exactly the winners' moves are in the chain"
check_alias_is_last_move "race"
expect_rc 0 "verify after the race" mlo --json verify
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d["problems"]), len(d["notes"])')" "0 0" "verify clean"

# SIGKILL during promotes. Kill moments spread over one promote's duration, measured here.
start=$(date +%s%N)
for i in 1 2 3; do "$MLO" promote "r:$i" --to timing --policy open.yaml >/dev/null 2>&1 || fail "timing run"; done
took_ms=$((($(date +%s%N) - start) / 3000000)); span_ms=$((took_ms + 5))
echo "one promote takes ~${took_ms} ms; killing within 0..${span_ms} ms"
RANDOM=7
: >"$TEST_TMP/won.ids"
killed=0
for k in $(seq 1 "$KILLS"); do
  v=$((RANDOM % N + 1))
  "$MLO" --json promote "r:$v" --to champion --policy open.yaml >"$TEST_TMP/out.k" 2>/dev/null &
  pid=$!
  delay=$((RANDOM % span_ms))
  sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
  kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
  wait "$pid" 2>/dev/null && json_get 'd.get("event", {}).get("fields", {}).get("id", "")' <"$TEST_TMP/out.k" >>"$TEST_TMP/won.ids"
  run "$MLO" --json verify r
  [ "$RC" = 0 ] || fail "kill $k: verify exit $RC: $OUT"
done
TESTS_RUN=$((TESTS_RUN + 1)); pass "$KILLS promotes SIGKILLed at random ($killed killed before finishing): verify passed after each"
# One more move finishes a move whose event a kill cut off.
cur=$(mlo --json alias r | json_get '[a["version"] for a in d["aliases"] if a["alias"]=="champion"][0]')
next=$((cur % N + 1))
expect_rc 0 "a promote after the kills" mlo promote "r:$next" --to champion --policy open.yaml
check_alias_is_last_move "after kills"
ids=$(moves_json | json_get '"\n".join(e["fields"]["id"] for e in d)')
for id in $(grep -v '^$' "$TEST_TMP/won.ids"); do
  printf '%s\n' "$ids" | grep -qx "$id" || fail "move $id of a promote that exited 0 is not in the chain"
done
TESTS_RUN=$((TESTS_RUN + 1)); pass "every completed promote's move is in the chain"
dups=$(printf '%s\n' "$ids" | sort | uniq -d)
assert_eq "$dups" "" "no move recorded twice"
expect_rc 0 "verify at the end" mlo --json verify
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d["problems"]), len(d["notes"])')" "0 0" "verify clean at the end"
finish
