#!/usr/bin/env bash
# \file tests/cli/fs_s3_test.sh
# \brief `quire fs` against S3 (s3rver on loopback), with the endpoint and
# credentials in the URL's query string and in AWS_* variables: cp up and down,
# recursive copies, ls, du, stat, cat, globs, mv, rm, --stats, and Parquet
# read straight from the bucket by `quire cat`.
# Usage: fs_s3_test.sh QUIRE_BINARY PROJECT_ROOT CORPUS_DIR
set -uo pipefail
quire="$1"
cd "$2"
corpus="$3"
source tests/cli/check_lib.sh
source tests/tools/s3rver_lib.sh
start_s3rver "$dir/s3" data || exit 1
trap 'kill $S3_PID 2>/dev/null; rm -rf "$dir"' EXIT
fs() { "$quire" fs "$@"; }
q="endpoint=http%3A%2F%2F127.0.0.1%3A$S3_PORT&access_key_id=S3RVER&secret_access_key=S3RVER"

mkdir -p "$dir/src/a" "$dir/src/b"
printf 'one' > "$dir/src/a/1.txt"; printf 'two!' > "$dir/src/b/2.txt"; printf 'x' > "$dir/src/top.txt"
fs cp --progress=never -R "$dir/src" "s3://data/up?$q"
check "cp -R up, ls -R" "$(printf '%s\n' s3://data/up/a/1.txt s3://data/up/b/2.txt s3://data/up/top.txt)" \
  "$(fs ls -R "s3://data/up?$q")"
check "ls shows prefixes as folders" "$(printf '%s\n' s3://data/up/a/ s3://data/up/b/ s3://data/up/top.txt)" \
  "$(fs ls "s3://data/up?$q")"
check "du -s" "$(printf '8\ts3://data/up/')" "$(fs du -s "s3://data/up?$q")"
check "cat" "two!" "$(fs cat "s3://data/up/b/2.txt?$q")"
check "stat" "type: file|size: 4" "$(fs stat "s3://data/up/b/2.txt?$q" | grep -E '^(type|size)' | paste -sd '|')"
check "glob" "s3://data/up/a/1.txt" "$(fs ls "s3://data/up/*/1.txt?$q")"

# The same with the environment instead of the query string.
export AWS_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
fs cp -R s3://data/up "$dir/down"
check "cp -R down" "$(cd "$dir/src" && find . -type f | sort | xargs cat)" \
  "$(cd "$dir/down" && find . -type f | sort | xargs cat)"
fs mv s3://data/up/top.txt s3://data/moved/top.txt
check "mv within the bucket" "s3://data/moved/top.txt" "$(fs ls -R s3://data/moved)"
check "and the source is gone" "3" "$(fs stat s3://data/up/top.txt >/dev/null 2>&1; echo $?)"
fs cp "$corpus/alltypes_plain.parquet" s3://data/t/alltypes_plain.parquet
check "quire cat reads Parquet from the bucket" "$("$quire" cat "$corpus/alltypes_plain.parquet")" \
  "$("$quire" cat s3://data/t/alltypes_plain.parquet)"
# A HEAD and a one-key listing tell that "up" is a folder; one more lists it.
check "--stats counts the requests" "1" \
  "$(fs ls --stats s3://data/up 2>&1 >/dev/null | grep -c '^s3://data/: requests=3 (stat=1 list=2) ')"
fs rm -R s3://data/up
check "rm -R" "" "$(fs ls -R s3://data/up)"
fs rm s3://data/nothing >/dev/null 2>&1
check "rm of a missing key exits with 3" "3" "$?"
AWS_SECRET_ACCESS_KEY=wrong AWS_ACCESS_KEY_ID=NOBODY fs ls s3://data/ > /dev/null 2> "$dir/err"
check "bad credentials fail, naming the code, not the secret" "1 0" \
  "$(grep -c InvalidAccessKeyId "$dir/err") $(grep -c wrong "$dir/err")"

if ((failures)); then echo "FAIL: $failures checks failed"; exit 1; fi
echo "all fs s3 checks passed"
