#!/bin/sh
# Configures and builds the release tree in build/ (LibTorch included). Run from anywhere.
set -eu
cd "$(dirname "$0")/.."
generator=""
[ -f build/CMakeCache.txt ] || generator="-G Ninja"  # keep the generator of an existing tree
cmake -S . -B build $generator -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
