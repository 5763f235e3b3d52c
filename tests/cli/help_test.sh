#!/usr/bin/env bash
# \file tests/cli/help_test.sh
# \brief Every command's --help, found by walking `quire --help` (so that new
# commands are covered without listing them here): exits 0, is headed "Usage:
# quire ...", describes the command and every option, ends with the exit codes, and
# the command is in docs/cli.md. An unknown option is a usage error (exit 2).
#
# Usage: help_test.sh QUIRE_BINARY PROJECT_ROOT
set -uo pipefail
quire="$1"
root="$2"
source "$(dirname "$0")/check_lib.sh"

# The subcommand names listed under "Subcommands:" of a help text.
subcommands() { awk '/^Subcommands:/{s=1; next} s && /^  [a-z]/{print $1}' <<<"$1"; }

# fs commands take -h for --human-readable, so their help is --help only.
commands=()
walk() {  # walk WORDS...: record the command and descend into its subcommands
  local text
  text=$("$quire" "$@" --help 2>&1)
  check "'quire $*' --help exits 0" 0 "$?"
  commands+=("$*")
  for sub in $(subcommands "$text"); do walk "$@" "$sub"; done
}
walk
check "the walk finds the commands" yes "$([[ ${#commands[@]} -ge 25 ]] && echo yes || echo "no: ${commands[*]}")"

for c in "${commands[@]}"; do
  # shellcheck disable=SC2086
  text=$("$quire" $c --help 2>&1)
  name="quire${c:+ $c}"
  check "$name: usage line" yes "$(grep -q "^Usage: $name \[OPTIONS\]" <<<"$text" && echo yes || echo no)"
  check "$name: a description first" yes \
    "$(head -1 <<<"$text" | grep -Eq '^[A-Za-z].{10,}' && echo yes || echo no)"
  check "$name: exit codes at the end" \
    "Exit codes: 0 success, 1 other failure, 2 usage error, 3 not found, 4 commit conflict, 5 corrupt input." \
    "$(grep -v '^$' <<<"$text" | tail -1)"
  # Option lines ("  --name TYPE   text" or the name alone with the text on the
  # next line): every option has a text, and no CLI11 default marker leaks.
  undocumented=$(awk '
    /^Options:|^Positionals:/ {s=1; next}
    /^[A-Z]/ {s=0}
    s && /^  [-A-Z]/ {
      if (pending) print pending
      line=$0; sub(/^  /, "", line)
      pending = (line ~ /   +[^ ]/) ? "" : line
      next
    }
    s && /^                              [^ ]/ {pending=""}
    END {if (pending) print pending}' <<<"$text")
  check "$name: every option described" "" "$undocumented"
  check "$name: no {false}/{true} markers" "" "$(grep -E '\{(false|true)\}' <<<"$text")"
  if [[ -n "$c" ]]; then
    check "$name: in docs/cli.md" yes "$(grep -q "quire $c" "$root/docs/cli.md" && echo yes || echo no)"
  fi
done

"$quire" table scan --no-such-option x > /dev/null 2>&1
check "an unknown option exits 2" 2 "$?"
"$quire" > /dev/null 2>&1
check "no command exits 2" 2 "$?"

echo "$failures failures"
[[ $failures -eq 0 ]]
