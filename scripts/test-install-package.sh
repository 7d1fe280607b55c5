#!/usr/bin/env bash
# Installs the project into a scratch prefix, then builds and runs
# test/Integration/embed against it with find_package(TritonTernary).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$1" && pwd)
WORK=$BUILD/install-package-test
rm -rf "$WORK"
cmake --install "$BUILD" --prefix "$WORK/prefix" >/dev/null
# The consumer is compiled with the package's own CMAKE_<LANG>_FLAGS: the
# static libraries of a sanitizer build (make test-sanitize) need the same
# -fsanitize flags in whatever links them. Empty for an ordinary build.
flags() { sed -n "s/^CMAKE_$1_FLAGS:STRING=//p" "$BUILD/CMakeCache.txt"; }
cmake -G Ninja -S "$SRC/test/Integration/embed" -B "$WORK/build" \
  -DCMAKE_PREFIX_PATH="$WORK/prefix" -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DCMAKE_C_FLAGS="$(flags C)" -DCMAKE_CXX_FLAGS="$(flags CXX)" >/dev/null
ninja -C "$WORK/build" >/dev/null
"$WORK/build/embed-ternary"
