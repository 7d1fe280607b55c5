#!/usr/bin/env bash
# Runs the whole test suite of a build directory: lit/FileCheck tests, the
# ctest tests (GoogleTest cases, the installed-package check), then the Python
# tests (pytest on python/tests with the project venv), and prints one summary
# line with the counts of all three. Fails when any of them fails.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
mkdir -p "$BUILD/test-results"
RESULTS=$(cd "$BUILD/test-results" && pwd)  # absolute: ctest runs in $BUILD
rm -f "$RESULTS"/*.xml

echo "== lit tests =="
/usr/lib/llvm-22/bin/lit -sv "$BUILD/test" --xunit-xml-output "$RESULTS/lit.xml"
lit_rc=$?

echo "== ctest (GoogleTest, install package) =="
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)" \
  --output-junit "$RESULTS/ctest.xml"
ctest_rc=$?

echo "== pytest (python/tests) =="
.venv/bin/python -m pytest python/tests -q --junitxml="$RESULTS/pytest.xml"
pytest_rc=$?

python3 scripts/test-summary.py "$RESULTS"

if [ $lit_rc -ne 0 ] || [ $ctest_rc -ne 0 ] || [ $pytest_rc -ne 0 ]; then
  exit 1
fi
