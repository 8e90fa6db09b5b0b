#!/usr/bin/env bash
# tests/s3/radosgw.sh -- a throwaway single-node Ceph RADOS Gateway (S3) for mlo's tests.
#
#   tests/s3/radosgw.sh start DIR   # prints `export ...` lines on stdout (also in DIR/env)
#   tests/s3/radosgw.sh stop  DIR   # stops only the daemons recorded in DIR/run/*.pid
#
# The test suite runs it inside a private network namespace (tests/s3/netns.sh), once per ctest
# run (the s3_server fixture in tests/CMakeLists.txt).
#
# Needs (Debian bookworm, Ceph 16.2.x):
#   apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd ceph-common
# One mon + one memstore OSD + radosgw, all on 127.0.0.1, cephx off, no mgr,
# no systemd, nothing outside DIR is written. Works as root or as any user.
#
# Optional environment:
#   RGW_PORT  HTTP port of the S3 endpoint   (default: a free port picked at start)
#   MON_PORT  msgr2 port of the monitor      (default: a free port picked at start)
#   RGW_ACCESS_KEY / RGW_SECRET_KEY          (default: fixed test keys below)
#   RGW_START_TIMEOUT  seconds to wait for readiness (default 60)
#   RGW_OSD_BYTES      memstore size in bytes (default 4 GiB; RAM is only used as data is written)
set -euo pipefail

ACCESS_KEY=${RGW_ACCESS_KEY:-TESTACCESSKEY0000001}
SECRET_KEY=${RGW_SECRET_KEY:-testsecretkey00000000000000000000000001}
START_TIMEOUT=${RGW_START_TIMEOUT:-60}
OSD_BYTES=${RGW_OSD_BYTES:-4294967296}

die() { echo "radosgw.sh: $*" >&2; exit 1; }
log() { echo "radosgw.sh: $*" >&2; }

free_port() {  # ask the kernel for a free loopback port
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

http_ready() {  # 0 when radosgw answers GET / on 127.0.0.1:$1 (no curl needed)
  local line
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  IFS= read -r -t 2 line <&3 || line=
  timeout 2 cat <&3 >/dev/null || true   # drain, so radosgw does not log a reset connection
  exec 3>&- 3<&-
  [[ $line == "HTTP/1."?" 200"* ]]
}

now() { date +%s.%N; }

owns_listener() {  # owns_listener PID PORT: PID has a TCP socket listening on 127.0.0.1:PORT
  local inode
  inode=$(awk -v p="$(printf ':%04X' "$2")" 'substr($2, length($2)-4) == p && $4 == "0A" {print $10}' /proc/net/tcp)
  [[ -n $inode ]] && ls -l "/proc/$1/fd" 2>/dev/null | grep -qF "socket:[$inode]"
}

port_free() { ! { exec 4<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null && return 0; exec 4>&- 4<&-; return 1; }

wait_listen() {  # wait_listen NAME PORT: until the daemon recorded as NAME listens on PORT
  local pid i
  pid=$(<"$D/run/$1.pid")
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    owns_listener "$pid" "$2" && return 0
    alive "$pid" || die "$1 exited (see $D/log/)"
    sleep 0.1
  done
  die "$1 does not listen on port $2 after ${START_TIMEOUT}s (see $D/log/)"
}

# Start a daemon in the foreground (-f), detached from our stdout/stderr, and record its pid.
spawn() {  # spawn NAME CMD...
  local name=$1; shift
  nohup "$@" -f </dev/null >"$D/log/$name.out" 2>&1 &
  echo $! >"$D/run/$name.pid"
}

# Is PID alive and one of ours (its command line mentions our ceph.conf)?
ours() {
  local pid=$1
  alive "$pid" || return 1
  # our own child (start failed half-way, maybe before exec) or a daemon using our ceph.conf
  [[ $(awk '/^PPid:/{print $2}' "/proc/$pid/status" 2>/dev/null) == "$$" ]] && return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$D/ceph.conf"
}

alive() {  # process exists and is not a zombie (a freshly spawned child may not have exec'd yet)
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $st && $st != Z ]]
}

stop_one() {  # stop_one NAME  -- SIGTERM, wait up to 5s, then SIGKILL
  local f="$D/run/$1.pid" pid i
  [[ -f $f ]] || return 0
  pid=$(<"$f")
  if ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do ours "$pid" || break; sleep 0.1; done
    if ours "$pid"; then log "$1 (pid $pid) ignored SIGTERM, sending SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$f"
}

cmd_stop() {
  # radosgw first, then the OSD while the mon is still there, mon last.
  stop_one radosgw
  stop_one osd.0
  stop_one mon.a
  rm -rf "$D/osd" "$D/mon" "$D"/run/*.asok   # data is throwaway; logs stay in $D/log
}

cmd_start() {
  local t0 t1 fsid osd_uuid i
  t0=$(now)
  command -v radosgw >/dev/null || die "radosgw not installed"
  [[ -e $D/run/mon.a.pid || -e $D/run/radosgw.pid ]] && die "$D seems to be running already (stop it first)"
  # on any failure below, stop whatever was already started
  trap 'rc=$?; if [[ $rc -ne 0 ]]; then cmd_stop; fi' EXIT
  rm -rf "$D/mon" "$D/osd" "$D/run" "$D/log" "$D/ceph.conf" "$D/monmap"
  mkdir -p "$D/mon" "$D/osd" "$D/run" "$D/log" "$D/crash"
  local mon_port=${MON_PORT:-$(free_port)}
  local rgw_port=${RGW_PORT:-$(free_port)}
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)

  cat >"$D/ceph.conf" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
# no cephx: faster, no keyrings. radosgw defaults to ms_mon_client_mode=secure,
# which needs cephx, so force crc or it hangs in "get_initial_auth_request returned -13".
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
# keep every path inside \$D (works unprivileged)
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
crash dir = $D/crash
keyring = $D/keyring
mon cluster log to file = false
# fail fast instead of the default 300 s hang if something is wrong
client mount timeout = 20
rados mon op timeout = 30
# one OSD: size-1 pools, few PGs, no autoscaler (there is no mgr)
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
mon allow pool delete = true
# faster map changes (pool creation) on a single mon
paxos propose interval = 0.05
[mon]
mon data = $D/mon
[osd]
osd data = $D/osd
osd objectstore = memstore
memstore device bytes = $OSD_BYTES
osd fast shutdown notify mon = false
osd op num shards = 2
osd op num threads per shard = 2
[client]
log file = $D/log/\$name.log
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $D
rgw thread pool size = 64
rgw enable usage log = false
rgw dynamic resharding = false
EOF

  # --- monitor
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$D/monmap" >"$D/log/monmaptool.out" 2>&1 \
    || die "monmaptool failed (see $D/log/monmaptool.out)"
  ceph-mon -c "$D/ceph.conf" -i a --mkfs --monmap "$D/monmap" >"$D/log/mon-mkfs.out" 2>&1 \
    || die "ceph-mon --mkfs failed (see $D/log/mon-mkfs.out)"
  port_free "$mon_port" || die "port $mon_port (MON_PORT) is already in use"
  port_free "$rgw_port" || die "port $rgw_port (RGW_PORT) is already in use"
  spawn mon.a ceph-mon -c "$D/ceph.conf" -i a
  wait_listen mon.a "$mon_port"   # never talk to some other cluster's mon on that port

  # --- OSD (memstore: everything in RAM, nothing to format)
  local osd_id
  osd_id=$(timeout 30 ceph -c "$D/ceph.conf" --connect-timeout 20 osd new "$osd_uuid" 2>"$D/log/osd-new.out") \
    || die "'ceph osd new' failed (see $D/log/osd-new.out, $D/log/mon.a.log)"
  [[ $osd_id == 0 ]] || die "unexpected osd id '$osd_id'"
  ceph-osd -c "$D/ceph.conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >"$D/log/osd-mkfs.out" 2>&1 \
    || die "ceph-osd --mkfs failed (see $D/log/osd-mkfs.out)"
  spawn osd.0 ceph-osd -c "$D/ceph.conf" -i 0

  # --- S3 user (this also creates the default realm/zone and the RGW pools; do it before
  #     radosgw starts so the two never race to create the default zone)
  timeout "$START_TIMEOUT" radosgw-admin -c "$D/ceph.conf" -n client.admin user create \
      --uid=tester --display-name=tester \
      --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >"$D/log/user-create.out" 2>&1 \
    || die "radosgw-admin user create failed (see $D/log/user-create.out)"

  # --- radosgw (ready = *our* radosgw owns the port and answers GET /)
  port_free "$rgw_port" || die "port $rgw_port (RGW_PORT) is already in use"
  spawn radosgw radosgw -c "$D/ceph.conf" -n client.rgw
  wait_listen radosgw "$rgw_port"
  for ((i = 0; i < START_TIMEOUT * 10; i++)); do
    http_ready "$rgw_port" && break
    sleep 0.1
  done
  http_ready "$rgw_port" || die "radosgw not ready after ${START_TIMEOUT}s (see $D/log/)"
  t1=$(now)
  log "ready on http://127.0.0.1:$rgw_port in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')s"

  cat >"$D/env" <<EOF
export MLO_S3_ENDPOINT=http://127.0.0.1:$rgw_port
export AWS_ENDPOINT_URL=http://127.0.0.1:$rgw_port
export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY
export AWS_DEFAULT_REGION=us-east-1
export RGW_TEST_DIR=$D
EOF
  cat "$D/env"
  trap - EXIT
}

[[ $# -eq 2 ]] || die "usage: $0 start|stop DIR"
if [[ $1 == stop && ! -d $2 ]]; then exit 0; fi
mkdir -p "$2"
D=$(cd "$2" && pwd)
case $1 in
  start) cmd_start ;;
  stop) cmd_stop ;;
  *) die "usage: $0 start|stop DIR" ;;
esac
