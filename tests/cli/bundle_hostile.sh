# mlo import against hostile archives, all generated here from one genuine export: path
# traversal, absolute paths, links, devices, FIFOs, bombs, limits, truncation, wrong digests,
# incomplete histories, duplicates, garbage. Each must fail with its exit code (3 malformed or
# over a limit, 6 digest mismatch) and one error line naming the archive and the entry, and
# leave the store byte-identical with no staging directory behind.
. "$(dirname "$0")/common.sh"
command -v zstd >/dev/null || skip "needs the zstd command (scripts/install-deps.sh)"

mlo init >/dev/null
make_tiny_model m.json 3
mlo register churn --model m.json >/dev/null || fail "register 1"
mlo register churn --model m.json --metric auc=0.7 >/dev/null || fail "register 2"
mlo promote churn:2 --to champion --force --reason test >/dev/null || fail "promote"
expect_rc 0 "export a genuine bundle" mlo export churn -o good.mlo.tar.zst
zstd -q -d -c good.mlo.tar.zst >good.tar || fail "zstd -d"

DEST="$TEST_TMP/dest"
mlo --store "$DEST" init >/dev/null || fail "init dest"
mlo --store "$DEST" register keep --model m.json >/dev/null || fail "register keep"
export TMPDIR="$TEST_TMP/tmp"
mkdir -p "$TMPDIR" hostile

# Writes hostile/<case>.tar (plain tar; compressed below unless the case says raw) and
# hostile/cases: "<case>|<exit code>|<text the error must contain>|<raw: 1 = do not compress>".
"$SYSTEM_PYTHON" - good.tar hostile <<'PY' || fail "generator failed"
import hashlib, io, os, sys, tarfile
src, out = sys.argv[1], sys.argv[2]
with tarfile.open(src) as t:
    members = [(m, t.extractfile(m).read()) for m in t.getmembers()]
index_name = "mlo-bundle.yaml"
by_name = {m.name: data for m, data in members}
names = [m.name for m, _ in members]
blobs = [n for n in names if n.startswith("objects/")]
events = [n for n in names if "/events/" in n]
cases = []

def reg(name, data):
    ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = 0o644
    return ti, data

def write(case, entries, code, text, raw=False, fmt=tarfile.PAX_FORMAT):
    with tarfile.open(os.path.join(out, case + ".tar"), "w", format=fmt) as t:
        for ti, data in entries:
            t.addfile(ti, io.BytesIO(data) if data is not None and ti.isreg() else None)
    cases.append(f"{case}|{code}|{text}|{1 if raw else 0}")

def genuine(skip=(), replace=None):
    replace = replace or {}
    return [reg(n, replace.get(n, by_name[n])) for n in names if n not in skip]

def special(name, kind, linkname=""):
    ti = tarfile.TarInfo(name); ti.type = kind; ti.linkname = linkname
    ti.devmajor, ti.devminor = 1, 3
    return ti, None

def with_index(index_bytes, rest):
    return [reg(index_name, index_bytes)] + rest

idx = by_name[index_name]
after_index = lambda extra: genuine()[:1] + extra + genuine()[1:]

write("traversal", after_index([reg("../evil.yaml", b"x")]), 3, "entry '../evil.yaml': unsafe path")
write("traversal-deep", after_index([reg("models/churn/../../../etc/cron.d/x", b"x")]), 3, "unsafe path")
write("absolute", after_index([reg("/etc/mlo-evil", b"x")]), 3, "entry '/etc/mlo-evil'")
write("symlink", after_index([special("models/churn/aliases/evil.yaml", tarfile.SYMTYPE, "/etc/passwd")]), 3, "not a regular file")
write("hardlink", after_index([special("models/churn/aliases/evil.yaml", tarfile.LNKTYPE, events[0])]), 3, "hard links are not allowed")
write("char-device", after_index([special("dev-null", tarfile.CHRTYPE)]), 3, "entry 'dev-null': not a regular file")
write("block-device", after_index([special("dev-sda", tarfile.BLKTYPE)]), 3, "not a regular file")
write("fifo", after_index([special("models/churn/events/99.yaml", tarfile.FIFOTYPE)]), 3, "not a regular file")
write("directory", after_index([special("models/churn/", tarfile.DIRTYPE)]), 3, "not a regular file")
write("dot-segment", after_index([reg("models/churn/.lock", b"x")]), 3, "unsafe path")
write("unknown-entry", after_index([reg("README.txt", b"hello")]), 3, "entry 'README.txt': not listed in the index")
write("oversized-document", after_index([reg("models/churn/events/99.yaml", b"a" * (2 << 20))]), 3, "document larger than")
write("duplicate-entry", genuine() + [reg(events[0], by_name[events[0]])], 3, f"entry '{events[0]}': duplicate entry")
write("duplicate-index", genuine() + [reg(index_name, idx)], 3, "duplicate entry")
write("index-not-first", genuine()[1:] + genuine()[:1], 3, "the first entry must be mlo-bundle.yaml")
write("no-index", genuine()[1:], 3, "the first entry must be mlo-bundle.yaml")
write("index-garbage", with_index(b"{{{ not yaml", genuine()[1:]), 3, "mlo-bundle.yaml")
write("index-other-model", with_index(idx.replace(b"models/churn/versions/1.yaml", b"models/zzzzz/versions/1.yaml"), genuine()[1:]), 3, "is not a key of model churn")
# A blob whose bytes changed, same size: the index still names the old digest.
b0 = by_name[blobs[0]]
write("wrong-digest-blob", genuine(replace={blobs[0]: bytes([b0[0] ^ 1]) + b0[1:]}), 6, f"entry '{blobs[0]}': content hashes to")
e0 = by_name[events[0]]
write("wrong-digest-event", genuine(replace={events[0]: e0.replace(b"tester", b"mallor")}), 6, f"entry '{events[0]}': content does not match its digest")
# The blob's entry and its index line removed: the manifest names a blob the archive lacks.
hexd = blobs[0].split("/", 2)[2].replace("/", "")
lines = idx.split(b"\n")
keep, i = [], 0
while i < len(lines):
    if lines[i].strip() == b"- path: " + blobs[0].encode():
        i += 3; continue
    keep.append(lines[i]); i += 1
write("missing-blob", with_index(b"\n".join(keep), genuine(skip=(index_name, blobs[0]))), 3, "a manifest refers to this blob but the archive does not hold it")
write("listed-but-missing", genuine(skip=(events[-1],)), 3, f"entry '{events[-1]}': listed in the index but missing")
size_lie = genuine(replace={events[0]: e0 + b"# more\n"})
write("size-differs", size_lie, 3, "differs from the index")
# 64 MiB of zeros as a blob: the ratio limit stops it long before the end.
zeros = b"\0" * (64 << 20)
bomb_name = "objects/sha256/" + hashlib.sha256(zeros).hexdigest()[:2] + "/" + hashlib.sha256(zeros).hexdigest()[2:]
write("zstd-bomb", with_index(idx + f"  - path: {bomb_name}\n    size: {len(zeros)}\n    digest: sha256:{hashlib.sha256(zeros).hexdigest()}\n".encode(), [reg(bomb_name, zeros)] + genuine()[1:]), 3, "compression ratio above")
# Cases whose index is rewritten to match, so only the history checks can catch them.
def reindexed(name, data, extra=b""):
    out, lines, i = [], idx.split(b"\n"), 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i].strip() == b"- path: " + name.encode():
            out.append(b"    size: %d" % len(data))
            out.append(b"    digest: sha256:" + hashlib.sha256(data).hexdigest().encode())
            i += 3
            continue
        i += 1
    return b"\n".join(out) + extra
alias = next(n for n in names if "/aliases/" in n)
dangling = by_name[alias].replace(b"version: 2", b"version: 9")
write("alias-dangling", with_index(reindexed(alias, dangling), genuine(skip=(index_name,), replace={alias: dangling})), 3, "points at version 9, which does not exist")
manifest = next(n for n in names if n.endswith("versions/1.yaml"))
edited = by_name[manifest] + b"# edited\n"
write("manifest-edited", with_index(reindexed(manifest, edited), genuine(skip=(index_name,), replace={manifest: edited})), 3, "modified after registration")
spare = b"an unreferenced blob"
spare_hex = hashlib.sha256(spare).hexdigest()
spare_name = f"objects/sha256/{spare_hex[:2]}/{spare_hex[2:]}"
write("unreferenced-blob", with_index(idx + f"  - path: {spare_name}\n    size: {len(spare)}\n    digest: sha256:{spare_hex}\n".encode(), genuine(skip=(index_name,)) + [reg(spare_name, spare)]), 3, f"entry '{spare_name}': not part of model churn's history")
write("plain-tar", genuine(), 3, "not a zstd-compressed tar archive", raw=True)
write("gnu-format", genuine(), 0, "", fmt=tarfile.GNU_FORMAT)  # a different tar dialect is fine
open(os.path.join(out, "cases"), "w").write("\n".join(cases) + "\n")
PY

for f in hostile/*.tar; do
  case=$(basename "$f" .tar)
  raw=$(grep "^$case|" hostile/cases | cut -d'|' -f4)
  if [ "$raw" = 1 ]; then mv "$f" "hostile/$case.mlo.tar.zst"; else zstd -q --rm "$f" -o "hostile/$case.mlo.tar.zst" || fail "zstd $case"; fi
done
# Cases made here rather than by tarfile.
head -c $(( $(stat -c %s good.mlo.tar.zst) / 2 )) good.mlo.tar.zst >hostile/truncated.mlo.tar.zst
head -c $(( $(stat -c %s good.mlo.tar.zst) - 40 )) good.mlo.tar.zst >hostile/truncated-tail.mlo.tar.zst
head -c 4096 /dev/urandom >hostile/garbage.mlo.tar.zst
: >hostile/empty.mlo.tar.zst
gzip -c good.tar >hostile/gzip.mlo.tar.zst
printf 'zstd\n' | zstd -q -c >hostile/zstd-not-tar.mlo.tar.zst
{ cat <<'C'
truncated|3|hostile/truncated.mlo.tar.zst
truncated-tail|3|hostile/truncated-tail.mlo.tar.zst
garbage|3|hostile/garbage.mlo.tar.zst
empty|3|hostile/empty.mlo.tar.zst
gzip|3|hostile/gzip.mlo.tar.zst
zstd-not-tar|3|hostile/zstd-not-tar.mlo.tar.zst
C
} | sed 's/$/|0/' >>hostile/cases

before=$(tree_listing "$DEST")
count=0
while IFS='|' read -r case code text raw; do
  [ -n "$case" ] || continue
  file="hostile/$case.mlo.tar.zst"
  if [ "$code" = 0 ]; then
    expect_rc 0 "$case imports" mlo --store "$TEST_TMP/fresh-$case" init
    expect_rc 0 "$case imports" mlo --store "$TEST_TMP/fresh-$case" import "$file"
    continue
  fi
  expect_error "$code" "$case refused" mlo --store "$DEST" import "$file"
  printf "    %s\n" "$ERR"
  assert_contains "$ERR" "$file" "$case: message names the archive"
  [ -z "$text" ] || assert_contains "$ERR" "$text" "$case"
  assert_eq "$(tree_listing "$DEST")" "$before" "$case: the store changed"
  [ -z "$(ls -A "$TMPDIR")" ] || fail "$case: staging left behind: $(ls -A "$TMPDIR")"
  count=$((count + 1))
done <hostile/cases
[ "$count" -ge 20 ] || fail "only $count hostile archives tried"
pass "$count hostile archives refused, store byte-identical each time"; TESTS_RUN=$((TESTS_RUN + 1))

# Limits from the command line.
expect_error 3 "--max-entries" mlo --store "$DEST" import good.mlo.tar.zst --max-entries 3
assert_contains "$ERR" "more than 3 entries"
expect_error 3 "--max-size" mlo --store "$DEST" import good.mlo.tar.zst --max-size 100
assert_contains "$ERR" "limit"
assert_eq "$(tree_listing "$DEST")" "$before" "limits: the store changed"
expect_error 2 "--max-size 0 is a usage error" mlo --store "$DEST" import good.mlo.tar.zst --max-size 0
expect_error 4 "a missing archive" mlo --store "$DEST" import nope.mlo.tar.zst

# The genuine archive still imports, and verify passes.
expect_rc 0 "genuine import" mlo --store "$DEST" import good.mlo.tar.zst
expect_rc 0 "verify after import" mlo --store "$DEST" verify
finish
