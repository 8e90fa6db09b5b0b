#!/usr/bin/env bash
# tests/s3/server.sh -- the S3 test server (radosgw.sh) inside a private network namespace, so no
# request of any S3 test can leave the machine, whatever endpoint or credentials it is given (the
# namespace has only a loopback interface; AWS is unreachable by construction).
#
#   server.sh start DIR        # namespace holder + radosgw in it; writes DIR/env
#   server.sh stop DIR         # stops radosgw, then the holder (recorded PIDs only)
#   server.sh run DIR CMD...   # runs CMD inside the namespace with DIR/env exported
#
# ctest starts it once per run (fixture s3_server) and wraps every S3 test in `run`.
# When the server cannot start: under CI=true that is a failure (exit 1); otherwise `start`
# records why and `run` prints SKIPPED loudly and exits 77.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "s3 server: $*" >&2; exit 1; }
[[ $# -ge 2 ]] || die "usage: $0 start|stop|run DIR [CMD...]"
action=$1 D=$2; shift 2

# Entering a namespace: as root directly; otherwise through the user namespace that owns it.
enter() {  # enter PID CMD...
  local pid=$1; shift
  if [[ $(id -u) == 0 ]]; then nsenter -t "$pid" -n -- "$@"
  else nsenter -t "$pid" -U -n --preserve-credentials -- "$@"; fi
}

skip_or_fail() {
  if [[ ${CI:-} == true ]]; then die "$* (CI=true: the S3 tests must run)"; fi
  echo "$*" >"$D/skipped"
  echo "s3 server: SKIPPED: $*" >&2
  exit 0
}

holder_ok() {  # the recorded holder is alive and still our `sleep infinity`
  local pid
  pid=$(cat "$D/netns.pid" 2>/dev/null) || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '^sleep infinity'
}

case $action in
start)
  mkdir -p "$D"; D=$(cd "$D" && pwd)
  rm -f "$D/skipped" "$D/env"
  command -v radosgw >/dev/null || skip_or_fail "radosgw is not installed (scripts/install-deps.sh)"
  command -v unshare >/dev/null && command -v nsenter >/dev/null || skip_or_fail "unshare/nsenter missing"
  flags=(-n); [[ $(id -u) == 0 ]] || flags=(-r -n)
  # The holder keeps the namespace alive between tests; it is our pid, recorded, killed by pid.
  unshare "${flags[@]}" -- bash -c 'ip link set lo up 2>/dev/null || exit 1; exec sleep infinity' \
    </dev/null >/dev/null 2>"$D/netns.err" &
  echo $! >"$D/netns.pid"
  for _ in $(seq 50); do holder_ok && break; sleep 0.1; done
  holder_ok || skip_or_fail "cannot create a private network namespace: $(cat "$D/netns.err")"
  if ! enter "$(cat "$D/netns.pid")" "$HERE/radosgw.sh" start "$D/rgw" >"$D/env.tmp" 2>"$D/start.err"; then
    "$0" stop "$D"
    skip_or_fail "radosgw did not start: $(tail -n 3 "$D/start.err" | tr '\n' ' ')"
  fi
  mv "$D/env.tmp" "$D/env"
  cat "$D/start.err" >&2
  ;;
stop)
  [[ -d $D ]] || exit 0
  D=$(cd "$D" && pwd)
  if holder_ok; then
    enter "$(cat "$D/netns.pid")" "$HERE/radosgw.sh" stop "$D/rgw" || true
    kill "$(cat "$D/netns.pid")" 2>/dev/null || true
  fi
  rm -f "$D/netns.pid" "$D/env"
  ;;
run)
  if [[ -f $D/skipped ]]; then
    echo "SKIPPED (no S3 test server): $(cat "$D/skipped")" >&2; exit 77
  fi
  if [[ ! -f $D/env ]] || ! holder_ok; then
    msg="the S3 test server is not running (the s3/server-start fixture did not run or failed)"
    [[ ${CI:-} == true ]] && die "$msg"
    echo "SKIPPED: $msg" >&2; exit 77
  fi
  # shellcheck disable=SC1091
  set -a; . "$D/env"; set +a
  unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
  enter "$(cat "$D/netns.pid")" "$@"
  ;;
*) die "usage: $0 start|stop|run DIR [CMD...]" ;;
esac
