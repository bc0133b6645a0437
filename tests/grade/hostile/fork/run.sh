#!/bin/sh
# the hostile part first; the training (train.py, a correct program) only if it was stopped
cd "$(dirname "$0")" && python3 hostile.py && exec python3 train.py
