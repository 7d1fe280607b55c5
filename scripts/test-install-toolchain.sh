#!/usr/bin/env bash
# Installs a build into a temporary prefix and uses the toolchain from there
# the way a user does, with nothing from the build directory or the checkout's
# python/ (no LD_LIBRARY_PATH, no TRITON_BUILD_DIR):
#   1. tritonc, triton-opt and triton-translate run (RUNPATH to libMLIR.so);
#   2. tritonc --target=cpu compiles examples/mlp.tri with the runtime
#      micro-kernels, a C program (test/Install/mlp_main.c) built against the
#      installed headers and libtriton_runtime.so calls it, and its result
#      agrees with a float64 numpy reference (test/Install/mlp_reference.py),
#      with the params passed at the call and embedded by tritonc --weights;
#   3. the installed Python package imports from the prefix and its
#      compile() gives the same object file as the installed tritonc.
# The prefix is removed at exit. The ctest `install-toolchain` runs this.
#
#   test-install-toolchain.sh BUILD PYTHON [PYTHON_DIR]
# PYTHON: the interpreter the build's triton_dsl._core is for (with numpy);
# PYTHON_DIR: where the package is installed, relative to the prefix
# (TRITON_INSTALL_PYTHONDIR); step 3 is skipped without it.
# pipefail: no `grep -q` or `head` may end a pipe early (SIGPIPE fails it).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$1" && pwd)
PYTHON=$2
case $PYTHON in */*) PYTHON=$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON") ;; esac
PYTHON_DIR=${3:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/triton-install-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PREFIX=$WORK/prefix
unset LD_LIBRARY_PATH TRITON_BUILD_DIR PYTHONPATH

cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null

echo "== 1. the installed tools"
"$PREFIX/bin/tritonc" --version
"$PREFIX/bin/tritonc" --list-targets | grep '^cpu:'
"$PREFIX/bin/triton-opt" "$SRC/examples/mlir/demo.mlir" -canonicalize \
  -o "$WORK/demo.mlir"
grep 'ternary.constant' "$WORK/demo.mlir"
"$PREFIX/bin/triton-translate" --import-dsl "$SRC/examples/mlp.tri" \
  | "$PREFIX/bin/triton-opt" -ternary-cpu=opt-level=2 \
  | "$PREFIX/bin/triton-translate" --to-cpu -o "$WORK/mlp-translate.o"
nm "$WORK/mlp-translate.o" | grep ' T _mlir_ciface_MLP_forward$'

echo "== 2. a C program on a compiled model and the installed runtime"
"$PREFIX/bin/tritonc" "$SRC/examples/mlp.tri" --target=cpu -O2 \
  --use-microkernels -o "$WORK/mlp.o"
nm "$WORK/mlp.o" | grep ' U _mlir_ciface_tri_mlir_gemm'
link() { # OBJECT EXECUTABLE [cc flags]: mlp_main.c on the installed runtime
  cc -std=c99 -O2 "${@:3}" -I"$PREFIX/include" "$SRC/test/Install/mlp_main.c" \
    "$1" -L"$PREFIX/lib" -ltriton_runtime -Wl,-rpath,"$PREFIX/lib" -lm -o "$2"
}
link "$WORK/mlp.o" "$WORK/mlp_main"
ldd "$WORK/mlp_main" > "$WORK/mlp_main.ldd"
grep -q "=> $PREFIX/lib/libtriton_runtime.so" "$WORK/mlp_main.ldd"
"$PYTHON" "$SRC/test/Install/mlp_reference.py" inputs "$WORK"
echo "params passed at the call:"
"$WORK/mlp_main" "$WORK"
"$PYTHON" "$SRC/test/Install/mlp_reference.py" check "$WORK"

echo "params embedded by tritonc --weights, the entry takes the input only:"
"$PREFIX/bin/tritonc" "$SRC/examples/mlp.tri" --target=cpu -O2 \
  --use-microkernels --weights "$WORK/weights.safetensors" -o "$WORK/mlp-weights.o"
link "$WORK/mlp-weights.o" "$WORK/mlp_main_weights" -DEMBEDDED_WEIGHTS
rm "$WORK/y.f32"
"$WORK/mlp_main_weights" "$WORK"
"$PYTHON" "$SRC/test/Install/mlp_reference.py" check "$WORK"

if [ -z "$PYTHON_DIR" ]; then
  echo "== 3. skipped: the build has no triton_dsl._core"
  exit 0
fi
echo "== 3. the installed Python package"
cd "$WORK"
PYTHONPATH="$PREFIX/$PYTHON_DIR" "$PYTHON" - "$PREFIX" "$SRC/examples/mlp.tri" \
  "$WORK/mlp.o" <<'PY'
import pathlib
import sys

import triton_dsl

prefix, source, tritonc_object = map(pathlib.Path, sys.argv[1:])
for module in (triton_dsl, triton_dsl.compiler._core()):
    where = pathlib.Path(module.__file__).resolve()
    if prefix.resolve() not in where.parents:
        sys.exit(f"{module.__name__} is imported from {where}, not the prefix")
obj = triton_dsl.compile(source, target="cpu", use_microkernels=True)
if obj != tritonc_object.read_bytes():
    sys.exit("triton_dsl.compile(target='cpu') differs from tritonc's object")
print("triton_dsl from the prefix: compile(mlp.tri, target='cpu') is tritonc's object")
PY
