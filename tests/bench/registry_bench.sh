# Registry benchmarks (Release build):
#  1. `mlo register` of a 1 GiB file hashes at >= 90% of `openssl dgst -sha256` on the same file
#     (measured on a re-registration, where the blob exists and register's cost is the hash; the
#     first registration, which also copies the file into the store, is printed for reference).
#  2. `mlo list` over a store of 1,000 models x 10 versions answers in < 150 ms.
#  3. `mlo version` and `mlo --help` answer in < 5 ms (issue 15).
#  4. `mlo verify` over that store of 1,000 models x 10 versions takes < 1 s (issue 15).
# Usage: MLO=build-release/apps/mlo/mlo bash tests/bench/registry_bench.sh   (BIG_MIB=1024 by default)
. "$(dirname "$0")/common.sh"
require_release
command -v openssl >/dev/null || bench_die "openssl not installed"
BIG_MIB=${BIG_MIB:-1024}
export MLO_ACTOR=bench
cd "$BENCH_TMP" || exit 2

"$SYSTEM_PYTHON" - <<'PY' || bench_die "python/xgboost failed"
import numpy as np, xgboost as xgb
rng = np.random.default_rng(0)
x = rng.random((200, 5))
xgb.train({"objective": "binary:logistic"}, xgb.DMatrix(x, label=(x[:, 0] > 0.5)), 5).save_model("m.json")
PY

# --- 1. hashing a large artifact
echo "== register a ${BIG_MIB} MiB file"
head -c "$((BIG_MIB * 1024 * 1024))" /dev/urandom >big.bin
cat big.bin >/dev/null  # both contenders read from the page cache
export MLO_STORE="$BENCH_TMP/store-big"
"$MLO" init >/dev/null
ossl_ms=$(best_ms 3 openssl dgst -sha256 big.bin)
first_ms=$(time_ms "$MLO" register big --model m.json --artifact data=big.bin)
again_ms=$(best_ms 3 "$MLO" register big --model m.json --artifact data=big.bin)
rss_kb=$(peak_rss_kb "$MLO" register big --model m.json --artifact data=big.bin)
rate=$("$MLO" -v register big --model m.json --artifact data=big.bin 2>&1 >/dev/null | sed -n 's/.*(\(.*\) GiB\/s).*/\1/p')
mib_s() { awk -v m="$BIG_MIB" -v t="$1" 'BEGIN { printf "%.0f\n", m / (t / 1000) }'; }
figure "openssl dgst -sha256 (best of 3)" "$ossl_ms" "ms ($(mib_s "$ossl_ms") MiB/s)"
figure "mlo register, new blob (hash + copy)" "$first_ms" "ms ($(mib_s "$first_ms") MiB/s)"
figure "mlo register, blob present (best of 3)" "$again_ms" "ms ($(mib_s "$again_ms") MiB/s)"
figure "mlo register store phase (-v)" "${rate:-?}" "GiB/s"
figure "mlo register peak RSS" "$rss_kb" "KiB"
target "register hash speed / openssl" "$(ratio "$ossl_ms" "$again_ms")" ">=" 0.90 "x"
rm -rf big.bin "$BENCH_TMP/store-big"

# --- 2. list over 1,000 models x 10 versions
echo "== list over 1000 models x 10 versions"
export MLO_STORE="$BENCH_TMP/store-many"
"$MLO" init >/dev/null
"$MLO" register tmpl --model m.json --param eta=0.1 --param max_depth=6 --metric auc=0.71 --label team=ops >/dev/null ||
  bench_die "template register failed"
t0=$(now_ns)
# Writes manifests and events byte for byte as `mlo register` does (the template is one), with
# the audit chain linked; `mlo verify` below proves the format.
"$SYSTEM_PYTHON" - "$MLO_STORE" 1000 10 <<'PY' || bench_die "populate failed"
import hashlib, os, shutil, sys
root, models, versions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tmpl = open(os.path.join(root, "models/tmpl/versions/1.yaml")).read()
event1 = open(os.path.join(root, "models/tmpl/events/1.yaml")).read()
field = lambda k: next(l.split(": ", 1)[1] for l in event1.splitlines() if l.startswith(k + ": "))
time, actor = field("time"), field("actor")
sha = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()
for m in range(models):
    name = f"model-{m:04d}"
    vdir, edir = (os.path.join(root, "models", name, d) for d in ("versions", "events"))
    os.makedirs(vdir); os.makedirs(edir)
    previous = ""
    for v in range(1, versions + 1):
        manifest = tmpl.replace("\nname: tmpl\n", f"\nname: {name}\n").replace("\nversion: 1\n", f"\nversion: {v}\n").encode()
        open(os.path.join(vdir, f"{v}.yaml"), "wb").write(manifest)
        ev = (f"apiVersion: mlo/v1\nkind: Event\nmodel: {name}\nnumber: {v}\ntype: registered\ntime: {time}\n"
              f"actor: {actor}\n" + (f"previous: {previous}\n" if previous else "") +
              f"fields:\n  manifest: {sha(manifest)}\n  version: {v}\n").encode()
        open(os.path.join(edir, f"{v}.yaml"), "wb").write(ev)
        previous = sha(ev)
shutil.rmtree(os.path.join(root, "models/tmpl"))
PY
figure "populate (python, 20,000 files)" "$(( ($(now_ns) - t0) / 1000000 ))" "ms"
count=$("$MLO" list --json | "$SYSTEM_PYTHON" -c 'import json,sys; d=json.load(sys.stdin)["models"]; print(len(d), sum(m["versions"] for m in d))')
[ "$count" = "1000 10000" ] || bench_die "list reports '$count' models/versions, want '1000 10000'"
verify_ms=$(best_ms 3 "$MLO" verify)  # fails the bench if the generated store does not verify
list_ms=$(best_ms 5 "$MLO" list)
figure "mlo list --json (best of 5)" "$(best_ms 5 "$MLO" list --json)" "ms"
figure "mlo list -l, reads 1000 manifests (best of 5)" "$(best_ms 5 "$MLO" list -l)" "ms"
figure "mlo list NAME, 10 versions (best of 5)" "$(best_ms 5 "$MLO" list model-0500)" "ms"
figure "ls -R of models/ (directory-walk floor)" "$(best_ms 5 ls -R "$MLO_STORE/models")" "ms"
target "mlo list, 1000 models x 10 versions" "$list_ms" "<" 150 "ms"

# --- 3. version: start-up timed from posix_spawn (spawn_time.py), best of 20; the bash-timed
# figures (each run pays bash's own fork) are printed beside them.
echo "== version"
spawn_ms() { "$SYSTEM_PYTHON" "$MLO_SOURCE_DIR/tests/bench/spawn_time.py" 20 "$@" || bench_die "failed: $*"; }
floor_ms=$(spawn_ms /bin/true)
version_ms=$(spawn_ms "$MLO" version)
help_ms=$(spawn_ms "$MLO" --help)
figure "/bin/true (process start floor, spawn)" "$floor_ms" "ms"
figure "/bin/true (timed from bash)" "$(best_ms 10 /bin/true)" "ms"
figure "mlo version (timed from bash)" "$(best_ms 10 "$MLO" version)" "ms"
figure "mlo version minus /bin/true" "$(awk -v a="$version_ms" -v b="$floor_ms" 'BEGIN { printf "%.3f", a - b }')" "ms"
target "mlo version (best of 20)" "$version_ms" "<" 5 "ms"
target "mlo --help (best of 20)" "$help_ms" "<" 5 "ms"
target "mlo verify, 1000 models x 10 versions (best of 3)" "$verify_ms" "<" 1000 "ms"

bench_finish
