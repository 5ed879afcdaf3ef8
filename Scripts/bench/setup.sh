#!/usr/bin/env bash
# Installs what the benchmarks compare against, beyond the project's own packages (Scripts/setup.sh
# --bench: GDAL's Python bindings, NumPy, time, bc): GRASS GIS (r.series) and xarray for
# Scripts/bench/stack.sh. Benchmark-only: the tool and its tests do not need them.
# Usage: Scripts/bench/setup.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
Scripts/setup.sh --bench
packages=(grass-core python3-xarray linux-perf)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bench setup: installing ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
