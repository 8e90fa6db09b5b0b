# 8 concurrent `mlo register` of the same name -> versions 1..8, each exactly once, one intact
# audit chain, and `mlo verify` passes.
. "$(dirname "$0")/common.sh"

mlo init >/dev/null
make_tiny_model m.json 3
make_tiny_model m.ubj 3

for round in 1 2; do
  name="race$round"
  pids=()
  for i in 1 2 3 4 5 6 7 8; do
    model=m.json
    [ $((i % 2)) -eq 0 ] && model=m.ubj
    "$MLO" register "$name" --model "$model" --label writer="$i" >"$TEST_TMP/out.$i" 2>"$TEST_TMP/err.$i" &
    pids+=($!)
  done
  for i in 1 2 3 4 5 6 7 8; do
    wait "${pids[$((i - 1))]}" || fail "writer $i failed: $(cat "$TEST_TMP/err.$i")"
  done
  got=$(cat "$TEST_TMP"/out.* | sort -t: -k2 -n | tr '\n' ' ')
  assert_eq "$got" "$name:1 $name:2 $name:3 $name:4 $name:5 $name:6 $name:7 $name:8 " "round $round versions"
  pass "round $round: 8 writers got versions 1..8, each once"
  TESTS_RUN=$((TESTS_RUN + 1))
  rm -f "$TEST_TMP"/out.* "$TEST_TMP"/err.*

  expect_rc 0 "round $round: audit log has 8 events" mlo log "$name" --json
  assert_eq "$(printf '%s' "$OUT" | json_get '[e["number"] for e in d["events"]]')" "[1, 2, 3, 4, 5, 6, 7, 8]"
  assert_eq "$(printf '%s' "$OUT" | json_get 'sorted(int(e["fields"]["version"]) for e in d["events"])')" \
    "[1, 2, 3, 4, 5, 6, 7, 8]"
  writers=$(for v in 1 2 3 4 5 6 7 8; do sed -n 's/.*writer: \([0-9]*\).*/\1/p' "$STORE/models/$name/versions/$v.yaml"; done | sort -n | tr '\n' ' ')
  assert_eq "$writers" "1 2 3 4 5 6 7 8 " "each writer's manifest landed once"
done

expect_rc 0 "verify after the races" mlo verify --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["ok"]')" "True"
assert_eq "$(printf '%s' "$OUT" | json_get 'len(d["notes"])')" "0"
finish
