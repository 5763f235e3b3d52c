#!/usr/bin/env bash
# \file scripts/sync_testdata.sh
# \brief Copy the corpora the tests use from ../shared/testdata into tests/data,
# so that `make test` works in a clone without ../shared. Run it when
# ../shared/testdata changes; the `testdata.in_step_with_shared` test (registered
# only when ../shared exists) fails while the copies differ.
set -euo pipefail
cd "$(dirname "$0")/.."
src=../shared/testdata
[[ -d "$src" ]] || { echo "no $src beside the project" >&2; exit 1; }
for corpus in parquet; do
  rm -rf "tests/data/$corpus"
  cp -r "$src/$corpus" "tests/data/$corpus"
  chmod -R u+w "tests/data/$corpus"
done
echo "tests/data now matches $src (parquet)"
