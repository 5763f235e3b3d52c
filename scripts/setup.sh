#!/usr/bin/env bash
# \file scripts/setup.sh
# \brief Install everything quire needs to build and test, idempotently.
#
# System packages come from Debian's archive (apt-get), npm packages from the
# committed package.json/package-lock.json into ./node_modules (git-ignored).
# Nothing is downloaded from anywhere else. Safe to run again: it installs only
# what is missing and runs `apt-get update` at most once.
#
# Usage: scripts/setup.sh [--fuzz]   (--fuzz adds clang and libFuzzer's runtime)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config make git
  # unit tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # formatting and the command line
  libfmt-dev libcli11-dev
  # codecs
  libzstd-dev libsnappy-dev liblz4-dev zlib1g-dev libdeflate-dev libbrotli-dev
  # bloom filters, log parsing, HTTP and TLS, deletion vectors, parallelism
  libxxhash-dev libsimdjson-dev libcurl4-openssl-dev libssl-dev libroaring-dev libtbb-dev
  # Python bindings and their tests
  python3 python3-dev pybind11-dev python3-numpy python3-pandas python3-dask
  python3-distributed python3-pytest python3-setuptools python3-hypothesis python3-pip
  python3-venv
)
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev)
fi
# Node.js and npm only when no usable npm is on PATH already.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages the tests need (servers and the independent reader), exactly as
# locked. Re-run only when the lock file changed since the last install.
stamp=node_modules/.quire-lock-stamp
if [[ ! -f "$stamp" ]] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: installing npm packages from package-lock.json"
  # `npm ci` rejects this lock because npm leaves the other platforms' optional
  # DuckDB bindings out of it; `npm install --no-save` installs exactly the
  # locked versions and leaves the lock as committed.
  npm install --no-save --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
