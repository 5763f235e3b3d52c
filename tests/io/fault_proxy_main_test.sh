#!/usr/bin/env bash
# \file tests/io/fault_proxy_main_test.sh
# \brief Smoke test of quire_fault_proxy: it writes its port file, answers 502
# in front of a dead server and 503 for --rate-503 1, and prints its counters
# when stopped by SIGTERM.
set -euo pipefail
program="$1"
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT

# Upstream: port 9 (discard), where nothing listens on a test machine.
"$program" --upstream 127.0.0.1:9 --rate-503 0.5 --seed 3 --port-file "$dir/port" \
  2>"$dir/log" &
pid=$!
for _ in $(seq 200); do [[ -s "$dir/port" ]] && break; sleep 0.05; done
port=$(cat "$dir/port")

statuses=""
for _ in 1 2 3 4 5 6; do
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET /bucket/key HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
  read -r _ status _ <&3
  exec 3<&-
  statuses="$statuses $status"
done
echo "statuses:$statuses"
[[ "$statuses" == *503* && "$statuses" == *502* ]]

kill -TERM "$pid"
wait "$pid"
cat "$dir/log"
grep -q "requests=6 " "$dir/log"
grep -q "status_503=[1-9]" "$dir/log"
