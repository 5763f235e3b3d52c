#!/usr/bin/env bash
# \file tests/cli/progress_test.sh
# \brief Progress bars of long CLI work (convert, table append, scan --output,
# fs cp, optimize, vacuum): drawn on a terminal (a pseudo-terminal from
# `script`), with percent, bytes and bar; absent when stdout is redirected, and
# with --progress never.
# Usage: progress_test.sh QUIRE_BINARY
set -uo pipefail
quire="$1"
source "$(dirname "$0")/check_lib.sh"
cd "$dir"
# on_tty COMMAND...: run under a pseudo-terminal, print what it showed.
on_tty() { script -qec "$(printf '%q ' "$@")" /dev/null | tr -d '\000'; }
bar='[0-9]+% \[[=> ]+\] [0-9.]+ [kMG]?B / [0-9.]+ [kMG]?B'
"$quire" demo --rows-per-day 100000 > /dev/null 2>&1 || echo "FAIL demo"
t=quire-demo/events
has_bar() { grep -cE "$bar" <<< "$1" | sed 's/^[1-9][0-9]*$/yes/; s/^0$/no/'; }

check "table scan --output draws on a terminal" yes "$(has_bar "$(on_tty "$quire" table scan $t -o out.parquet)")"
check "and wrote the rows" "$("$quire" table scan $t --format count)" "$("$quire" cat out.parquet --format csv | tail -n +2 | wc -l)"
check "convert draws" yes "$(has_bar "$(on_tty "$quire" convert out.parquet out.csv)")"
check "table append draws" yes "$(has_bar "$(on_tty "$quire" table append copy out.csv)")"
check "fs cp draws" yes "$(has_bar "$(on_tty "$quire" fs cp -R quire-demo/raw raw2)")"
check "optimize draws" yes "$(has_bar "$(on_tty "$quire" table optimize $t)")"
check "vacuum draws" yes "$(has_bar "$(on_tty "$quire" table vacuum $t --retention-hours 0 --force)")"
check "--progress never does not" no "$(has_bar "$(on_tty "$quire" convert --progress never out.parquet out2.csv)")"
"$quire" convert out.parquet out3.csv > stdout.txt 2> stderr.txt
check "redirected: quiet" no "$(has_bar "$(cat stdout.txt stderr.txt)")"
on_tty "$quire" table scan $t -o out4.csv > tty.txt
check "the bar is erased at the end" 1 "$(grep -c $'\x1b\[K' tty.txt | sed 's/^[1-9][0-9]*$/1/')"
if ((failures)); then echo "FAIL: $failures checks failed"; exit 1; fi
echo "all progress checks passed"
