#!/usr/bin/env bash
# \file tests/cli/table_test.sh
# \brief `quire table` end to end on local paths: create (--schema, --like), append
# of CSV files, idempotent app transactions, scan (jsonl rows, csv, --columns,
# --where, --limit, time travel), files, info --format json, history, delete,
# overwrite of a partition, checkpoint, the corpus's simple_table at version 2,
# and errors with their exit codes.
# Usage: table_test.sh QUIRE_BINARY DELTA_CORPUS_DIR
set -uo pipefail
quire="$1"
corpus="$2"
source "$(dirname "$0")/check_lib.sh"
tbl() { "$quire" table "$@"; }
# Rows in a stable order: scans return files in log order, rows in file order.
rows() { tbl scan "$@" | LC_ALL=C sort; }
json() {  # json EXPRESSION: evaluate a Python expression over the JSON `j` on stdin
  /usr/bin/python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"
}

printf 'id,name,score\n1,a,1.5\n2,b,2.5\n' > "$dir/one.csv"
printf 'id,name,score\n3,c,3.5\n' > "$dir/two.csv"
printf 'id,name,score\n4,,4.5\n5,e,\n' > "$dir/three.csv"
printf 'id,name,score\n6,f,6.5\n' > "$dir/six.csv"
t="$dir/t"

check "create --schema prints version 0" "version 0" \
  "$(tbl create "$t" --schema 'id int64, name string, score double' 2>/dev/null)"
check "create of an existing table fails" "1" \
  "$(tbl create "$t" --schema 'id int64' >/dev/null 2>&1; echo $?)"
check "append prints the version" "version 1" "$(tbl append "$t" "$dir/one.csv" 2>/dev/null)"
check "append of two files in one commit" "version 2" \
  "$(tbl append "$t" "$dir/two.csv" "$dir/three.csv" 2>/dev/null)"
check "scan --format jsonl prints canonical rows and nothing else" \
  "$(printf '%s\n' '[1,"a",1.5]' '[2,"b",2.5]' '[3,"c",3.5]' '[4,null,4.5]' '[5,"e",null]')" \
  "$(rows "$t" --format jsonl --stats 2>/dev/null)"
check "scan --stats goes to stderr" "yes" \
  "$(tbl scan "$t" --stats 2>&1 >/dev/null | grep -q . && echo yes)"
check "scan --columns --where" "$(printf '%s\n' '["c",3]' '["e",5]')" \
  "$(rows "$t" --columns name,id --where 'id >= 3 and name is not null')"
check "scan --limit" "2" "$(tbl scan "$t" --limit 2 | wc -l)"
check "scan --format csv has a header" "id,name,score" \
  "$(tbl scan "$t" --format csv | head -1 | tr -d '\r')"
check "scan --format count counts the matching rows" "2" \
  "$(tbl scan "$t" --format count --where 'id >= 3 and name is not null')"
check "scan --format table prints the columns" "yes" \
  "$(tbl scan "$t" --format table | grep -q 'score' && echo yes)"
check "scan --version 1 travels back" "$(printf '%s\n' '[1,"a",1.5]' '[2,"b",2.5]')" \
  "$(rows "$t" --version 1)"
check "files lists one file per data commit" "2" "$(tbl files "$t" | wc -l)"
check "files are relative paths that exist" "2" \
  "$(tbl files "$t" | while read -r f; do test -f "$t/$f" && echo "$f"; done | wc -l)"
check "files are sorted" "$(tbl files "$t" | LC_ALL=C sort)" "$(tbl files "$t")"
check "files --version 0 is empty" "" "$(tbl files "$t" --version 0)"
info=$(tbl info "$t" --format json)
check "info json: version, files, partitions" "2 2 []" \
  "$(echo "$info" | json "j['version'], j['num_files'], j['partition_columns']")"
check "info json: protocol and metadata id" "1 True" \
  "$(echo "$info" | json "j['protocol']['minReaderVersion'], len(j['metadata_id']) > 0")"
check "info json: schema and size" "['id', 'name', 'score'] ['long', 'string', 'double'] True" \
  "$(echo "$info" | json "[f['name'] for f in j['schema']['fields']], [f['type'] for f in j['schema']['fields']], j['size_bytes'] > 0")"
check "info json at --version 1" "1 1" \
  "$(tbl info "$t" --version 1 --format json | json "j['version'], j['num_files']")"
check "info text names the version" "version: 2" "$(tbl info "$t" | head -1)"

# Idempotent writes: the second write of the same app version is skipped.
check "append with --app-id commits" "version 3" \
  "$(tbl append "$t" "$dir/six.csv" --app-id loader --app-version 7 2>/dev/null)"
check "append of the same --app-version is skipped" "skipped" \
  "$(tbl append "$t" "$dir/six.csv" --app-id loader --app-version 7 2>/dev/null | cut -d: -f1)"
check "a skipped write adds nothing" "6" "$(tbl scan "$t" | wc -l)"

check "delete --where prints the version" "version 4" \
  "$(tbl delete "$t" --where 'id = 3' 2>/dev/null)"
check "delete removed the rows" \
  "$(printf '%s\n' '[1,"a",1.5]' '[2,"b",2.5]' '[4,null,4.5]' '[5,"e",null]' '[6,"f",6.5]')" \
  "$(rows "$t")"
check "history lists every commit, newest first" "4 3 2 1 0" \
  "$(tbl history "$t" | awk '{printf "%s ", $1}' | sed 's/ $//')"
check "history --limit --format json" "2 4 DELETE" \
  "$(tbl history "$t" --limit 2 --format json | /usr/bin/python3 -c "import json,sys; l=[json.loads(x) for x in sys.stdin]; print(len(l), l[0]['version'], l[0]['operation'])")"
check "history json times are ISO" "yes" \
  "$(tbl history "$t" --format json | head -1 | grep -qE '"timestamp":"[0-9]{4}-[0-9]{2}-[0-9]{2}T' && echo yes)"

# (The checkpoint's version is read back, so that this check stands on its own.)
latest=$(tbl info "$t" --format json | json "j['version']")
rows_before=$(rows "$t")
check "checkpoint names its file" "checkpoint of version $latest" \
  "$(tbl checkpoint "$t" | cut -d: -f1)"
check "checkpoint writes the Parquet file and _last_checkpoint" "yes $latest" \
  "$(test -f "$t/_delta_log/$(printf '%020d' "$latest").checkpoint.parquet" && echo yes) $(json "j['version']" < "$t/_delta_log/_last_checkpoint")"
check "scan after a checkpoint reads the same rows" "$rows_before" "$(rows "$t")"

# create --like takes the schema from a file; a partitioned table and replace_where.
p="$dir/p"
printf 'part,v\nx,1\ny,2\n' > "$dir/p1.csv"
printf 'part,v\nx,10\n' > "$dir/p2.csv"
check "create --like --partition-by" "version 0" \
  "$(tbl create "$p" --like "$dir/p1.csv" --partition-by part --property delta.appendOnly=false 2>/dev/null)"
check "info of the partitioned table" "['part'] false" \
  "$(tbl info "$p" --format json | json "j['partition_columns'], j['properties']['delta.appendOnly']")"
tbl append "$p" "$dir/p1.csv" >/dev/null 2>&1
check "overwrite --where replaces one partition" "version 2" \
  "$(tbl overwrite "$p" "$dir/p2.csv" --where "part = 'x'" 2>/dev/null)"
check "rows after the partition overwrite" "$(printf '%s\n' '["x",10]' '["y",2]')" \
  "$(rows "$p" --columns part,v)"
check "files of a partitioned table are under their folders" "part=x part=y" \
  "$(tbl files "$p" | cut -d/ -f1 | paste -sd ' ')"
check "overwrite of the whole table" "yes" \
  "$(tbl overwrite "$p" "$dir/p2.csv" 2>/dev/null | grep -qE '^version [0-9]+$' && echo yes)"
check "rows after overwrite" '["x",10]' "$(rows "$p" --columns part,v)"

# JSON Lines and Parquet input; a write to a missing table creates it.
j="$dir/j"
printf '{"k":1,"s":"x"}\n{"k":2,"s":null}\n' > "$dir/rows.jsonl"
printf "k\n" > "$dir/rows.txt"
check "append of JSON Lines creates the table" "version 0" \
  "$(tbl append "$j" "$dir/rows.jsonl" 2>/dev/null)"
"$quire" convert "$dir/rows.jsonl" "$dir/rows.parquet" -q
check "append of Parquet" "version 1" "$(tbl append "$j" "$dir/rows.parquet" 2>/dev/null)"
check "rows from JSON Lines and Parquet" "$(printf '%s\n' '[1,"x"]' '[1,"x"]' '[2,null]' '[2,null]')" \
  "$(rows "$j")"
check "append of a file without a known extension is a usage error" "2" \
  "$(tbl append "$j" "$dir/rows.txt" >/dev/null 2>&1; echo $?)"

# Schema enforcement and evolution.
printf 'k,s,extra\n3,z,true\n' > "$dir/wider.csv"
err=$(tbl append "$j" "$dir/wider.csv" 2>&1 >/dev/null); rc=$?
check "a new column without --schema-evolution is a usage error" "2" "$rc"
check "the error names the column" "yes" "$(echo "$err" | grep -q 'extra' && echo yes)"
check "--schema-evolution adds the column" "version 2" \
  "$(tbl append "$j" "$dir/wider.csv" --schema-evolution 2>/dev/null)"
check "the evolved table has the column" "['k', 's', 'extra']" \
  "$(tbl info "$j" --format json | json "[f['name'] for f in j['schema']['fields']]")"
check "older rows read null in the new column" '[1,null]' \
  "$(tbl scan "$j" --columns k,extra --where 'k = 1' --limit 1)"

# --as-of: a time after the last commit reads the latest version, one before the
# first is not found.
check "scan --as-of the future" "$(rows "$j")" "$(rows "$j" --as-of 2999-01-01)"
tbl scan "$j" --as-of 2000-01-01 >/dev/null 2>&1
check "scan --as-of before the table: exit code 3" "3" "$?"
tbl scan "$j" --as-of yesterday >/dev/null 2>&1
check "a bad --as-of is a usage error" "2" "$?"

# The corpus: simple_table at version 2 (expected/v2.json).
check "corpus simple_table --version 2" "$(printf '[%s]\n' 5 6 7 8 9)" \
  "$(rows "$corpus/simple_table" --version 2)"
check "corpus simple_table files at version 2" "6" \
  "$(tbl files "$corpus/simple_table" --version 2 | wc -l)"

check "files are percent-decoded (the folders on disk)" "x=A%2FA x=B%20B" \
  "$(tbl files "$corpus/delta-0.8.0-special-partition" | cut -d/ -f1 | paste -sd ' ')"

# Maintenance on a table of its own: optimize packs the small files, vacuum removes
# what the table no longer uses once it is older than the retention.
m="$dir/m"
for f in one two three; do tbl append "$m" "$dir/$f.csv" >/dev/null 2>&1; done
before=$(rows "$m")
check "optimize commits a version" "version 3" "$(tbl optimize "$m" 2>/dev/null)"
check "optimize leaves one file" "1" "$(tbl files "$m" | wc -l)"
check "optimize changes no rows" "$before" "$(rows "$m")"
check "optimize again has nothing to do" "skipped" "$(tbl optimize "$m" 2>/dev/null | cut -d: -f1)"
check "vacuum keeps files younger than 7 days" "" "$(tbl vacuum "$m" --dry-run 2>/dev/null)"
tbl vacuum "$m" --retention-hours 0 >/dev/null 2>&1
check "vacuum under 7 days needs --force" "2" "$?"
sleep 1
check "vacuum --force --retention-hours 0 deletes the 3 packed files" "3" \
  "$(tbl vacuum "$m" --force --retention-hours 0 2>/dev/null | wc -l)"
check "the table reads the same after vacuum" "$before" "$(rows "$m")"

# Update: set columns of matching rows.
check "update prints the version" "version 4" \
  "$(tbl update "$m" --where 'id >= 4' --set "name='u'" --set 'score=0' 2>/dev/null)"
check "update changed the matching rows only" \
  "$(printf '%s\n' '[1,"a",1.5]' '[2,"b",2.5]' '[3,"c",3.5]' '[4,"u",0]' '[5,"u",0]')" \
  "$(rows "$m")"
tbl update "$m" --where 'id = 1' --set 'name' >/dev/null 2>&1
check "update --set without a value is a usage error" "2" "$?"

# Convert in place: the same files without their log become a table again.
mkdir -p "$dir/c"
tbl files "$m" | while read -r f; do mkdir -p "$dir/c/$(dirname "$f")"; cp "$m/$f" "$dir/c/$f"; done
check "convert prints version 0" "version 0" "$(tbl convert "$dir/c" 2>/dev/null)"
check "a converted table reads as the original" "$(rows "$m")" "$(rows "$dir/c")"

# Errors: a message on stderr and the documented exit code.
err=$(tbl scan "$dir/absent" 2>&1 >/dev/null); rc=$?
check "scan of a missing table: exit code 3" "3" "$rc"
check "scan of a missing table: message" "yes" \
  "$(echo "$err" | grep -q '^quire: ' && echo yes)"
err=$(tbl scan "$t" --columns nope 2>&1 >/dev/null); rc=$?
check "scan of an unknown column: exit code 3" "3" "$rc"
check "scan of an unknown column names it" "yes" "$(echo "$err" | grep -q 'nope' && echo yes)"
tbl scan "$t" --where 'id >' >/dev/null 2>&1
check "a bad --where is a usage error" "2" "$?"
tbl scan "$t" --version 99 >/dev/null 2>&1
check "a version beyond the latest fails" "yes" "$(test $? -ne 0 && echo yes)"
tbl create "$dir/bad" --schema 'id nosuchtype' >/dev/null 2>&1
check "a bad --schema is a usage error" "2" "$?"
tbl append "$t" "$dir/missing.csv" >/dev/null 2>&1
check "append of a missing file: exit code 3" "3" "$?"

exit $((failures > 0))
