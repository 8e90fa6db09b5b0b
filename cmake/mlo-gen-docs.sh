#!/usr/bin/env bash
# mlo-gen-docs.sh MLO OUTDIR VERSION: man pages (help2man) and bash/zsh/fish completions,
# generated from the built binary's own --help so they always match the command table.
#   OUTDIR/man/mlo.1.gz, OUTDIR/man/mlo-<command>.1.gz
#   OUTDIR/completions/{mlo.bash,_mlo,mlo.fish}
# Run by the build (cmake/MloInstall.cmake); help2man comes from Debian's help2man package.
set -euo pipefail
MLO=$1 OUT=$2 VERSION=$3
HERE=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "$OUT.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/man" "$tmp/completions"

table() { "$MLO" "$@" --help | awk -f "$HERE/mlo-help-table.awk"; }
table > "$tmp/main.tsv"
mapfile -t commands < <(awk -F'\t' '$1 == "cmd" {print $2}' "$tmp/main.tsv")
[ ${#commands[@]} -gt 0 ] || { echo "mlo-gen-docs: no subcommands in '$MLO --help'" >&2; exit 1; }
for c in "${commands[@]}"; do table "$c" > "$tmp/cmd-$c.tsv"; done
summary() { awk -F'\t' -v c="$1" '$1 == "cmd" && $2 == c {print $3}' "$tmp/main.tsv"; }

# --- man pages ------------------------------------------------------------------------------
{
  echo "[EXIT STATUS]"
  echo ".nf"
  "$MLO" help exit-codes 2>/dev/null || true
  echo ".fi"
  echo "[ENVIRONMENT]"
  echo ".TP"; echo ".B MLO_STORE"; echo "Store URL or path when --store is not given."
  echo "[SEE ALSO]"
  printf '%s\n' "${commands[@]}" | sed 's/.*/.BR mlo-&\ (1),/' | sed '$ s/,$//'
  echo ".PP"
  echo "Full documentation: /usr/share/doc/mlo and docs/ in the source tree."
} > "$tmp/main.h2m"
help2man --no-info --no-discard-stderr --version-string="$VERSION" --include="$tmp/main.h2m" \
  --name="model registry, batch scoring and drift monitoring" "$MLO" > "$tmp/man/mlo.1"
printf '[SEE ALSO]\n.BR mlo (1)\n' > "$tmp/sub.h2m"
for c in "${commands[@]}"; do
  upper=$(printf '%s' "mlo-$c" | tr '[:lower:]' '[:upper:]')
  help2man --no-info --no-discard-stderr --version-string="$VERSION" --include="$tmp/sub.h2m" \
    --help-option="$c --help" --name="$(summary "$c")" "$MLO" |
    sed -e "s/^\.TH MLO /.TH $upper /" -e "/^\.SH NAME/{n;s/^mlo /mlo-$c /}" > "$tmp/man/mlo-$c.1"
done
gzip -9n "$tmp"/man/*.1

# --- completions ----------------------------------------------------------------------------
# opts_of TABLE: "short^_long^_arg^_desc" per option (^_ = \x1f: tabs would collapse empty fields)
opts_of() { awk -F'\t' -v OFS=$'\x1f' '$1 == "opt" && $3 != "--help" {print $2, $3, $4, $5}' "$1"; }
squote() { printf '%s' "$1" | sed "s/'/'\\\\''/g"; }         # for '...' in sh/zsh/fish

{
  echo "# bash completion for mlo (generated from mlo --help by cmake/mlo-gen-docs.sh)"
  echo "_mlo() {"
  echo '  local cur=${COMP_WORDS[COMP_CWORD]} cmd= w'
  echo "  local commands='${commands[*]}'"
  echo '  for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do'
  echo '    case " $commands " in *" $w "*) cmd=$w; break ;; esac'
  echo '  done'
  printf "  local global='%s'\n" "$(opts_of "$tmp/main.tsv" | awk -F$'\x1f' '{printf "%s%s ", ($1 != "" ? $1 " " : ""), $2}')"
  echo '  local words=$global'
  echo '  case $cmd in'
  printf "    '') words+=\" \$commands\" ;;\n"
  for c in "${commands[@]}"; do
    printf "    %s) words+=' %s' ;;\n" "$c" "$(opts_of "$tmp/cmd-$c.tsv" | awk -F$'\x1f' '{printf "%s ", $2}')"
  done
  echo '  esac'
  echo '  if [[ -z $cmd || $cur == -* ]]; then'
  echo '    COMPREPLY=($(compgen -W "$words" -- "$cur"))'
  echo '  fi  # otherwise nothing: -o default completes file names'
  echo '}'
  echo 'complete -o default -F _mlo mlo'
} > "$tmp/completions/mlo.bash"

zsh_spec() {  # zsh _arguments specs from an option table
  opts_of "$1" | while IFS=$'\x1f' read -r short long arg desc; do
    desc=$(printf '%s' "$desc" | sed -e 's/\[/\\[/g' -e 's/\]/\\]/g' -e 's/:/\\:/g')
    local value=""; [ "$arg" = 1 ] && value=":value:_files"
    if [ -n "$short" ]; then
      printf "    '(%s %s)'{%s,%s}'[%s]%s' \\\\\n" "$short" "$long" "$short" "$long" "$(squote "$desc")" "$value"
    else
      printf "    '%s[%s]%s' \\\\\n" "$long" "$(squote "$desc")" "$value"
    fi
  done
}
{
  echo "#compdef mlo"
  echo "# zsh completion for mlo (generated from mlo --help by cmake/mlo-gen-docs.sh)"
  echo "_mlo() {"
  echo '  local curcontext=$curcontext state line'
  echo '  local -a commands'
  echo '  commands=('
  for c in "${commands[@]}"; do printf "    '%s:%s'\n" "$c" "$(squote "$(summary "$c")")"; done
  echo '  )'
  echo '  _arguments -C \'
  zsh_spec "$tmp/main.tsv"
  echo "    '1: :->command' '*:: :->args'"
  echo '  case $state in'
  echo "    command) _describe -t commands 'mlo command' commands ;;"
  echo '    args)'
  echo '      case $line[1] in'
  for c in "${commands[@]}"; do
    echo "        $c) _arguments \\"
    zsh_spec "$tmp/cmd-$c.tsv" | sed 's/^/    /'
    echo "            '*:file:_files' ;;"
  done
  echo '      esac ;;'
  echo '  esac'
  echo '}'
  echo '_mlo "$@"'
} > "$tmp/completions/_mlo"

fish_lines() {  # fish_lines CONDITION TABLE
  opts_of "$2" | while IFS=$'\x1f' read -r short long arg desc; do
    local line="complete -c mlo -n '$1' -l ${long#--}"
    [ -n "$short" ] && line+=" -s ${short#-}"
    [ "$arg" = 1 ] && line+=" -r -F"
    printf "%s -d '%s'\n" "$line" "$(printf '%s' "$desc" | sed "s/'/\\\\'/g")"
  done
}
{
  echo "# fish completion for mlo (generated from mlo --help by cmake/mlo-gen-docs.sh)"
  echo "complete -c mlo -f"
  fish_lines "true" "$tmp/main.tsv"
  for c in "${commands[@]}"; do
    printf "complete -c mlo -n '__fish_use_subcommand' -a %s -d '%s'\n" "$c" "$(summary "$c" | sed "s/'/\\\\'/g")"
    fish_lines "__fish_seen_subcommand_from $c" "$tmp/cmd-$c.tsv"
  done
} > "$tmp/completions/mlo.fish"

rm -rf "$OUT/man" "$OUT/completions"
mkdir -p "$OUT"
mv "$tmp/man" "$tmp/completions" "$OUT/"
touch "$OUT/stamp"
