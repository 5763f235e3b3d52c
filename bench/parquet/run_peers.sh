#!/usr/bin/env bash
# Side by side with DuckDB and Polars on the shared harness (../shared/bench):
# generates SF1 lineitem (snappy) when missing, derives a zstd copy with DuckDB,
# builds the -O3 runner and runs W1, W1a and W2 at 1 and 2 threads on both, then the
# writing workloads W3_snappy, W3_zstd (from memory) and W4 (lineitem.csv to Parquet).
#
#   bench/parquet/run_peers.sh [RUNS]      (BENCH_DATA, BENCH_OUT to override)
set -euo pipefail
source "$(dirname "$0")/../common.sh"
cmake --build build/bench --target quire_runner
if [[ ! -f "$BENCH_DATA/lineitem.parquet" ]]; then
  node "$shared/bench/gen_data.mjs" --sf=1 --only=lineitem
fi
zstd_dir="$BENCH_DATA/zstd"
if [[ ! -f "$zstd_dir/lineitem.parquet" ]]; then
  mkdir -p "$zstd_dir"
  node -e "
    const { DuckDBInstance } = require('$root/node_modules/@duckdb/node-api');
    (async () => {
      const c = await (await DuckDBInstance.create(':memory:')).connect();
      await c.run(\"COPY (SELECT * FROM '$BENCH_DATA/lineitem.parquet') TO '$zstd_dir/lineitem.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1048576)\");
    })();"
fi
contender="$BENCH_OUT/quire_contender.json"
cat > "$contender" <<JSON
{"name": "quire",
 "command": "$root/build/bench/bench/quire_runner --workload={workload} --threads={threads} --data={data} --out={out_file}"}
JSON
cd "$shared/bench"
echo "## snappy"
node run_bench.mjs --workloads=W1,W1a,W2 --threads=1,2 --runs="$runs" \
  --contender="$contender" --baseline=quire
echo "## zstd"
BENCH_DATA="$zstd_dir" node run_bench.mjs --workloads=W1,W1a,W2 --threads=1,2 --runs="$runs" \
  --contender="$contender" --baseline=quire
echo "## writing"
node run_bench.mjs --workloads=W3_snappy,W3_zstd,W4 --threads=1,2 --runs="$runs" \
  --contender="$contender" --baseline=quire
