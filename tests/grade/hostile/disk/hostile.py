"""Fills the disk: files of up to 1 GiB in its folder, the next one when a file can grow no more, until the disk is
full, at most 8 GiB in all; then says how many MiB it wrote, on stderr, and exits 3."""

import errno
import sys

CHUNK = b"\0" * (1 << 20)
total = 0
for number in range(8):
    try:
        with open(f"fill-{number}.bin", "wb") as handle:
            for _ in range(1024):
                handle.write(CHUNK)
                handle.flush()
                total += 1
    except OSError as error:
        if error.errno != errno.EFBIG:  # the disk is full, or anything else: stop
            print(f"wrote {total} MiB, then: {error}", file=sys.stderr)
            sys.exit(3)
print(f"wrote {total} MiB", file=sys.stderr)
sys.exit(3)
