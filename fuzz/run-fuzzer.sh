#!/usr/bin/env bash
# Builds the libFuzzer target with clang-22 in BUILD_DIR (default
# build-fuzz) and fuzzes the front end for SECONDS (default 600), starting
# from the seed corpus of the tests. Crashes are written to fuzz-artifacts/.
#
#   fuzz/run-fuzzer.sh [BUILD_DIR] [SECONDS] [extra libFuzzer flags...]
#
# Needs clang-22 and libclang-rt-22-dev (libFuzzer, ASan runtime): installed
# from Debian here when missing (with sudo when not root, as scripts/setup.sh).
# Not part of `make test` or CI: only this script needs clang.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for pkg in clang-22 libclang-rt-22-dev; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
  fi
  echo "run-fuzzer: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
BUILD=${1:-build-fuzz}
SECONDS_TO_RUN=${2:-600}
shift $(( $# > 2 ? 2 : $# ))
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD" \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
fi
ninja -C "$BUILD" -j"${JOBS:-1}" tri-fuzzer
CORPUS=$BUILD/fuzz-corpus
fuzz/make-seed-corpus.sh "$CORPUS"
mkdir -p fuzz-artifacts
# libMLIR.so is not instrumented: container-overflow checks would misfire on
# STL objects shared with it.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_container_overflow=0:detect_leaks=0}
"$BUILD/bin/tri-fuzzer" "$CORPUS" -dict=fuzz/tri.dict \
  -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 \
  -rss_limit_mb=4096 -artifact_prefix=fuzz-artifacts/ -print_final_stats=1 "$@"
