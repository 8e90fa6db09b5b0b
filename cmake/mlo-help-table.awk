# Reads CLI11 `--help` text and prints one tab-separated row per item:
#   cmd  <TAB> NAME <TAB> SUMMARY                    (the Subcommands: section of `mlo --help`)
#   opt  <TAB> SHORT <TAB> LONG <TAB> ARG <TAB> DESC  (the Options: section; ARG is 1 when the
#                                                     option takes a value, SHORT may be empty)
# Shared by the man page / completion generator and tests/cli/docs_sync.sh so both read --help
# the same way. A description too long for CLI11's column continues on the next line.
function flush() {
  if (pending != "") { print pending "\t" desc; pending = ""; desc = "" }
}
/^[A-Za-z][A-Za-z ]*:$/ { flush(); section = $0; next }
/^$/ { flush(); next }
section == "Subcommands:" && /^  [a-z]/ {
  flush()
  name = $1
  summary = $0; sub(/^  [^ ]+ +/, "", summary)
  print "cmd\t" name "\t" summary
  next
}
section ~ /Options:$/ && /^  +-/ {
  flush()
  line = $0; sub(/^ +/, "", line)
  spec = line; sub(/  .*/, "", spec)         # flags and type, up to the description column
  d = ""; if (index(line, "  ") > 0) { d = line; sub(/^[^ ]+( [^ ]+)*  +/, "", d) }
  n = split(spec, words, " ")
  if (d == "" && n > 1) {  # no gap before the description: it starts after the type words
    for (k = 2; k <= n && words[k] ~ /^([A-Z][A-Z0-9:_]*|\.\.\.)$/; k++) {}
    if (k <= n) { d = words[k]; for (j = k + 1; j <= n; j++) d = d " " words[j]; n = k - 1 }
  }
  split(words[1], flags, ",")
  short = ""; long = ""
  for (i in flags) {
    if (flags[i] ~ /^--/) long = flags[i]
    else if (flags[i] ~ /^-[^-]/) short = flags[i]
  }
  arg = (n > 1 && words[2] ~ /^[A-Z]/) ? 1 : 0
  if (long == "") next
  pending = "opt\t" short "\t" long "\t" arg
  desc = d
  if (d != "") flush()
  next
}
pending != "" && /^ +[^ -]/ { d = $0; sub(/^ +/, "", d); desc = d; flush(); next }
