#!/usr/bin/env python3
"""Counts the test cases of the JUnit XML files in a folder (lit, ctest and
pytest write them) and prints one line per file with --per-file, then the
total: `tests: N passed, N failed, N skipped`. Used by scripts/run-tests.sh
and scripts/test-sanitize.sh.

    scripts/test-summary.py RESULTS_DIR [--per-file]
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET


def count(path):
    passed = failed = skipped = 0
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main():
    folder, per_file = sys.argv[1], "--per-file" in sys.argv[2:]
    total = [0, 0, 0]
    for path in sorted(glob.glob(os.path.join(folder, "*.xml"))):
        counts = count(path)
        total = [t + c for t, c in zip(total, counts)]
        if per_file:
            name = os.path.basename(path)[:-len(".xml")]
            print("%s: %d passed, %d failed, %d skipped" % ((name,) + counts))
    print("tests: %d passed, %d failed, %d skipped" % tuple(total))


if __name__ == "__main__":
    main()
