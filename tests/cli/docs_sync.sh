#!/usr/bin/env bash
# docs/commands/<command>.md stays in step with `mlo <command> --help`: every command in the
# command table (and every nested subcommand, e.g. `preprocess init`) has a page, every option
# of its --help appears in the page's "## Options" section, and every option that section lists
# exists. The global options are checked against docs/commands/README.md the same way.
# --help is read with cmake/mlo-help-table.awk, the parser that generates the man pages.
source "$(dirname "$0")/common.sh"
DOCS="$MLO_SOURCE_DIR/docs/commands"
AWK="$MLO_SOURCE_DIR/cmake/mlo-help-table.awk"
problems=()

# options_section PAGE: the text of the page's "## Options" section.
options_section() { awk '/^## /{on = ($0 ~ /^## Options/)} on' "$1"; }
# check PAGE WHAT HELP_ARGS...: compares the options of `mlo HELP_ARGS --help` with PAGE.
check() {
  local page=$1 what=$2; shift 2
  if [ ! -f "$page" ]; then problems+=("$what: no page ${page#"$MLO_SOURCE_DIR"/}"); return; fi
  local section; section=$(options_section "$page")
  if [ -z "$section" ]; then problems+=("${page#"$MLO_SOURCE_DIR"/}: no '## Options' section"); return; fi
  local help_opts; help_opts=$("$MLO" "$@" --help | awk -f "$AWK" | awk -F'\t' '$1 == "opt" && $3 != "--help" {print $3}')
  local o
  for o in $help_opts; do
    grep -qE -- "(^|[^a-z0-9-])$o([^a-z0-9-]|$)" <<<"$section" ||
      problems+=("${page#"$MLO_SOURCE_DIR"/}: option $o (in '$what --help') is not documented")
  done
  # Options the page lists: the first `--name` of each table row or list item.
  local listed; listed=$(grep -E '^(\||[-*]) *`' <<<"$section" | grep -oE -- '`(-[a-zA-Z], ?)?--[a-z0-9-]+' |
    grep -oE -- '--[a-z0-9-]+' | sort -u)
  for o in $listed; do
    [ "$o" = --help ] && continue
    grep -qxF -- "$o" <<<"$help_opts" ||
      problems+=("${page#"$MLO_SOURCE_DIR"/}: lists $o, which '$what --help' does not have")
  done
  TESTS_RUN=$((TESTS_RUN + 1))
}

check "$DOCS/README.md" "mlo"
commands=$("$MLO" --help | awk -f "$AWK" | awk -F'\t' '$1 == "cmd" {print $2}')
[ -n "$commands" ] || fail "no commands in 'mlo --help'"
for c in $commands; do
  check "$DOCS/$c.md" "mlo $c" "$c"
  grep -q "\`$c\`\|($c.md)" "$DOCS/README.md" || problems+=("docs/commands/README.md: command $c is not listed")
  for sub in $("$MLO" "$c" --help | awk -f "$AWK" | awk -F'\t' '$1 == "cmd" {print $2}'); do
    check "$DOCS/$c.md" "mlo $c $sub" "$c" "$sub"
  done
done
if [ ${#problems[@]} -gt 0 ]; then
  printf 'docs out of step with --help:\n' >&2
  printf '  %s\n' "${problems[@]}" >&2
  fail "${#problems[@]} problem(s)"
fi
pass "every command's --help matches its docs page"
finish
