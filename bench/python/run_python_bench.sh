#!/usr/bin/env bash
# Python benchmarks (issue 7), on this machine, every figure from one run:
# 1. reading the lineitem table (6M rows, one file) into Arrow and into pandas
#    from Python, against the CLI doing the same scan (`quire table scan
#    --format count`: every column decoded, nothing printed);
# 2. writing it: Python's write_table of an in-memory DataFrame, Python's
#    read_parquet + write_table, and the CLI's `quire table append` of the file;
# 3. the events table (1,000 files, 10M rows): a Dask read (sum of a column) on a
#    LocalCluster of 2 worker processes, the synchronous scheduler, and one
#    process reading with quire alone.
# Contenders alternate within each round; medians of RUNS; peak RSS of each
# process from /usr/bin/time.
#
#   bench/python/run_python_bench.sh [RUNS]     (BENCH_DATA, BENCH_OUT to override)
set -euo pipefail
source "$(dirname "$0")/../common.sh"
cmake --build build/bench --target quire _quire
quire="$root/build/bench/src/quire/cli/quire"
py=(/usr/bin/python3 "$root/bench/python/python_bench.py")
export PYTHONPATH="$root/python:$root/build/bench/python"
[[ -f "$BENCH_DATA/lineitem.parquet" ]] || node "$shared/bench/gen_data.mjs" --only=lineitem --no-csv
[[ -d "$BENCH_DATA/events_hive" ]] || node "$shared/bench/gen_data.mjs" --only=events --no-csv
lineitem="$BENCH_OUT/lineitem_table"
if [[ ! -d "$lineitem/_delta_log" ]]; then
  rm -rf "$lineitem" && mkdir -p "$lineitem"
  cp "$BENCH_DATA/lineitem.parquet" "$lineitem/part-0.parquet"
  "$quire" table convert "$lineitem" > /dev/null
fi
events="$BENCH_OUT/events_table"
if [[ ! -d "$events/_delta_log" ]]; then
  rm -rf "$events" && cp -r "$BENCH_DATA/events_hive" "$events"
  "$quire" table convert "$events" --partition-by 'date:date32[day]' > /dev/null
fi

results="$BENCH_OUT/python_bench.tsv"
: > "$results"
run() {  # run NAME COMMAND...: wall seconds, peak RSS MB, and the op's own seconds
  local name=$1; shift
  local start end out
  start=$(date +%s.%N)
  out=$(/usr/bin/time -f "%M" -o "$BENCH_OUT/time.txt" "$@" 2>/dev/null)
  end=$(date +%s.%N)
  local op
  op=$(printf '%s\n' "$out" | sed -n 's/.*"seconds": \([0-9.]*\).*/\1/p' | tail -1)
  printf '%s\t%.3f\t%.0f\t%s\n' "$name" "$(echo "$end - $start" | bc)" \
    "$(awk '{print $1/1024}' "$BENCH_OUT/time.txt")" "${op:-}" >> "$results"
}
for ((i = 0; i < runs; i++)); do
  run cli_scan "$quire" table scan "$lineitem" --format count
  run py_to_arrow "${py[@]}" to_arrow "$lineitem"
  run py_to_pandas "${py[@]}" to_pandas "$lineitem"
  rm -rf "$BENCH_OUT/w_cli" "$BENCH_OUT/w_py" "$BENCH_OUT/w_py2"
  run cli_append "$quire" table append "$BENCH_OUT/w_cli" "$BENCH_DATA/lineitem.parquet" --progress never
  run py_write_pandas "${py[@]}" write_pandas "$BENCH_DATA/lineitem.parquet" "$BENCH_OUT/w_py"
  run py_read_write "${py[@]}" read_write "$BENCH_DATA/lineitem.parquet" "$BENCH_OUT/w_py2"
  run single_process "${py[@]}" single "$events"
  run dask_2_workers "${py[@]}" dask "$events" 2
  run dask_synchronous "${py[@]}" dask "$events" 0
  run dask_2_workers_10_files "${py[@]}" dask "$events" 2 10
done
rm -rf "$BENCH_OUT/w_cli" "$BENCH_OUT/w_py" "$BENCH_OUT/w_py2"
/usr/bin/python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, rss, op = line.rstrip("\n").split("\t")
    rows.setdefault(name, []).append((float(wall), float(rss), float(op) if op else None))
print("| workload | wall s (median) | operation s (median) | peak RSS MB (max) | runs |")
print("|---|---|---|---|---|")
for name, values in rows.items():
    walls = [v[0] for v in values]
    ops = [v[2] for v in values if v[2] is not None]
    print(f"| {name} | {statistics.median(walls):.3f} | "
          f"{statistics.median(ops):.3f} | " if ops else
          f"| {name} | {statistics.median(walls):.3f} | - | ", end="")
    print(f"{max(v[1] for v in values):.0f} | {len(values)} |")
PY
