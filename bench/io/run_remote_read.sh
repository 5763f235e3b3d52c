#!/usr/bin/env bash
# \file bench/io/run_remote_read.sh
# \brief Remote reads of lineitem.parquet from s3rver behind quire_fault_proxy
# adding a fixed delay to every request (default 20 ms, a distant store): three
# columns against all of them, with and without coalescing, with more or less
# concurrency. Prints one line per run and a markdown table.
#
# Usage: bench/io/run_remote_read.sh LINEITEM_PARQUET [DELAY_MS] [ROUNDS]
# Needs `make release` (quire, quire_fault_proxy) and the bench build
# (cmake --preset bench && cmake --build build/bench --target remote_read_bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
file=${1:?usage: run_remote_read.sh LINEITEM_PARQUET [DELAY_MS] [ROUNDS]}
delay=${2:-20}
rounds=${3:-3}
quire=build/release/src/quire/cli/quire
proxy_bin=build/release/tests/io/quire_fault_proxy
bench=build/bench/bench/remote_read_bench
for b in "$quire" "$proxy_bin" "$bench"; do
  [[ -x $b ]] || { echo "missing $b (see the usage line)" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source tests/tools/s3rver_lib.sh
start_s3rver "$work/s3" bench
pids+=("$S3_PID")
s3_port=$S3_PORT

"$proxy_bin" --upstream "127.0.0.1:$s3_port" --port-file "$work/proxy.port" --delay-ms "$delay" \
  > "$work/proxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -s $work/proxy.port ]] && break; sleep 0.1; done
proxy_port=$(cat "$work/proxy.port")

creds="access_key_id=S3RVER&secret_access_key=S3RVER&region=us-east-1&addressing=path"
direct="endpoint=http%3A%2F%2F127.0.0.1%3A$s3_port&$creds"
via_proxy="endpoint=http%3A%2F%2F127.0.0.1%3A$proxy_port&$creds"
"$quire" fs cp --progress=never "$file" "s3://bench/lineitem.parquet?$direct"

three=l_shipdate,l_extendedprice,l_discount
# label | columns | threads | QUIRE_IO_THREADS | extra URL options ("local": the file itself)
runs=(
  "local file (no network)|$three|1|16|local"
  "on demand|$three|1|16|coalesce=false"
  "on demand|$three|2|16|coalesce=false"
  "prefetch, no merging|$three|1|16|hole_size_limit=0"
  "prefetch, merged, 1 request at a time|$three|1|1|"
  "prefetch, merged, 16 in flight|$three|1|16|"
  "prefetch, merged, 16 in flight|$three|2|16|"
  "on demand|all|1|16|coalesce=false"
  "on demand|all|2|16|coalesce=false"
  "prefetch, merged, 16 in flight|all|1|16|"
  "prefetch, merged, 16 in flight|all|2|16|"
  "local file (no network)|all|1|16|local"
)
echo "| reading | columns | decode threads | I/O threads | requests | MB read | seconds (median of $rounds) |"
echo "|---|---|---|---|---|---|---|"
for run in "${runs[@]}"; do
  IFS='|' read -r label columns threads io extra <<< "$run"
  url="s3://bench/lineitem.parquet?$via_proxy${extra:+&$extra}"
  [[ $extra == local ]] && url=$file
  col_arg=()
  [[ $columns != all ]] && col_arg=(--columns="$columns")
  times=()
  line=""
  for _ in $(seq "$rounds"); do
    line=$(QUIRE_IO_THREADS=$io "$bench" --url="$url" "${col_arg[@]}" --threads="$threads" \
           --label="$label")
    echo "$line" >&2
    times+=("$(sed -E 's/.*elapsed_s=([0-9.]+).*/\1/' <<< "$line")")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<< "$line")
  bytes=$(sed -E 's/.*bytes=([0-9]+).*/\1/' <<< "$line")
  printf '| %s | %s | %s | %s | %s | %.1f | %s |\n' "$label" \
    "$([[ $columns == all ]] && echo "all 16" || echo 3)" "$threads" "$io" "$requests" \
    "$(awk "BEGIN{print $bytes/1e6}")" "$median"
done
