#!/usr/bin/env bash
# \file tests/cli/demo_test.sh
# \brief `quire demo` end to end: on local disk (what `make demo` runs), then
# the same flow pointed at S3 (s3rver) and Azure Blob (azurite) by --at. Each
# run's claims are checked against the table it leaves: versions, history, the
# rows of the first version and of the latest, the query's result and its
# pruning, and that vacuum left only the files of the latest version.
# Usage: demo_test.sh QUIRE_BINARY PROJECT_ROOT [local|remote]
set -uo pipefail
quire="$1"
cd "$2"
what="${3:-local}"
source tests/cli/check_lib.sh

group() { echo "$1" | rev | sed 's/[0-9]\{3\}/&,/g; s/,$//' | rev; }  # 1234567 -> 1,234,567

# check_demo NAME OUTPUT_FILE TABLE_URL: the output's claims against the table.
check_demo() {
  local name=$1 out=$2 url=$3
  check "$name: three versions in the history" "2 1 0" \
    "$("$quire" table history "$url" --format json | sed 's/.*"version":\([0-9]*\).*/\1/' | paste -sd ' ')"
  local v0 latest
  v0=$("$quire" table scan "$url" --version 0 --format count 2>/dev/null)
  check "$name: version 0 was vacuumed away" "" "$v0"
  latest=$("$quire" table scan "$url" --format count)
  check "$name: the latest rows as printed" "1" \
    "$(grep -c "the latest, version 2, has $(group "$latest") rows" "$out")"
  check "$name: no bot left" "0" "$("$quire" table scan "$url" --where "device = 'bot'" --format count)"
  local where returned
  where=$(grep -o -- "--where \".*\"" "$out" | head -1 | sed 's/^--where "//; s/"$//')
  returned=$("$quire" table scan "$url" --columns ts,user_id,url,value --where "$where" --format count)
  check "$name: the query's rows as printed" "1" \
    "$(grep -c "decoded, $returned returned" "$out")"
  check "$name: the query found some" "1" "$((returned > 0))"
  check "$name: pruned at every level" "1 1 1 1" "$(
    grep -cE '^   partitions: [1-9][0-9]* of' "$out") $(grep -cE '^   files: +[1-9][0-9]* of' "$out") $(
    grep -cE '^   row groups: [1-9][0-9]* of' "$out") $(grep -cE '^   pages: +[1-9][0-9]* pruned' "$out")"
  check "$name: the files left are the latest version's" \
    "$("$quire" table files "$url" | sort)" \
    "$("$quire" fs ls -R "$url" | grep -v _delta_log | sed "s|^${url%/}/||" | sort)"
  check "$name: where the table is, and three commands" "1 3" \
    "$(grep -c "^The table is at $url " "$out") $(grep -c "^  [^ ]*quire table " "$out")"
}

if [[ "$what" == local ]]; then
  (cd "$dir" && "$quire" demo > "$dir/out1.txt" 2>&1)
  check "demo exits 0" "0" "$?"
  check_demo local "$dir/out1.txt" "$dir/quire-demo/events"
  check "day 1 generated as JSON Lines" "300000" \
    "$(wc -l < "$dir/quire-demo/raw/events-2024-05-01.jsonl")"
  "$quire" demo --dir "$dir/quire-demo" --rows-per-day 5000 > "$dir/out2.txt" 2>&1
  check "a second run replaces the first" "0 1" \
    "$? $(grep -c '^   version 0: .*, 5,000 rows' "$dir/out2.txt")"
  "$quire" demo --rows-per-day 10 > /dev/null 2>&1
  check "a bad option is a usage error" "2" "$?"
else
  source tests/tools/s3rver_lib.sh
  source tests/tools/azurite_lib.sh
  start_s3rver "$dir/s3" demo || exit 1
  start_azurite "$dir/az" demo || { kill $S3_PID; exit 1; }
  trap 'kill $S3_PID $AZ_PID 2>/dev/null; rm -rf "$dir"' EXIT
  export AWS_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" AWS_ACCESS_KEY_ID=S3RVER \
    AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
  for url in s3://demo/events az://demo/events; do
    "$quire" demo --dir "$dir/raw" --at "$url" --rows-per-day 100000 > "$dir/out.txt" 2>&1
    check "demo --at $url exits 0" "0" "$?"
    check_demo "$url" "$dir/out.txt" "$url"
    "$quire" demo --dir "$dir/raw" --at "$url" --rows-per-day 1000 > "$dir/again.txt" 2>&1
    check "$url: a table there already is refused" "2 1" \
      "$? $(grep -c 'holds a table already' "$dir/again.txt")"
    "$quire" demo --dir "$dir/raw" --at "$url" --rows-per-day 1000 --replace > /dev/null 2>&1
    check "$url: --replace starts afresh" "0 3 1" \
      "$? $("$quire" table history "$url" | wc -l) $(("$("$quire" table scan "$url" --format count)" < 2000))"
  done
fi
if ((failures)); then echo "FAIL: $failures checks failed"; exit 1; fi
echo "all demo checks passed ($what)"
