#!/usr/bin/env bash
# The README's test command: installs dependencies if missing, builds, runs unit + CLI tests.
set -euo pipefail
cd "$(dirname "$0")/.."
MLO_WITH_BROWSER=1 ./scripts/install-deps.sh
./scripts/build.sh "$@"
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)"
