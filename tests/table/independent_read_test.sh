#!/usr/bin/env bash
# \file tests/table/independent_read_test.sh
# \brief Tables quire writes, read without quire: tests/tools/check_delta_table.mjs
# replays the log as PROTOCOL.md says, reads checkpoints and data files with DuckDB
# and checks every add's stats and partition folders; its rows and per-partition
# counts must equal `quire table scan`'s. The tables go through every kind of write
# (create, appends of CSV and Parquet, delete, update, overwrite of a partition,
# optimize, checkpoints, null and awkward partition values).
#
# Usage: independent_read_test.sh QUIRE_BINARY PROJECT_ROOT
set -uo pipefail
quire="$1"
root="$2"
source "$root/tests/cli/check_lib.sh"
export LC_ALL=C

compare() {  # compare NAME TABLE PARTITION_COLUMN
  local name=$1 t=$2 part=$3 out columns
  out=$(node "$root/tests/tools/check_delta_table.mjs" "$t")
  check "$name: the log, checkpoints, stats and folders hold" "0 problems" "$(tail -1 <<<"$out")"
  grep '^FAIL' <<<"$out" | head -5
  columns=$(sed -n 's/^## columns //p' <<<"$out")
  check "$name: DuckDB reads the rows quire scans" \
    "$(awk '/^## rows$/{s=1; next} /^## /{s=0} s' <<<"$out" | sort)" \
    "$("$quire" table scan "$t" --columns "$columns" --format jsonl | sort)"
  check "$name: rows per partition" \
    "$(awk '/^## partitions$/{s=1; next} /problems$/{s=0} s' <<<"$out" | sort)" \
    "$("$quire" table scan "$t" --columns "$part" --format jsonl | sort | uniq -c |
       sed -E 's/^ *([0-9]+) (.*)$/\2 \1/' | sort)"
}

t="$dir/events"
"$quire" table create "$t" --partition-by day --property delta.checkpointInterval=3 \
  --schema 'id int64 not null, name string, amount double, qty int32, price decimal(10,2), at timestamp[us, tz=UTC], day date' \
  > /dev/null
cat > "$dir/a.csv" <<'CSV'
id,name,amount,qty,price,at,day
1,ada,1.5,3,10.25,2024-05-01T09:00:00.123456Z,2024-05-01
2,grace,,4,11.00,2024-05-01T10:00:00Z,2024-05-01
3,,-2.25,,0.01,2024-05-02T11:30:00Z,2024-05-02
4,edsger,1e10,7,99999999.99,,2024-05-02
5,"a ""quoted"", long name that goes on and on past thirty-two characters",0,1,1,2024-05-03T00:00:00Z,
CSV
"$quire" table append "$t" "$dir/a.csv" > /dev/null
cat > "$dir/b.csv" <<'CSV'
id,name,amount,qty,price,at,day
6,barbara,3.5,2,2.50,2024-05-03T12:00:00Z,2024-05-03
7,alan,4.5,2,3.50,2024-05-03T13:00:00Z,2024-05-03
8,ken,5.5,9,4.50,2024-05-04T14:00:00Z,2024-05-04
CSV
"$quire" convert "$dir/b.csv" "$dir/b.parquet" -q \
  --schema 'id int64 not null, name string, amount double, qty int32, price decimal(10,2), at timestamp[us, tz=UTC], day date'
"$quire" table append "$t" "$dir/b.parquet" > /dev/null
"$quire" table delete "$t" --where "id = 2" > /dev/null
"$quire" table update "$t" --where "qty = 2" --set "amount=0.5" > /dev/null
printf 'id,name,amount,qty,price,at,day\n9,dennis,1,1,1,2024-05-04T00:00:00Z,2024-05-04\n' > "$dir/c.csv"
"$quire" table overwrite "$t" "$dir/c.csv" --where "day = '2024-05-04'" > /dev/null
"$quire" table append "$t" "$dir/a.csv" > /dev/null
"$quire" table optimize "$t" > /dev/null
check "events: a checkpoint was written" yes \
  "$(ls "$t"/_delta_log/*.checkpoint.parquet > /dev/null 2>&1 && echo yes || echo no)"
compare events "$t" day

# Partition values that need escaping in folder names and in the log's paths.
t="$dir/odd"
printf 'k,v\n"a b",1\nx/y,2\nc=d,3\n50%%,4\nü,5\n,6\n"#q?",7\n' > "$dir/odd.csv"
"$quire" table append "$t" "$dir/odd.csv" --partition-by k > /dev/null
"$quire" table delete "$t" --where "v = 3" > /dev/null
compare odd "$t" k

echo "$failures failures"
[[ $failures -eq 0 ]]
