#!/bin/sh
# Runs every case of the corpus again and compares what it prints with its stdout.txt, byte for byte.
# Usage: tests/corpus/check.sh [CASE ...]   (default: every case). Needs the toolchains the cases use.
cd "$(dirname "$0")" || exit 2
[ $# -gt 0 ] || set -- $(ls -d */ | tr -d /)
same=0 differ=0
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
for case in "$@"; do
    if "./$case/run.sh" > "$out" 2>/dev/null && cmp -s "$out" "$case/stdout.txt"; then
        same=$((same + 1))
    else
        differ=$((differ + 1))
        echo "differs: $case"
    fi
done
echo "$same passed, $differ failed"
[ "$differ" -eq 0 ]
