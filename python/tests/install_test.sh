#!/usr/bin/env bash
# \file python/tests/install_test.sh
# \brief `pip install --no-build-isolation ./python` into a fresh virtual
# environment (with the system's numpy/pandas/dask), without any package index,
# then use the installed package from outside the source tree.
# Usage: install_test.sh BUILD_DIR   (an existing CMake tree with the extension)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
QUIRE_BUILD_DIR="$build" "$work/venv/bin/pip" install --quiet --no-build-isolation --no-index \
  --no-deps "$root/python" > "$work/pip.log" 2>&1 || { cat "$work/pip.log"; exit 1; }
cd "$work"
env -u PYTHONPATH "$work/venv/bin/python" - <<'PY'
import os, sys
import pandas as pd
import quire, _quire
prefix = sys.prefix
assert quire.__file__.startswith(prefix), (quire.__file__, prefix)
assert _quire.__file__.startswith(prefix), (_quire.__file__, prefix)
df = pd.DataFrame({"a": [1, 2, None], "b": ["x", "y", "z"]})
quire.write_table("t", df)
back = quire.Table("t").to_pandas()
pd.testing.assert_frame_equal(back, df)
print("installed quire", quire.__version__, "works:", len(back), "rows")
PY
