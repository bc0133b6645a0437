"""Writes the file named in target.txt (outside its folder) and one beside its folder; exits 3 when one is written."""

import sys
from pathlib import Path

written = []
for path in (Path("target.txt").read_text().strip(), "../written-beside.txt"):
    try:
        with open(path, "w") as handle:
            handle.write("escaped\n")
        written.append(path)
    except OSError as error:
        print(f"could not write {path}: {error}", file=sys.stderr)
if written:
    print(f"wrote {', '.join(written)}", file=sys.stderr)
    sys.exit(3)
