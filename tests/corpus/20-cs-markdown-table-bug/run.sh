#!/bin/sh
# compiles into a temporary folder (mcs messages to stderr), then runs
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mcs -out:"$tmp/prog.exe" Program.cs >&2 || exit 1
mono "$tmp/prog.exe"
