#!/usr/bin/env bash
# Installs the project into a scratch prefix, then builds and runs
# test/Integration/embed against it with find_package(TritonTernary).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$1" && pwd)
WORK=$BUILD/install-package-test
rm -rf "$WORK"
cmake --install "$BUILD" --prefix "$WORK/prefix" >/dev/null
cmake -G Ninja -S "$SRC/test/Integration/embed" -B "$WORK/build" \
  -DCMAKE_PREFIX_PATH="$WORK/prefix" -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir >/dev/null
ninja -C "$WORK/build" >/dev/null
"$WORK/build/embed-ternary"
