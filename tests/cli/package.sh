# Packaging: cpack builds mlo_*.deb and mlo-dev_*.deb from this build tree; apt installs them on
# this machine (root on CI); the installed binary runs `mlo version` and the README demo, man
# pages and bash completion are in place, a find_package(mlo) project builds against
# mlo::mlo_lib; then dpkg removes both packages and no installed file is left behind.
. "$(dirname "$0")/common.sh"

BUILD_DIR=$(cd "$(dirname "$MLO")/../.." && pwd)
needs() {  # a missing prerequisite skips locally and fails on CI
  [ "${CI:-}" = true ] && fail "$*"
  skip "$*"
}
[ -f "$BUILD_DIR/CPackConfig.cmake" ] || fail "no CPackConfig.cmake in $BUILD_DIR"
[ -f "$BUILD_DIR/generated/stamp" ] || needs "man pages not generated (help2man missing at build time?)"
[ "$(id -u)" = 0 ] || needs "installing a .deb needs root"
command -v apt-get >/dev/null && command -v dpkg-shlibdeps >/dev/null || needs "apt-get/dpkg-dev missing"
command -v zsh >/dev/null && command -v fish >/dev/null || needs "zsh/fish missing (completion checks)"
if dpkg-query -W -f='${Status}' mlo 2>/dev/null | grep -q "install ok installed"; then
  needs "a package named mlo is already installed; not touching it"
fi

# --- build the packages ----------------------------------------------------------------------
expect_rc 0 "cpack builds the .deb files" cpack --config "$BUILD_DIR/CPackConfig.cmake" -B "$TEST_TMP/pkg"
deb=$(ls "$TEST_TMP"/pkg/mlo_*.deb 2>/dev/null | head -n1)
dev=$(ls "$TEST_TMP"/pkg/mlo-dev_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] && [ -n "$dev" ] || fail "cpack made no mlo_*.deb / mlo-dev_*.deb: $(ls "$TEST_TMP/pkg")"
depends=$(dpkg-deb -f "$deb" Depends)
# glibc (linked) and the libraries opened on first use (listed by hand) always; the others only
# when this build links them shared (MLO_FAST_START=OFF links them from their archives).
needed=$(readelf -d "$MLO" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
expected="libc6 libxgboost0 libarchive13 libcurl4"
case "$needed" in *libstdc++*) expected="$expected libstdc++6" ;; esac
case "$needed" in *libyaml-cpp*) expected="$expected libyaml-cpp0.7" ;; esac
case "$needed" in *libcrypto*) expected="$expected libssl3" ;; esac
for lib in $expected; do
  assert_contains "$depends" "$lib" "Depends (from dpkg-shlibdeps)"
done
pass "Depends computed by shlibdeps: $depends"
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/mlo ./usr/share/man/man1/mlo.1.gz ./usr/share/man/man1/mlo-train.1.gz \
    ./usr/share/bash-completion/completions/mlo ./usr/share/zsh/vendor-completions/_mlo \
    ./usr/share/fish/vendor_completions.d/mlo.fish ./usr/share/mlo/policy.example.yaml; do
  assert_contains "$contents" "$f" "mlo package contents"
done
dev_contents=$(dpkg-deb -c "$dev")
assert_contains "$dev_contents" "/usr/lib/cmake/mlo/mloConfig.cmake" "mlo-dev contents"
assert_contains "$dev_contents" "/usr/include/mlo/core/result.hpp" "mlo-dev contents"
pass "package contents"

# --- install ---------------------------------------------------------------------------------
cleanup() {
  DEBIAN_FRONTEND=noninteractive dpkg --purge mlo-dev mlo >/dev/null 2>&1 || true
  rm -rf "$TEST_TMP"
}
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
expect_rc 0 "apt-get install ./mlo_*.deb ./mlo-dev_*.deb" \
  apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "$deb" "$dev"
installed_files=$(dpkg -L mlo mlo-dev | sort -u)

expect_rc 0 "installed mlo version" /usr/bin/mlo version
assert_contains "$OUT" "mlo $(dpkg-deb -f "$deb" Version)"
if grep -qs 'path-exclude=/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
  pass "man -w skipped: this system's dpkg excludes /usr/share/man"
else
  expect_rc 0 "man -w mlo" man -w mlo
  assert_eq "$OUT" "/usr/share/man/man1/mlo.1.gz"
  expect_rc 0 "man -w mlo-score-batch" man -w mlo-score-batch
  zcat /usr/share/man/man1/mlo-drift.1.gz | grep -qF -- '\-\-current' || fail "mlo-drift.1 lacks --current"
  pass "mlo-drift(1) documents --current"
fi

# Bash completion from the installed file: commands, then a command's options.
complete_words() {
  bash -c '. /usr/share/bash-completion/completions/mlo; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mlo; echo "${COMPREPLY[*]}"' _ "$@"
}
assert_eq "$(complete_words mlo score-)" "score-batch" "completion of 'mlo score-'"
assert_contains "$(complete_words mlo --store s drift --re)" "--reference --report" "completion of drift options"
pass "bash completion"
# zsh and fish completions: valid syntax, and fish completes from the installed file.
zsh -n /usr/share/zsh/vendor-completions/_mlo || fail "_mlo is not valid zsh"
fish --no-execute /usr/share/fish/vendor_completions.d/mlo.fish || fail "mlo.fish is not valid fish"
assert_contains "$(fish -c "source /usr/share/fish/vendor_completions.d/mlo.fish; complete -C 'mlo drift --re'")" \
  "--report" "fish completion of drift options"
pass "zsh and fish completions"

# --- the README demo with the installed binary (small data to stay fast) ----------------------
expect_rc 0 "demo with /usr/bin/mlo" env MLO=/usr/bin/mlo DEMO_OUT="$TEST_TMP/demo" DEMO_ROWS=20000 \
  DEMO_TRAIN_ARGS="--param num_boost_round=30" bash "$MLO_SOURCE_DIR/scripts/demo.sh"
assert_file "$TEST_TMP/demo/scores.csv"
assert_file "$TEST_TMP/demo/drift-report.html"

# --- a project embedding the library --------------------------------------------------------
mkdir -p consumer
cat > consumer/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(consumer CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(mlo 0.1 REQUIRED)
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE mlo::mlo_lib)
CMAKE
cat > consumer/main.cpp <<'CPP'
// Opens a store, lists its models and hashes a string: links store, registry and core.
#include <iostream>
#include "mlo/core/digest.hpp"
#include "mlo/core/version.hpp"
#include "mlo/registry/registry.hpp"
#include "mlo/store/store.hpp"
int main(int argc, char** argv) {
  auto store = mlo::open_store(argv[argc - 1]);
  if (!store.ok()) { std::cerr << store.error().message << "\n"; return 1; }
  auto models = mlo::list_models(**store);
  if (!models.ok()) { std::cerr << models.error().message << "\n"; return 1; }
  std::cout << mlo::mlo_version() << " " << models->size() << " " << mlo::digest_bytes("") << "\n";
}
CPP
expect_rc 0 "find_package(mlo) configures" cmake -S consumer -B consumer/build -DCMAKE_BUILD_TYPE=Release
expect_rc 0 "consumer builds against mlo::mlo_lib" cmake --build consumer/build
expect_rc 0 "consumer runs" consumer/build/consumer "$TEST_TMP/demo/store"
assert_eq "$OUT" "$(dpkg-deb -f "$deb" Version) 1 sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" "consumer output"

# --- remove cleanly ----------------------------------------------------------------------------
expect_rc 0 "dpkg -r mlo-dev mlo" dpkg -r mlo-dev mlo
dpkg-query -W -f='${Status}' mlo 2>/dev/null | grep -q "install ok installed" && fail "mlo still installed"
left=$(printf '%s\n' "$installed_files" | while read -r f; do [ -f "$f" ] && echo "$f"; done)
[ -z "$left" ] || fail "files left after dpkg -r: $left"
[ ! -e /usr/include/mlo ] && [ ! -e /usr/share/mlo ] && [ ! -e /usr/lib/cmake/mlo ] ||
  fail "directories left after dpkg -r"
pass "nothing left after removal"
finish
