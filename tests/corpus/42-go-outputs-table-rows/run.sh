#!/bin/sh
# builds into a temporary folder (go messages to stderr), then runs
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/prog" main.go >&2 || exit 1
"$tmp/prog"
