#!/usr/bin/env bash
# \file tests/cli/convert_test.sh
# \brief `quire convert` end to end: CSV/JSON Lines/Parquet round trips, stdin and
# stdout, schema files, Parquet rewrites keeping every value, malformed input
# errors (line and column named, exit code, nothing written) and rejects files.
# Usage: convert_test.sh QUIRE_BINARY CORPUS_DIR
set -uo pipefail
quire="$1"
corpus="$2"
source "$(dirname "$0")/check_lib.sh"

# CSV with inference: every inferred type, quoting, nulls, CRLF.
printf 'id,name,day,score,flag,at\r\n1,"a, ""b""",2024-01-01,1.5,true,2024-01-01 10:00:00\r\n2,,2024-02-29,,false,\r\n3,"",2024-03-01,2,TRUE,2024-03-01T00:00:01.5\r\n' > "$dir/in.csv"
"$quire" convert -q "$dir/in.csv" "$dir/out.parquet"
check "csv to parquet infers types" \
  "$(printf 'id: int64\nname: string\nday: date32[day]\nscore: double\nflag: bool\nat: timestamp[us]')" \
  "$("$quire" inspect "$dir/out.parquet" | sed -n '/^Arrow schema:/,/^$/p' | sed '1d;/^$/d;s/^  //')"
check "csv to parquet keeps values" \
  "$(printf '%s\n' '[1,"a, \"b\"","2024-01-01",1.5,true,"2024-01-01T10:00:00.000000"]' '[2,null,"2024-02-29",null,false,null]' '[3,"","2024-03-01",2,true,"2024-03-01T00:00:01.500000"]')" \
  "$("$quire" cat "$dir/out.parquet")"

# Parquet -> CSV -> Parquet and Parquet -> JSON Lines -> Parquet keep every value.
"$quire" convert -q "$dir/out.parquet" "$dir/back.csv"
"$quire" convert -q "$dir/back.csv" "$dir/back.parquet"
check "parquet to csv and back" "$("$quire" cat "$dir/out.parquet")" "$("$quire" cat "$dir/back.parquet")"
"$quire" convert -q "$dir/out.parquet" "$dir/back.jsonl"
"$quire" convert -q "$dir/back.jsonl" "$dir/back2.parquet"
check "parquet to jsonl and back" "$("$quire" cat "$dir/out.parquet")" "$("$quire" cat "$dir/back2.parquet")"

# stdin and stdout.
check "stdin csv to stdout jsonl" '{"x":1,"y":"a"}' \
  "$(printf 'x,y\n1,a\n' | "$quire" convert -q - - --from csv --to jsonl)"

# An explicit schema.
printf 'id: int32 not null\nname: string\n# a comment\nday: date\nscore: decimal(5,2)\nflag: bool\nat: timestamp\n' > "$dir/schema.txt"
"$quire" convert -q "$dir/in.csv" "$dir/typed.parquet" --schema "$dir/schema.txt"
check "schema file sets types" 1 \
  "$("$quire" inspect "$dir/typed.parquet" | grep -c 'required int32 id')"
check "schema file decimals" '[1,"a, \"b\"","2024-01-01","1.50",true,"2024-01-01T10:00:00.000000"]' \
  "$("$quire" cat "$dir/typed.parquet" --limit 1)"

# Parquet to Parquet: every corpus file quire reads is rewritten with zstd, v2 pages
# and small row groups, and reads back the same.
rewrites=0
for f in alltypes_plain.parquet nested_lists.snappy.parquet nested_maps.snappy.parquet \
         nullable.impala.parquet byte_array_decimal.parquet datapage_v2.snappy.parquet \
         fixed_length_decimal.parquet delta_encoding_optional_column.parquet; do
  "$quire" convert -q "$corpus/$f" "$dir/re.parquet" --codec zstd --page-version 2 \
    --row-group-size 3 || { echo "FAIL rewrite $f"; failures=$((failures + 1)); continue; }
  if [[ "$("$quire" cat "$corpus/$f")" == "$("$quire" cat "$dir/re.parquet")" ]]; then
    rewrites=$((rewrites + 1))
  else
    echo "FAIL rewrite keeps values: $f"; failures=$((failures + 1))
  fi
done
check "parquet rewrites keep values" 8 "$rewrites"
check "rewrite uses the codec" "ZSTD" \
  "$("$quire" inspect "$dir/re.parquet" --format json | grep -o '"codec":"[A-Z]*"' | head -1 | cut -d'"' -f4)"

# Malformed input: a ragged row, a value that does not fit, bad quoting.
printf 'a,b\n1,2\n3\n4,5\n' > "$dir/ragged.csv"
err=$("$quire" convert "$dir/ragged.csv" "$dir/ragged.parquet" 2>&1); rc=$?
check "ragged row exit code" 5 "$rc"
check "ragged row names the line" 1 "$(grep -c ':3' <<< "$err")"
check "nothing written on error" "absent" "$([[ -e "$dir/ragged.parquet" ]] && echo present || echo absent)"
printf 'n\n1\n2\nx\n' > "$dir/notint.csv"
err=$("$quire" convert "$dir/notint.csv" "$dir/notint.parquet" --infer-rows 2 2>&1); rc=$?
check "value not fitting the inferred type fails" 5 "$rc"
check "the error names column and value" 1 "$(grep -c "'n'.*x\|x.*'n'" <<< "$err")"
printf 'a,b\n1,"x"y\n2,z\n' > "$dir/quote.csv"
"$quire" convert "$dir/quote.csv" "$dir/quote.parquet" >/dev/null 2>&1; rc=$?
check "bad quoting fails" 5 "$rc"

# Rejects: bad rows go to a file, the rest is converted.
"$quire" convert -q "$dir/ragged.csv" "$dir/kept.parquet" --rejects "$dir/rejects.csv"
check "rejects keep the good rows" "$(printf '[1,2]\n[4,5]')" "$("$quire" cat "$dir/kept.parquet")"
check "rejects file holds the bad row" "3" "$(grep -v '^#' "$dir/rejects.csv")"

# Usage errors.
"$quire" convert "$dir/in.csv" "$dir/out.unknown" >/dev/null 2>&1; rc=$?
check "unknown output format is a usage-type error" 1 "$([[ $rc -ne 0 ]] && echo 1 || echo 0)"

if ((failures)); then echo "$failures failures"; exit 1; fi
echo "all passed"
