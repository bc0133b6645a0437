#!/bin/sh
# compiles into a temporary folder (javac messages to stderr), then runs
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
javac -d "$tmp" Network.java >&2 || exit 1
java -cp "$tmp" Network
