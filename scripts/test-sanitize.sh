#!/usr/bin/env bash
# `make test-sanitize`: builds the project's own code with AddressSanitizer,
# UndefinedBehaviorSanitizer and assertions (-UNDEBUG) in its own build
# directory (default build-sanitize), then runs the GoogleTest cases and the
# other ctest tests, and the lit suite. Any sanitizer report fails the run.
#
#   scripts/test-sanitize.sh [BUILD_DIR]
#
# GCC's ASan and UBSan (the compiler of `make test`); libMLIR.so, libLLVM.so,
# Python, numpy and torch stay uninstrumented. What makes that sound:
#   allow_user_poisoning=0  LLVM's headers poison the free parts of a
#                           BumpPtrAllocator slab when __SANITIZE_ADDRESS__ is
#                           defined; our instrumented inline code and the
#                           uninstrumented libMLIR.so share such allocators,
#                           so the poisoning is half-done and gives false
#                           use-after-poison reports.
#   halt_on_error=1, abort_on_error=1
#                           stop at the first report with SIGABRT, not exit
#                           code 1: lit's `not tritonc ...` expects exit 1
#                           and would pass on an ASan exit; a signal fails it.
#   -fno-sanitize-recover=undefined, UBSAN_OPTIONS halt_on_error=1
#                           a UBSan report ends the process (by default UBSan
#                           prints and goes on); print_stacktrace=1 says where.
#   -fno-sanitize=vptr      LLVM/MLIR are built without RTTI; the vptr check
#                           needs it (LLVM's own sanitizer builds turn it off).
#   detect_leaks=1          for our tools and the GoogleTest binaries. Not for
#                           the uninstrumented programs that load one of our
#                           instrumented libraries (python: ctypes on
#                           libtriton_runtime.so, triton_dsl._core, the
#                           LibTorch op; mlir-runner -shared-libs): they get
#                           ASan's runtime by LD_PRELOAD (it must be the first
#                           library of the process) and detect_leaks=0, since
#                           Python and the JIT keep memory on purpose at exit.
#                           lit does this with --param sanitizer_preload
#                           (test/lit.cfg.py), ctest per test below.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${1:-build-sanitize}
JOBS=${JOBS:-$(nproc)}

SANITIZE="-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# RelWithDebInfo's flags without -DNDEBUG: -O1 keeps ASan fast enough, -g1
# gives file:line in reports, -UNDEBUG turns every assert on.
OPTIMIZE="-O1 -g1 -UNDEBUG"

start=$(date +%s)
if [ ! -f "$BUILD/build.ninja" ]; then
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake -G Ninja -S . -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS="$SANITIZE" -DCMAKE_CXX_FLAGS="$SANITIZE" \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="$OPTIMIZE" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$OPTIMIZE" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DPython3_EXECUTABLE="$ROOT/.venv/bin/python" \
    "${launcher[@]}" || exit 1
fi
ninja -C "$BUILD" -j"$JOBS" || exit 1
built=$(date +%s)

# The sanitizer runtimes, for the uninstrumented programs that load our
# instrumented libraries. GCC's libasan does not hold UBSan's handlers:
# libubsan is preloaded too, for the LibTorch op, which links our static
# libraries without -fsanitize and so does not name libubsan itself.
ASAN_RUNTIME=$(readlink -f "$(${CXX:-g++} -print-file-name=libasan.so)")
UBSAN_RUNTIME=$(readlink -f "$(${CXX:-g++} -print-file-name=libubsan.so)")
PRELOAD="$ASAN_RUNTIME $UBSAN_RUNTIME"

export ASAN_OPTIONS=allow_user_poisoning=0:halt_on_error=1:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
if [ -x /usr/lib/llvm-22/bin/llvm-symbolizer ]; then
  export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer
fi
# The lit suite's Python imports triton_dsl._core of this build.
export TRITON_BUILD_DIR=$ROOT/$BUILD

mkdir -p "$BUILD/test-results"
RESULTS=$(cd "$BUILD/test-results" && pwd)
rm -f "$RESULTS"/*.xml

echo "== ctest: GoogleTest (instrumented binaries, leak checks on) =="
# install-*: a consumer of the installed package or runtime (cmake, cc,
# python, a C program) that is not instrumented; TorchOp: python and torch.
UNINSTRUMENTED='^(install-package|install-toolchain|TorchOp\.)'
ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" -E "$UNINSTRUMENTED" \
  --output-junit "$RESULTS/ctest-gtest.xml"
gtest_rc=$?

echo "== ctest: install checks and the LibTorch op (ASan preloaded, no leak checks) =="
LD_PRELOAD="$PRELOAD" ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 \
  ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" -R "$UNINSTRUMENTED" \
  --output-junit "$RESULTS/ctest-preloaded.xml"
preloaded_rc=$?

echo "== lit tests =="
/usr/lib/llvm-22/bin/lit -sv "$BUILD/test" --param sanitizer_preload="$PRELOAD" \
  --xunit-xml-output "$RESULTS/lit.xml"
lit_rc=$?
tested=$(date +%s)

python3 scripts/test-summary.py "$RESULTS" --per-file
echo "test-sanitize: build $(( (built - start) / 60 )) min $(( (built - start) % 60 )) s," \
     "tests $(( (tested - built) / 60 )) min $(( (tested - built) % 60 )) s"

if [ $gtest_rc -ne 0 ] || [ $preloaded_rc -ne 0 ] || [ $lit_rc -ne 0 ]; then
  exit 1
fi
