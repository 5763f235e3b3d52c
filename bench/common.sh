# \file bench/common.sh
# \brief Sourced by the bench scripts after `set -euo pipefail`: sets root (the
# project, made the working folder), shared (../shared, or QUIRE_SHARED), runs
# (the script's first argument, default 5) and the harness's BENCH_NODE_DIR,
# BENCH_DATA and BENCH_OUT (default build/bench-data and build/bench-out, made),
# and configures the -O3 bench preset.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
shared="$(cd "${QUIRE_SHARED:-$root/../shared}" && pwd)"
runs="${1:-5}"
export BENCH_NODE_DIR="$root"
export BENCH_DATA="${BENCH_DATA:-$root/build/bench-data}"
export BENCH_OUT="${BENCH_OUT:-$root/build/bench-out}"
mkdir -p "$BENCH_DATA" "$BENCH_OUT"
cmake --preset bench >/dev/null
