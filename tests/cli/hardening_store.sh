#!/usr/bin/env bash
# Issue 12, store marker: garbage, an unknown format version or another digest algorithm in
# mlo-store.yaml is exit 3 for every command, before anything is read or written: the store and
# every output stay byte-identical.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/hardening_common.sh"

expect_rc 0 "reference output" mlo score-batch tiny -i data.csv -o out.csv --columns id
good=$(cat "$STORE/mlo-store.yaml")
cat >recipe.yaml <<'YAML'
name: tr
task: binary
target: f0
features:
  numeric: [f1, f2]
params: {num_boost_round: 2}
YAML

for marker in "garbage: [unclosed" "$(printf '%s\n' "$good" | sed 's/^format: .*/format: 2/')" \
              "$(printf '%s\n' "$good" | sed 's/^digest: .*/digest: sha512/')" $'\x00\x01binary'; do
  printf '%s\n' "$marker" >"$STORE/mlo-store.yaml"
  for cmd in "list" "show tiny" "log tiny" "diff tiny:1 tiny:1" "verify" \
             "register x --model m.json" "score-batch tiny -i data.csv -o out.csv" \
             "drift tiny --current data.csv" "train --config recipe.yaml --data data.csv" "init"; do
    # shellcheck disable=SC2086
    unchanged_after 3 "bad marker: $cmd" out.csv mlo $cmd
    assert_contains "$ERR" "mlo-store.yaml"
  done
done
printf '%s\n' "$good" >"$STORE/mlo-store.yaml"
expect_rc 0 "a good marker again" mlo list
finish
