#!/bin/sh
# Speed and peak memory of `warn` on an enlarged copy of the fixtures' monthly series.
# Usage: Scripts/bench/warn.sh [FACTOR]   (FACTOR x FACTOR times the 64 x 64 series; default 16: 1024 x 1024 x 138 bands)
# Writes into out/bench-warn/ and prints wall time and peak RSS; separate from run.sh (the other benchmarks).
set -eu
cd "$(dirname "$0")/../.."
factor=${1:-16}
swift build -c release --product kubuqi-monitor >/dev/null
bin=.build/release/kubuqi-monitor
out=out/bench-warn
mkdir -p "$out"
size=$((64 * factor))
series="$out/series-${size}.tif"
if [ ! -f "$series" ]; then
    # Nearest-neighbour enlargement keeps the planted patches (then 120 x factor^2 pixels) and the band dates.
    gdal_translate -q -r nearest -outsize "$size" "$size" -co TILED=YES -co COMPRESS=DEFLATE -co INTERLEAVE=BAND \
        Fixtures/warn/ndvi_monthly_2010_2021.tif "$series"
fi
rm -rf "$out/run"
/usr/bin/time -f "warn ${size}x${size}x138: %e s wall, %M KiB peak RSS" \
    "$bin" warn "$series" --baseline 2010-2019 --mmu 5ha -o "$out/run" -q
