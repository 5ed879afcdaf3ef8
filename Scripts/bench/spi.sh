#!/usr/bin/env bash
# Benchmarks `kubuqi-monitor drought` (SPI): first the SPI kernel alone on one core (pixel-months per
# CPU second at scales 1, 3 and 12, Thom's and the exact gamma fit), then the whole command
# (SPI-1, 3, 12 layers, the class layer, tables) on a generated SIZE x SIZE series of YEARS years of
# monthly precipitation (`kubuqi-bench make-precip`, kept in bench-out/) against, interleaved run
# by run (lib.sh, medians of wall and CPU, max peak RSS):
#   - spi_peer.py: NOAA's climate-indices package (2.0.1, .venv-test/) computing the same SPI-1, 3, 12
#     layers (gamma, Thom's fit, calibration on the whole record as drought's defaults) per pixel in a
#     pool of one process per core, written as tiled band-interleaved GeoTIFFs with drought's SPI
#     compression (DEFLATE level 1, floating-point predictor; no COG layout, no overviews); checked
#     against drought's layers before timing (spi_peer.py --check: within 1e-3 except the calendar
#     months 1..K-1 whose zero probability climate-indices counts differently, docs/climate.md);
#     no class layer, no tables;
#   - the floor (floor.py --concurrent): decoding the series once and encoding drought's three SPI
#     layers and its class layer once as COGs (GDAL's COG driver from raw copies), side by side, with
#     drought's creation options (as change.sh's floor), measured.
# Results are also written to bench-out/spi-results.md.
# Usage: Scripts/bench/spi.sh [RUNS] [SIZE] [YEARS]   (defaults 3, 256 and 30). Not part of the tests.
# (Before 2026-11-30 13:00 UTC the script took [SIZE] [YEARS] and ran drought once: `spi.sh 512 30`
# is now `spi.sh 1 512 30`.)
source "$(dirname "$0")/lib.sh"  # strict mode, the repository's root, OUT/BIN/PY
RUNS=${1:-3}; SIZE=${2:-256}; YEARS=${3:-30}
VPY=${VPY:-.venv-test/bin/python}  # the Python with climate-indices (Scripts/setup.sh)
$VPY -c "import climate_indices, osgeo" 2>/dev/null || { echo "bench: $VPY lacks climate_indices or GDAL's bindings (run Scripts/setup.sh)" >&2; exit 1; }
bench_build
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$BIN/kubuqi-bench" spi 3 | tee "$OUT/spi-kernel.txt"
series="$OUT/precip-$SIZE-$YEARS.tif"
[[ -f "$series" ]] || "$BIN/kubuqi-bench" make-precip "$SIZE" "$YEARS" "$series"
bench_folders spi
DROUGHT="$BIN/kubuqi-monitor drought -q $series --scales 1,3,12 -o $work/k"
$DROUGHT >/dev/null
# drought's tile size (BLOCKSIZE of its COGs) and class bands; its options are RasterOutputSpec's defaults.
read -r BLOCK CLASSES < <($PY -c "
from osgeo import gdal
s = gdal.Open('$work/k/spi-12.tif'); c = gdal.Open('$work/k/drought-class.tif')
print(s.GetRasterBand(1).GetBlockSize()[0], c.RasterCount)")
SPI_CO="TILED=YES BLOCKXSIZE=$BLOCK BLOCKYSIZE=$BLOCK INTERLEAVE=BAND COMPRESS=DEFLATE ZLEVEL=1 PREDICTOR=3 NUM_THREADS=ALL_CPUS BIGTIFF=IF_SAFER"
COS="BLOCKSIZE=$BLOCK COMPRESS=DEFLATE NUM_THREADS=ALL_CPUS BIGTIFF=IF_SAFER"
PEER="$VPY Scripts/bench/spi_peer.py $series $work/n --scales 1,3,12 --co '$SPI_CO'"
bash -c "$PEER --check $work/k" | tee "$OUT/spi-check.txt"
enc=()
for l in spi-1 spi-3 spi-12; do
  gdal_translate -q -of ENVI "$work/k/$l.tif" "$raw/$l.bin"
  enc+=(--encode-cog "$raw/$l.bin" "$work/f-$l.tif" "'$COS LEVEL=1 PREDICTOR=FLOATING_POINT RESAMPLING=AVERAGE'")
done
gdal_translate -q -of ENVI "$work/k/drought-class.tif" "$raw/class.bin"
enc+=(--encode-cog "$raw/class.bin" "$work/f-class.tif" "'$COS LEVEL=4 PREDICTOR=STANDARD RESAMPLING=NEAREST'")
contender "kubuqi-monitor drought --scales 1,3,12 (3 SPI layers, classes, tables)" "$DROUGHT"
contender "spi_peer.py (climate-indices $($VPY -c 'from importlib.metadata import version; print(version("climate-indices"))'), the 3 SPI layers only, $(nproc) processes)" "$PEER"
contender "floor (decode the series once, encode the 3 SPI layers and the class layer once, side by side)" "$PY Scripts/bench/floor.py --concurrent --decode $series ${enc[*]}"
{
  echo "drought: ${SIZE} x ${SIZE} x $((YEARS * 12)) months ($((SIZE * SIZE * YEARS * 12)) pixel-months per scale), --scales 1,3,12, tiles $BLOCK x $BLOCK, $CLASSES class bands; $RUNS interleaved runs; commit $(git rev-parse --short HEAD); $(date -u '+%F %H:%M UTC'); $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  run_interleaved "$RUNS" "rm -rf $work/k $work/n $work/f-*.tif"
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/spi-results.md"
