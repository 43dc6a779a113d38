#!/bin/sh
# Installs, from Debian 12's own packages, whatever the build and tests need and is missing.
# Idempotent and quiet when everything is there. Run as root (or with sudo available).
set -eu

packages="cmake ninja-build g++ gcc pkg-config git
  libtorch-dev libopenblas0-openmp
  libsimdjson-dev libfmt-dev libeigen3-dev libstb-dev catch2 tmux
  python3 cargo golang-go"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

echo "setup: installing$missing" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
