# \file tests/cli/check_lib.sh
# \brief Shared by the CLI test scripts: a scratch folder removed on exit ($dir),
# and check NAME EXPECTED ACTUAL, which prints "ok" or "FAIL" and counts failures.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1"; echo "  expected: $2"; echo "  actual:   $3"; failures=$((failures + 1))
  else
    echo "ok   $1"
  fi
}
