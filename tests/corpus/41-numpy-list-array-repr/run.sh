#!/bin/sh
cd "$(dirname "$0")" && exec python3 debug_net.py
