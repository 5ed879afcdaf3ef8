#!/usr/bin/env bash
# Benchmarks `kubuqi-monitor drought`: the SPI kernel alone on one core (pixel-months per second at
# scales 1, 3 and 12, Thom's and the exact gamma fit), then the whole command on a generated
# SIZE x SIZE series of YEARS years of monthly precipitation (SPI-1,3,12, classes, tables) with its
# wall time, CPU time and peak RSS. Not part of the tests. Figures: docs/benchmarks.md, section
# "Drought: SPI".
#
# Usage: Scripts/bench/spi.sh [SIZE] [YEARS]     (defaults 1024 and 30)
source "$(dirname "$0")/lib.sh"  # strict mode, the repository's root, OUT/BIN/PY
SIZE=${1:-1024}
YEARS=${2:-30}
bench_build
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$BIN/kubuqi-bench" spi 3
series="$OUT/precip-$SIZE-$YEARS.tif"
[[ -f "$series" ]] || "$BIN/kubuqi-bench" make-precip "$SIZE" "$YEARS" "$series"
rm -rf "$OUT/drought-$SIZE"
/usr/bin/time -f "drought: %e s wall, %U+%S s CPU, peak RSS %M KB" \
  "$BIN/kubuqi-monitor" drought -q "$series" --scales 1,3,12 -o "$OUT/drought-$SIZE"
echo "pixel-months per scale: $((SIZE * SIZE * YEARS * 12))"
