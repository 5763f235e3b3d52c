#!/usr/bin/env bash
# Table benchmarks (issue 6), on this machine:
# 1. W5 of the shared harness (../shared/bench): DuckDB's and Polars' Hive-partitioned
#    scans of events_hive (1,000 files) against quire scanning the same files made
#    a table in place (`quire table convert`, nothing rewritten), in one run;
# 2. latency of small appends (100 rows a commit);
# 3. peak memory (/usr/bin/time) of appending 10M rows, of opening and
#    checkpointing a table of 100,000 files, and of optimizing the events table.
#
#   bench/table/run_table_bench.sh [RUNS]      (BENCH_DATA, BENCH_OUT to override)
set -euo pipefail
source "$(dirname "$0")/../common.sh"
cmake --build build/bench --target table_runner quire
runner="$root/build/bench/bench/table_runner"
quire="$root/build/bench/src/quire/cli/quire"
if [[ ! -d "$BENCH_DATA/events_hive" ]]; then
  node "$shared/bench/gen_data.mjs" --only=events --no-csv
fi
table="$BENCH_OUT/events_table"
if [[ ! -d "$table/_delta_log" ]]; then
  rm -rf "$table"
  cp -r "$BENCH_DATA/events_hive" "$table"
  "$quire" table convert "$table" --partition-by 'date:date32[day]'
fi
contender="$BENCH_OUT/quire_table_contender.json"
cat > "$contender" <<JSON
{"name": "quire", "command": "",
 "workloads": {"W5": "$runner --workload=W5 --threads={threads} --table=$table"}}
JSON
echo "## W5: Hive-partitioned scan (quire: the same files as a table)"
(cd "$shared/bench" && node run_bench.mjs --workloads=W5 --threads=1,2 --runs="$runs" \
  --contender="$contender" --baseline=quire)

measure() {  # measure NAME COMMAND...: the command's line, then its peak RSS
  local out
  out=$(/usr/bin/time -f "peak_rss_mb=%M" "$@" 2>"$BENCH_OUT/time.txt")
  echo "$out $(tail -1 "$BENCH_OUT/time.txt" | awk -F= '{printf "peak_rss_mb=%.0f", $2 / 1024}')"
}
echo "## commit latency, memory"
rm -rf "$BENCH_OUT/commit_table" "$BENCH_OUT/append_table" "$BENCH_OUT/checkpoint_table"
measure "$runner" --workload=commit --table="$BENCH_OUT/commit_table" --commits=100
measure "$runner" --workload=append --threads=1 --table="$BENCH_OUT/append_table" --rows=10000000
measure "$runner" --workload=checkpoint --table="$BENCH_OUT/checkpoint_table" --files=100000
rm -rf "$BENCH_OUT/optimize_table" && cp -r "$table" "$BENCH_OUT/optimize_table"
measure "$runner" --workload=optimize --threads=1 --table="$BENCH_OUT/optimize_table"
