#!/bin/sh
# builds into a temporary folder (rustc messages to stderr), then runs
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
rustc -O -o "$tmp/prog" main.rs >&2 || exit 1
"$tmp/prog"
