"""Starts processes without end (each sleeps) until the system refuses one, at most 2,000; then says how many it
started, on stderr, and exits 3."""

import os
import sys
import time

started = 0
while started < 2000:
    try:
        child = os.fork()
    except OSError as error:
        print(f"started {started} processes, then: {error}", file=sys.stderr)
        break
    if child == 0:
        time.sleep(3600)
        os._exit(0)
    started += 1
else:
    print(f"started {started} processes, then stopped trying", file=sys.stderr)
sys.exit(3)
