#!/usr/bin/env bash
# Benchmarks `kubuqi-monitor index ndvi` on a SIZE x SIZE UInt16 red/NIR pair (kubuqi-bench make-pair,
# nodata 0) against its peers, interleaved run by run (lib.sh), every one writing the same Float32
# Cloud Optimized GeoTIFF (256 x 256 tiles, DEFLATE level 1, PREDICTOR=3, AVERAGE overviews):
#   - index_numpy.py: NumPy over GDAL's bindings (and through rasterio when installed), checked
#     pixel-identical to ours below;
#   - gdal_calc.py: it cannot write a COG, so it writes an uncompressed tiled GeoTIFF that
#     gdal_translate -of COG then encodes once (the cheapest way to a COG with it);
#   - Orfeo ToolBox (otbcli_BandMath) and GRASS (r.mapcalc) only when installed (not installed
#     here: they are big), writing plain tiled GeoTIFFs (noted in their names);
#   - kubuqi-monitor with --co COG=NO (a plain tiled GeoTIFF: what the COG layout costs);
#   - the floor: decoding both inputs once (side by side) and encoding our output once as a COG with
#     the same options (floor.py --concurrent, GDAL's COG driver from a raw copy), measured.
# Unattended: the input pair is generated on the first run and kept in bench-out/; results are also
# written to bench-out/index-results.md.
# Usage: Scripts/bench/index.sh [RUNS] [SIZE]    (defaults 3 and 6000). Not part of the tests.
source "$(dirname "$0")/lib.sh"  # strict mode, the repository's root, OUT/BIN/PY
RUNS=${1:-3}; SIZE=${2:-6000}
bench_build
pair="$OUT/pair-$SIZE"
[[ -f "$pair/nir.tif" ]] || "$BIN/kubuqi-bench" make-pair "$SIZE" "$pair"
bench_folders index

# Our output once, to check the peers against and to encode for the floor.
"$BIN/kubuqi-monitor" index ndvi --quiet --red "$pair/red.tif" --nir "$pair/nir.tif" -o "$work/k.tif" >/dev/null
$PY Scripts/bench/index_numpy.py "$pair/red.tif" "$pair/nir.tif" "$work/n.tif"
RIO=""; $PY -c "import rasterio" 2>/dev/null && RIO="yes"
$PY - "$work" <<'PY'
import sys, numpy as np
from osgeo import gdal
w = sys.argv[1]
dk, dn = gdal.Open(f"{w}/k.tif"), gdal.Open(f"{w}/n.tif")  # a band needs its dataset alive
k, n = dk.GetRasterBand(1), dn.GetRasterBand(1)
if not np.array_equal(k.ReadAsArray(), n.ReadAsArray(), equal_nan=True): sys.exit("bench: NDVI differs between kubuqi-monitor and index_numpy.py")
if not np.array_equal(k.GetOverview(0).ReadAsArray(), n.GetOverview(0).ReadAsArray(), equal_nan=True): sys.exit("bench: NDVI overviews differ")
PY
gdal_translate -q -of ENVI "$work/k.tif" "$raw/ndvi.bin"

COG="BLOCKSIZE=256 COMPRESS=DEFLATE LEVEL=1 PREDICTOR=FLOATING_POINT RESAMPLING=AVERAGE NUM_THREADS=ALL_CPUS BIGTIFF=IF_SAFER"
GCO="--co TILED=YES --co BLOCKXSIZE=256 --co BLOCKYSIZE=256 --co COMPRESS=DEFLATE --co ZLEVEL=1 --co PREDICTOR=3 --co NUM_THREADS=ALL_CPUS --co BIGTIFF=IF_SAFER"
contender "kubuqi-monitor index ndvi (COG)" "$BIN/kubuqi-monitor index ndvi --quiet --red $pair/red.tif --nir $pair/nir.tif -o $work/k.tif"
contender "kubuqi-monitor index ndvi --co COG=NO (tiled GTiff)" "$BIN/kubuqi-monitor index ndvi --quiet --co COG=NO --red $pair/red.tif --nir $pair/nir.tif -o $work/k0.tif"
contender "index_numpy.py (NumPy $($PY -c 'import numpy; print(numpy.__version__)'), GDAL bindings)" "$PY Scripts/bench/index_numpy.py $pair/red.tif $pair/nir.tif $work/n.tif"
[[ -n "$RIO" ]] && contender "index_numpy.py --rasterio" "$PY Scripts/bench/index_numpy.py $pair/red.tif $pair/nir.tif $work/r.tif --rasterio"
contender "gdal_calc.py + gdal_translate -of COG" "gdal_calc.py --quiet -A $pair/red.tif -B $pair/nir.tif --outfile=$work/g0.tif --type=Float32 --NoDataValue=0 \
  --co TILED=YES --co COMPRESS=NONE --calc='(B.astype(numpy.float32)-A)/(B.astype(numpy.float32)+A)' && gdal_translate -q -of COG -co ${COG// / -co } $work/g0.tif $work/g.tif"
if command -v otbcli_BandMath >/dev/null; then
  contender "otbcli_BandMath (OTB, tiled GTiff)" "otbcli_BandMath -il $pair/red.tif $pair/nir.tif -exp '(im2b1-im1b1)/(im2b1+im1b1)' \
    -out '$work/o.tif?&gdal:co:TILED=YES&gdal:co:COMPRESS=DEFLATE&gdal:co:ZLEVEL=1&gdal:co:PREDICTOR=3&gdal:co:NUM_THREADS=ALL_CPUS' float"
fi
if command -v grass >/dev/null; then
  contender "GRASS r.mapcalc (tiled GTiff)" "grass --tmp-location $pair/red.tif --exec bash -c 'r.external -o input=$pair/red.tif output=red && r.external -o input=$pair/nir.tif output=nir \
    && r.mapcalc \"ndvi = float(nir - red) / (nir + red)\" && r.out.gdal input=ndvi output=$work/gr.tif type=Float32 createopt=TILED=YES,COMPRESS=DEFLATE,ZLEVEL=1,PREDICTOR=3'"
fi
contender "floor (decode both inputs once, encode the output once as a COG)" \
  "$PY Scripts/bench/floor.py --concurrent --decode $pair/red.tif --decode $pair/nir.tif --encode-cog $raw/ndvi.bin $work/f.tif '$COG'"
{
  echo "index ndvi: ${SIZE} x ${SIZE} UInt16 red + NIR; $RUNS interleaved runs; commit $(git rev-parse --short HEAD); $(date -u '+%F %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  run_interleaved "$RUNS" "rm -f $work/k.tif $work/k0.tif $work/n.tif $work/r.tif $work/g0.tif $work/g.tif $work/o.tif $work/gr.tif $work/f.tif"
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/index-results.md"
