#!/bin/sh
cd "$(dirname "$0")" && exec python3 exact_view.py
