#!/usr/bin/env bash
# Installs the system packages kubuqi-monitor needs, where missing (Debian/Ubuntu).
# Usage: Scripts/setup.sh [--bench]   (--bench adds what the benchmarks compare against)
set -euo pipefail

# python3-scipy: the LDN trend tests compare against scipy.stats in a subprocess.
# libssl-dev: SHA-256 of inputs and outputs (libcrypto).
# gdal-bin: the course's exercises use gdallocationinfo, gdal_translate and gdalwarp.
# python3-venv: the tests' own virtual environment for reference packages from PyPI (below).
packages=(libgdal-dev libproj-dev libtiff-dev libssl-dev pkg-config python3-scipy gdal-bin python3-venv)
# libjs-leaflet: the reports' interactive map (copied beside report.html from /usr/share/javascript/leaflet).
# chromium: the tests render the reports in a real headless browser (screenshot, PDF, console errors).
packages+=(libjs-leaflet chromium)
# libfreetype-dev, fonts-dejavu-core: the text of PNG quicklooks (FreeType drawing DejaVu Sans).
packages+=(libfreetype-dev fonts-dejavu-core)
# libsqlite3-dev: the GeoPackage patch layers' spatial index written in one go on GDAL's own SQLite connection.
packages+=(libsqlite3-dev)
# libdeflate-dev (libtiff-dev above): COGs assembled with libtiff from tiles compressed by libdeflate while computed.
packages+=(libdeflate-dev)
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
# Reference implementations the tests compare against that Debian does not ship come from PyPI,
# pinned in Scripts/requirements-test.txt, into .venv-test/ (git-ignored) on top of Debian's
# python3 (so numpy, scipy and GDAL's bindings stay Debian's). Tests find it through
# PythonReference; it is rebuilt when the requirements change.
venv=".venv-test"
req="Scripts/requirements-test.txt"
if [[ -s "$req" ]] && ! cmp -s "$req" "$venv/requirements.txt" 2>/dev/null; then
  echo "setup: installing the tests' Python packages into $venv" >&2
  rm -rf "$venv"
  /usr/bin/python3 -m venv --system-site-packages "$venv"
  "$venv/bin/python3" -m pip install -q --disable-pip-version-check -r "$req"
  cp "$req" "$venv/requirements.txt"
fi

pkg-config --exists gdal || { echo "setup: pkg-config cannot find gdal after install" >&2; exit 1; }
echo "setup: GDAL $(pkg-config --modversion gdal), $(swift --version 2>/dev/null | head -n1)" >&2
