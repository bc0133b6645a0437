#!/bin/sh
# builds into a temporary folder (compiler messages to stderr), then runs
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
g++ -O2 -o "$tmp/prog" bp.cpp >&2 || exit 1
"$tmp/prog"
