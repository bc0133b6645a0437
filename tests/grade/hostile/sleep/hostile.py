"""Passes its input on until the line of epoch 4,000, then sleeps without end, keeping its output open."""

import sys
import time

for line in sys.stdin:
    print(line, end="", flush=True)
    if line.startswith("Epoch 4000"):
        break
while True:
    time.sleep(3600)
