#!/usr/bin/env bash
# Installs the Debian packages mlo needs to build, test and benchmark. Idempotent: does nothing
# when every package is already installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config file dpkg-dev
  libcli11-dev libyaml-cpp-dev libarchive-dev zlib1g-dev libssl-dev libxgboost-dev xgboost catch2
  libcurl4-openssl-dev nlohmann-json3-dev libfast-float-dev libfmt-dev
  python3 python3-numpy python3-pandas python3-scipy python3-xgboost
  gzip zstd xz-utils bzip2 lz4 time
  help2man man-db python3-yaml zsh fish  # man pages at build time; tests: man -w, completions, the workflow example
  clang libclang-rt-14-dev libfuzzer-14-dev  # tests/fuzz (libFuzzer under ASan+UBSan)
  # S3 tests: a throwaway Ceph radosgw (tests/s3/radosgw.sh) in a private network namespace
  radosgw ceph-mon ceph-osd ceph-common curl iproute2 util-linux
  awscli  # tests/bench/push_pull_vs_awscli.sh only: the peer mlo push/pull is measured against
)
[ "${MLO_WITH_BROWSER:-0}" = 1 ] && PACKAGES+=(chromium)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
