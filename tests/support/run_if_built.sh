#!/bin/sh
# Runs a host example program if its toolchain built it; skips (exit 77) otherwise.
if [ ! -x "$1" ]; then
    echo "$1 was not built (toolchain missing), skipped"
    exit 77
fi
exec "$@"
