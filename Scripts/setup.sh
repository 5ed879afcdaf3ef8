#!/usr/bin/env bash
# Installs the system packages kubuqi-monitor needs, where missing (Debian/Ubuntu).
# Usage: Scripts/setup.sh [--bench]   (--bench adds what the benchmarks compare against)
set -euo pipefail

# python3-scipy: the LDN trend tests compare against scipy.stats in a subprocess.
# libssl-dev: SHA-256 of inputs and outputs (libcrypto).
# gdal-bin: the course's exercises use gdallocationinfo, gdal_translate and gdalwarp.
packages=(libgdal-dev libproj-dev libtiff-dev libssl-dev pkg-config python3-scipy gdal-bin)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-gdal python3-numpy time bc)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
  echo "setup: swift is not on PATH; install Swift 6 (https://www.swift.org/install/linux/)" >&2
  exit 1
fi
pkg-config --exists gdal || { echo "setup: pkg-config cannot find gdal after install" >&2; exit 1; }
echo "setup: GDAL $(pkg-config --modversion gdal), $(swift --version 2>/dev/null | head -n1)" >&2
