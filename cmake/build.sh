#!/bin/sh
# Configures and builds the release tree in build/ (LibTorch included). Run from anywhere.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
