#!/usr/bin/env bash
# Fills DIR with the fuzzer's seed corpus: every .tri program of the test
# suite and of examples/ (valid and invalid ones), one file each.
#
#   fuzz/make-seed-corpus.sh DIR
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:?usage: make-seed-corpus.sh DIR}
mkdir -p "$DEST"
find "$SRC/test/Frontend" "$SRC/examples" -name '*.tri' -print0 |
  while IFS= read -r -d '' file; do
    name=${file#"$SRC"/}
    cp "$file" "$DEST/${name//\//_}"
  done
echo "$(ls "$DEST" | wc -l) seeds in $DEST"
