#!/usr/bin/env bash
# Fills DIR with the fuzzer's seed corpus: every .tri program of the test
# suite and of examples/ (valid and invalid ones), one file each, plus 200
# generated well-typed programs and 100 with type mistakes
# (fuzz/random_programs.py) that reach deep into MLIRGen.
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
python3 "$SRC/fuzz/random_programs.py" "$DEST/generated-good" 200 1
python3 "$SRC/fuzz/random_programs.py" "$DEST/generated-bad" 100 2 0.1
for dir in generated-good generated-bad; do
  for file in "$DEST/$dir"/*.tri; do
    mv "$file" "$DEST/${dir}_$(basename "$file")"
  done
  rmdir "$DEST/$dir"
done
echo "$(ls "$DEST" | wc -l) seeds in $DEST"
