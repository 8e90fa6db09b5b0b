#!/usr/bin/env bash
# Webhook notifications: register and drift post JSON events (Slack `text` + structured event)
# to a local HTTP server on 127.0.0.1, configured by --notify, MLO_NOTIFY_URL or .mlo.yaml;
# event filters; bounded retries on 5xx; a server that is down never changes the exit code.
source "$(dirname "$0")/common.sh"
[ -x "$SYSTEM_PYTHON" ] || { [ "${CI:-}" = true ] && fail "needs $SYSTEM_PYTHON"; skip "needs python3"; }

# The receiver: appends each POST body as one line to events.jsonl and answers with the code
# in ./status (default 200).
cat > server.py <<'PY'
import http.server, json, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open("events.jsonl", "a") as f:
            f.write(json.dumps({"path": self.path, "type": self.headers["Content-Type"],
                                "body": json.loads(body)}) + "\n")
        code = int(open("status").read()) if os.path.exists("status") else 200
        self.send_response(code); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open("port.tmp", "w").write(str(s.server_port)); os.rename("port.tmp", "port")
s.serve_forever()
PY
"$SYSTEM_PYTHON" server.py & SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
for _ in $(seq 50); do [ -f port ] && break; sleep 0.1; done
[ -f port ] || fail "test server did not start"
URL="http://127.0.0.1:$(cat port)/hook"
events() { [ -f events.jsonl ] && wc -l < events.jsonl || echo 0; }
last() { tail -n 1 events.jsonl | json_get "$1"; }

mlo init >/dev/null
make_tiny_model m.json 3
gen_data --rows 4000 --seed 1 --levels 20 --out train.csv
gen_data --rows 2000 --seed 3 --levels 20 --distance-shift 300 --out shifted.csv
write_flights_recipe recipe.yaml flights "{max_depth: 3, num_boost_round: 5, seed: 1}"
mlo -q train --config recipe.yaml --data train.csv >/dev/null || fail "train"

expect_rc 0 "register --notify" mlo register tiny --model m.json --notify "$URL"
assert_eq "$(events)" "1" "one event"
assert_eq "$(last 'd["type"]')" "application/json"
assert_eq "$(last 'd["body"]["event"]["kind"]')" "registered"
assert_eq "$(last 'd["body"]["event"]["model"] + ":" + str(d["body"]["event"]["version"])')" "tiny:1"
assert_eq "$(last 'd["body"]["event"]["schema"]')" "mlo/v1/event"
assert_eq "$(last 'd["body"]["event"]["actor"]')" "tester"
assert_eq "$(last 'd["body"]["text"]')" "mlo: registered tiny:1" "Slack text"
expect_rc 0 "register --if-new of the same content: nothing registered, no event" \
  mlo register tiny --model m.json --if-new --notify "$URL"
assert_eq "$(events)" "1"

MLO_NOTIFY_URL=$URL expect_rc 8 "drift with MLO_NOTIFY_URL keeps exit 8" mlo drift flights --current shifted.csv
assert_eq "$(last 'd["body"]["event"]["kind"]')" "drift"
assert_contains "$(last 'd["body"]["text"]')" "mlo: drift flights:1: finding"
assert_eq "$(last 'd["body"]["event"]["details"]["drifted_features"] >= 1')" "True"
MLO_NOTIFY_URL=$URL expect_rc 0 "no drift, no event" mlo drift flights --current train.csv
assert_eq "$(events)" "2"

# .mlo.yaml with an event filter: drift only.
printf 'notify:\n  url: %s\n  events: [drift]\n  timeout_seconds: 2\n  retries: 1\n' "$URL" > .mlo.yaml
expect_rc 0 "register, filtered out" mlo register tiny --model m.json --label a=b
assert_eq "$(events)" "2" "registered not sent with events: [drift]"
expect_rc 8 "drift, from .mlo.yaml" mlo drift flights --current shifted.csv
assert_eq "$(events)" "3"
rm .mlo.yaml

# Alias moves: promote (forced past the gates here) and rollback.
expect_rc 0 "promote --notify" mlo promote tiny:1 --to champion --force --reason first --notify "$URL"
assert_eq "$(last 'd["body"]["event"]["kind"] + " " + d["body"]["event"]["details"]["alias"]')" "promoted champion"
assert_eq "$(last 'd["body"]["text"]')" "mlo: tiny@champion -> tiny:1 (forced)"
expect_rc 0 "promote v2" mlo promote tiny:2 --to champion --force --reason second --notify "$URL"
expect_rc 0 "rollback --notify" mlo rollback tiny --alias champion --notify "$URL"
assert_eq "$(last 'd["body"]["event"]["kind"] + " " + str(d["body"]["event"]["version"])')" "rolled_back 1"
assert_eq "$(events)" "6"

# A receiver failing with 500: bounded retries (1 + 2), a warning, the exit code unchanged.
echo 500 > status
expect_rc 0 "register while the webhook fails" mlo register tiny --model m.json --label b=c --notify "$URL"
assert_eq "$(events)" "9" "three attempts"
assert_contains "$ERR" "mlo: warning: notify: registered event not delivered"
assert_contains "$ERR" "HTTP 500"
expect_rc 0 "the version was registered all the same" mlo show tiny:3
echo 400 > status
expect_rc 0 "a 4xx is not retried" mlo register tiny --model m.json --label c=d --notify "$URL"
assert_eq "$(events)" "10"
rm status

# The server down: exit codes kept, a warning, bounded time.
kill $SERVER; wait $SERVER 2>/dev/null
start=$(date +%s)
expect_rc 0 "register with the server down" mlo register tiny --model m.json --label d=e --notify "$URL"
assert_contains "$ERR" "mlo: warning: notify:"
expect_rc 8 "drift with the server down keeps exit 8" mlo drift flights --current shifted.csv --notify "$URL"
assert_contains "$ERR" "not delivered"
[ $(( $(date +%s) - start )) -lt 20 ] || fail "notification attempts took too long"
pass "bounded time with the server down"

printf 'notify: {url: ftp://nowhere}\n' > .mlo.yaml
expect_rc 8 "a malformed notify setting is a warning" mlo drift flights --current shifted.csv
assert_contains "$ERR" "is not an http(s) URL"
rm .mlo.yaml
expect_error 2 "--notify with an empty value" mlo register tiny --model m.json --notify ""
finish
