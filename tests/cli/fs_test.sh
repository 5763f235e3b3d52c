#!/usr/bin/env bash
# \file tests/cli/fs_test.sh
# \brief `quire fs` end to end on local paths: ls, ls -l, -R, du, stat, cat, cp
# of files, folders and globs, mv, rm, mkdir, the exit codes and --stats.
# Usage: fs_test.sh QUIRE_BINARY
set -uo pipefail
quire="$1"
source "$(dirname "$0")/check_lib.sh"
fs() { "$quire" fs "$@"; }

mkdir -p "$dir/src/date=2024-01-01" "$dir/src/date=2024-01-02"
printf 'aaaa' > "$dir/src/date=2024-01-01/part-0.parquet"
printf 'bbbbbb' > "$dir/src/date=2024-01-01/part-1.parquet"
printf 'cc' > "$dir/src/date=2024-01-02/part-0.parquet"
printf '{}' > "$dir/src/meta.json"

check "ls lists children, folders with a slash" \
  "$(printf '%s\n' "$dir/src/date=2024-01-01/" "$dir/src/date=2024-01-02/" "$dir/src/meta.json")" \
  "$(fs ls "$dir/src")"
check "ls -R lists every file below" \
  "$(printf '%s\n' "$dir/src/date=2024-01-01/part-0.parquet" "$dir/src/date=2024-01-01/part-1.parquet" "$dir/src/date=2024-01-02/part-0.parquet" "$dir/src/meta.json")" \
  "$(fs ls -R "$dir/src")"
check "ls -l shows sizes" "4 6 " \
  "$(fs ls -l "$dir/src/date=2024-01-01" | awk '{printf "%s ", $1}')"
check "ls of a glob" \
  "$(printf '%s\n' "$dir/src/date=2024-01-01/part-0.parquet" "$dir/src/date=2024-01-02/part-0.parquet")" \
  "$(fs ls "$dir/src/*/part-0.parquet")"
check "du per child and in all" \
  "$(printf '10\t%s\n2\t%s\n2\t%s\n14\t%s' "$dir/src/date=2024-01-01/" "$dir/src/date=2024-01-02/" "$dir/src/meta.json" "$dir/src/")" \
  "$(fs du "$dir/src")"
check "du -s" "$(printf '14\t%s' "$dir/src/")" "$(fs du -s "$dir/src")"
check "stat of a file" "url: $dir/src/meta.json|type: file|size: 2" \
  "$(fs stat "$dir/src/meta.json" | grep -E '^(url|type|size):' | paste -sd '|')"
check "cat prints bytes" "aaaabbbbbb" "$(fs cat "$dir/src/date=2024-01-01/part-*.parquet")"

fs cp "$dir/src/meta.json" "$dir/copy.json"
check "cp a file" '{}' "$(cat "$dir/copy.json")"
fs cp "$dir/src/meta.json" "$dir/src/date=2024-01-02/" 
check "cp into a folder" '{}' "$(cat "$dir/src/date=2024-01-02/meta.json")"
rm "$dir/src/date=2024-01-02/meta.json"
fs cp -R --progress=never "$dir/src" "$dir/tree"
check "cp -R makes a copy of the tree" "$(cd "$dir/src" && find . -type f | sort)" \
  "$(cd "$dir/tree" && find . -type f | sort)"
fs cp -R "$dir/src" "$dir/tree"
check "cp -R into an existing folder goes below it" "4" \
  "$(cd "$dir/tree/src" && find . -type f | wc -l)"
fs cp "$dir/src/*/part-0.parquet" "$dir/globbed/"
check "cp of a glob into a folder" "part-0.parquet" "$(ls "$dir/globbed")"
fs cp -j 1 "$dir/src/date=2024-01-01/*" "$dir/flat"
check "cp of several sources makes the target a folder" "part-0.parquet part-1.parquet" \
  "$(ls "$dir/flat" | paste -sd ' ')"
fs mv "$dir/copy.json" "$dir/moved/m.json"
check "mv a file" "no {}" "$(test -e "$dir/copy.json" && echo yes || echo no) $(cat "$dir/moved/m.json")"
fs mv -R "$dir/tree" "$dir/tree2"
check "mv -R a folder" "no 8" "$(test -e "$dir/tree" && echo yes || echo no) $(find "$dir/tree2" -type f | wc -l)"
fs mkdir "$dir/made/deeper"
check "mkdir makes parents" "yes" "$(test -d "$dir/made/deeper" && echo yes)"
fs rm "$dir/flat/part-0.parquet" "$dir/flat/part-1.parquet"
check "rm files" "" "$(ls "$dir/flat")"
fs rm -R "$dir/tree2"
check "rm -R a folder" "no" "$(test -e "$dir/tree2" && echo yes || echo no)"

fs ls "$dir/nothing-here" >/dev/null 2>&1
check "a missing path exits with 3" "3" "$?"
fs rm "$dir/src" >/dev/null 2>"$dir/err"
check "rm of a folder without -R exits with 2" "2" "$?"
check "and says why" "1" "$(grep -c 'use -R' "$dir/err")"
fs rm -f "$dir/nothing-here"
check "rm -f of a missing path succeeds" "0" "$?"
fs cp "$dir/src" "$dir/x" >/dev/null 2>&1
check "cp of a folder without -R exits with 2" "2" "$?"
fs ls "gopher://x/y" >/dev/null 2>&1
check "an unknown scheme exits with 2" "2" "$?"
check "--stats counts requests" "1" \
  "$(fs ls --stats "$dir/src" 2>&1 >/dev/null | grep -c '^local: requests=[0-9]* (.*list=1')"

if ((failures)); then echo "FAIL: $failures checks failed"; exit 1; fi
echo "all fs checks passed"
