#!/bin/sh
# trains and prints, but stops printing at iteration 4,000 and never ends
cd "$(dirname "$0")" && python3 train.py | python3 hostile.py
