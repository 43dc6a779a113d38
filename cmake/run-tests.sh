#!/bin/sh
# The whole test suite: the release build with every test, then the same suite under
# AddressSanitizer + UndefinedBehaviorSanitizer (without the LibTorch model module, whose kernels
# the sanitizers cannot see into). Exits non-zero on the first failure.
set -eu
cd "$(dirname "$0")/.."
jobs="$(nproc)"

sh cmake/build.sh
ctest --test-dir build --output-on-failure -j"$jobs"

asan_generator=""
[ -f build-asan/CMakeCache.txt ] || asan_generator="-G Ninja"
cmake -S . -B build-asan $asan_generator -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDE_SANITIZE=address,undefined \
  -DDE_WITH_TORCH=OFF -DDE_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
