#!/bin/sh
# The host examples run the closed loop and print the same per-round figures as `dataengine loop`
# with the same seed and settings (issue 6).
#
#   host_loop.sh reference WORK CLI            runs `dataengine loop` once: WORK/world, WORK/reference.txt
#   host_loop.sh compare WORK NAME COMMAND...  runs a host's loop program with the same settings on the
#                                              same world and compares its "round R test:" lines
# A COMMAND whose program is missing skips (exit 77): a host toolchain is optional.
set -eu
mode=$1
work=$2
shift 2
# Small and single-threaded (bit-identical floats); IPO and 2 rounds of ABS + generation included.
settings="--scale 3 --stage1-steps 20 --dim 32 --seed-steps 24 --round-steps 24 --rounds 2 --budget 60
  --ipo-batch 12 --ipo-rounds 2 --threads 1 --seed 4"

figures() {
    grep '^round [0-9]* test:' "$1" || true
}

case $mode in
reference)
    # Only its own paths: the host builds and worlds share WORK and may be running meanwhile.
    rm -rf "$work/reference" "$work/world" "$work/reference.out" "$work/reference.txt"
    mkdir -p "$work"
    # shellcheck disable=SC2086
    "$1" loop --state "$work/reference" --world "$work/world" $settings >"$work/reference.out"
    figures "$work/reference.out" >"$work/reference.txt"
    [ "$(wc -l <"$work/reference.txt")" -eq 3 ] || { echo "dataengine loop printed no 3 rounds of figures" >&2; exit 1; }
    cat "$work/reference.txt"
    ;;
compare)
    name=$1
    shift
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "$name: $1 not found, skipped"
        exit 77
    fi
    [ -f "$work/reference.txt" ] || { echo "no reference run in $work" >&2; exit 1; }
    rm -rf "${work:?}/$name"
    # shellcheck disable=SC2086
    "$@" --state "$work/$name" --world "$work/world" $settings >"$work/$name.out"
    figures "$work/$name.out" >"$work/$name.txt"
    if ! diff "$work/reference.txt" "$work/$name.txt"; then
        echo "$name: the per-round figures differ from dataengine loop's (above: < dataengine, > $name)" >&2
        exit 1
    fi
    echo "$name: the same per-round figures as dataengine loop:"
    cat "$work/$name.txt"
    ;;
*)
    echo "usage: host_loop.sh reference|compare WORK ..." >&2
    exit 2
    ;;
esac
