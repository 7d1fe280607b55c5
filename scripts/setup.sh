#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 machine:
# Debian packages (LLVM/MLIR 22, GoogleTest, Google Benchmark, OpenBLAS,
# protobuf/ONNX, ninja, ccache, Python headers) and the Python venv (.venv)
# with the pinned packages of requirements.txt and the project's own Python
# package (python/, triton_dsl) installed editable.
# Idempotent and fast on a second run: stamps in .stamps/ record what is done.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STAMPS=$ROOT/.stamps
mkdir -p "$STAMPS"

APT_PACKAGES=(
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  libgtest-dev libgmock-dev
  libbenchmark-dev libopenblas-dev
  libprotobuf-dev protobuf-compiler libonnx-dev
  cmake ninja-build ccache g++ python3 python3-venv python3-dev
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc
)

SUDO=""
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The venv is pinned to one interpreter (the one the Python module
# triton_dsl._core is built for): python3.11 when present, else python3.
PYTHON=${TRITON_PYTHON:-$(command -v python3.11 || command -v python3)}
REQ_HASH=$(sha256sum requirements.txt | cut -c1-16)
if [ ! -x .venv/bin/python ] || [ ! -f "$STAMPS/venv-$REQ_HASH" ]; then
  echo "setup: creating .venv with $PYTHON and requirements.txt"
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
  rm -f "$STAMPS"/venv-*
  touch "$STAMPS/venv-$REQ_HASH"
fi

# The triton_dsl package, editable: the venv imports python/triton_dsl from
# this checkout (and triton_dsl._core from the CMake build, which an editable
# install does not build). Redone when the venv, python/pyproject.toml,
# python/setup.py or the checkout's location changes.
PKG_HASH=$(cat requirements.txt python/pyproject.toml python/setup.py | sha256sum | cut -c1-16)
if [ ! -f "$STAMPS/pypkg-$PKG_HASH" ] || ! .venv/bin/python - "$ROOT/python/" <<'PY'
import importlib.util, sys
spec = importlib.util.find_spec("triton_dsl")
sys.exit(0 if spec and spec.origin and spec.origin.startswith(sys.argv[1]) else 1)
PY
then
  echo "setup: installing the triton_dsl package (python/) into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
    --no-build-isolation -e python/
  rm -f "$STAMPS"/pypkg-*
  touch "$STAMPS/pypkg-$PKG_HASH"
fi
