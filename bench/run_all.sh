#!/usr/bin/env bash
# `make bench`: the peer harness of ../shared/bench on every workload (W1-W6) at 1
# and 2 threads, DuckDB, Polars and quire (registered by bench/quire.json) in one
# run, then docs/benchmarks.md rewritten from the medians (bench/report.mjs).
#
#   bench/run_all.sh [RUNS]     (default 5; BENCH_DATA, BENCH_OUT, QUIRE_SHARED override)
#
# Data is generated once (node gen_data.mjs, SF1: about 2 minutes and 2.5 GB under
# build/bench-data). W5's folders are read by quire as a table: a hard-linked
# copy of events_hive made one with `quire table convert` (files not rewritten),
# once, outside the timing.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cmake --build build/bench --target quire_runner table_runner quire_cli
if [[ ! -f "$BENCH_DATA/lineitem.parquet" || ! -f "$BENCH_DATA/lineitem.csv" ]]; then
  node "$shared/bench/gen_data.mjs" --sf=1 --only=lineitem
fi
if [[ ! -f "$BENCH_DATA/events.parquet" || ! -d "$BENCH_DATA/events_hive" ]]; then
  node "$shared/bench/gen_data.mjs" --only=events --no-csv
fi
table="$BENCH_OUT/events_table"
if [[ ! -d "$table/_delta_log" ]]; then
  rm -rf "$table"
  cp -al "$BENCH_DATA/events_hive" "$table" 2>/dev/null || cp -r "$BENCH_DATA/events_hive" "$table"
  build/bench/src/quire/cli/quire table convert "$table" --partition-by 'date:date32[day]'
fi
results="$BENCH_OUT/make-bench-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
node "$shared/bench/run_bench.mjs" --threads=1,2 --runs="$runs" \
  --contender=bench/quire.json --baseline=quire --results="$results" | tee "$results.md"
node bench/report.mjs "${results%.jsonl}.summary.json" "$runs" docs/benchmarks.md
echo "docs/benchmarks.md written from $results"
