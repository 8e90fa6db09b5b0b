#!/usr/bin/env bash
# mlo config: effective settings and their source (default, .mlo.yaml, environment, flag), the
# same resolution every command uses; "schema": "mlo/v1/<kind>" in --json output.
source "$(dirname "$0")/common.sh"
unset MLO_STORE MLO_NOTIFY_URL
mkdir -p proj/sub && cd proj/sub
src_of() { local what=$1; shift; mlo --json config "$@" | json_get "d['settings']['$what']['source'] + ' ' + d['settings']['$what']['value']"; }

assert_eq "$(src_of store)" "default ./.mlo"
assert_eq "$(src_of notify)" "default "
printf 'store: stores/main\nnotify: {url: "http://127.0.0.1:9/x", events: [drift]}\n' > ../.mlo.yaml
assert_eq "$(src_of store)" "$TEST_TMP/proj/.mlo.yaml $TEST_TMP/proj/stores/main" ".mlo.yaml, relative to its directory"
assert_eq "$(src_of notify)" "$TEST_TMP/proj/.mlo.yaml {url: \"http://127.0.0.1:9/x\", events: [drift]}"
assert_eq "$(MLO_STORE=/env/store src_of store)" "MLO_STORE /env/store" "environment over .mlo.yaml"
assert_eq "$(MLO_NOTIFY_URL=http://e/ src_of notify)" "MLO_NOTIFY_URL http://e/"
assert_eq "$(MLO_STORE=/env/store src_of store --store /flag)" "--store /flag" "flag over environment"
assert_eq "$(MLO_NOTIFY_URL=http://e/ src_of notify --notify http://f/)" "--notify http://f/"
expect_rc 0 "table output" mlo config
assert_contains "$OUT" "SETTING"
assert_contains "$OUT" "$TEST_TMP/proj/stores/main"
expect_rc 0 "config --json carries its schema" mlo config --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["schema"]')" "mlo/v1/config"
expect_rc 0 "version --json carries its schema" mlo version --json
assert_eq "$(printf '%s' "$OUT" | json_get 'd["schema"]')" "mlo/v1/version"
printf 'store: [a, b]\n' > ../.mlo.yaml
expect_error 3 "a malformed .mlo.yaml is named" mlo config
assert_contains "$ERR" ".mlo.yaml"
expect_error 2 "empty --store" mlo config --store ""
finish
