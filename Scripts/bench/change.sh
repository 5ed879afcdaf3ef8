#!/usr/bin/env bash
# Benchmarks `kubuqi-monitor change --threshold sigma:1` (and with --mmu) on a SIZE x SIZE Float32
# NDVI pair (kubuqi-bench make-ndvi-pair) against its peers, interleaved run by run:
#   - change_numpy.py: a two-pass NumPy+GDAL script writing the same class and magnitude rasters
#     (checked identical below, full resolution and first overview) as Cloud Optimized GeoTIFFs
#     with the same creation options;
#   - gdal_calc.py with the thresholds precomputed (one pass; the statistics pass not counted; it
#     writes the class raster only, as a plain tiled GeoTIFF: gdal_calc.py cannot write a COG);
#   - the floor: decoding both inputs twice (sigma needs the statistics pass first) and encoding the
#     two outputs once as COGs with the same options (GDAL's COG driver from raw copies), measured;
#     the two inputs decoded side by side and the two outputs encoded side by side (floor.py
#     --concurrent); and the same with the inputs decoded once (change decodes them once since its
#     class pass reads the staged magnitude).
# Unattended: the input pair is generated on the first run and kept in bench-out/; results are also
# written to bench-out/change-results.md.
# Usage: Scripts/bench/change.sh [RUNS] [SIZE]    (defaults 3 and 6000). Not part of the tests.
source "$(dirname "$0")/lib.sh"  # strict mode, the repository's root, OUT/BIN/PY
RUNS=${1:-3}; SIZE=${2:-6000}
bench_build
pair="$OUT/ndvi-$SIZE"
[[ -f "$pair/after.tif" ]] || "$BIN/kubuqi-bench" make-ndvi-pair "$SIZE" "$pair"
bench_folders change

# Our outputs once, to check the peer against and to encode for the floor.
"$BIN/kubuqi-monitor" change --quiet --before "$pair/before.tif" --after "$pair/after.tif" --threshold sigma:1 -o "$work/k" >/dev/null
mkdir -p "$work/n"; $PY Scripts/bench/change_numpy.py "$pair/before.tif" "$pair/after.tif" "$work/n" 1
$PY - "$work" <<'PY'
import sys, numpy as np
from osgeo import gdal
w = sys.argv[1]
for f in ("change-class.tif", "change-magnitude.tif"):
    dk, dn = gdal.Open(f"{w}/k/{f}"), gdal.Open(f"{w}/n/{f}")  # a band needs its dataset alive
    k, n = dk.GetRasterBand(1), dn.GetRasterBand(1)
    if k.GetOverviewCount() != n.GetOverviewCount(): sys.exit(f"bench: {f}: overview counts differ")
    for what, a, b in (("pixels", k.ReadAsArray(), n.ReadAsArray()), ("first overview", k.GetOverview(0).ReadAsArray(), n.GetOverview(0).ReadAsArray())):
        same = np.array_equal(a, b, equal_nan=True) if a.dtype.kind == "f" else np.array_equal(a, b)
        if not same: sys.exit(f"bench: {f}: {what} differ between kubuqi-monitor and change_numpy.py")
PY
stats=$(mktemp); $PY -c "
from osgeo import gdal; import numpy as np
b=gdal.Open('$pair/before.tif').ReadAsArray(); a=gdal.Open('$pair/after.tif').ReadAsArray(); d=(a-b).astype(np.float64)
print(d.mean(), d.std())" >"$stats"; read -r MEAN SD <"$stats"; rm -f "$stats"
gdal_translate -q -of ENVI "$work/k/change-class.tif" "$raw/class.bin"
gdal_translate -q -of ENVI "$work/k/change-magnitude.tif" "$raw/magnitude.bin"

CO="-co TILED=YES -co BLOCKXSIZE=256 -co BLOCKYSIZE=256 -co COMPRESS=DEFLATE -co NUM_THREADS=ALL_CPUS -co BIGTIFF=IF_SAFER"
COS="BLOCKSIZE=256 COMPRESS=DEFLATE NUM_THREADS=ALL_CPUS BIGTIFF=IF_SAFER"
encodes="--encode-cog $raw/class.bin $work/f-class.tif '$COS LEVEL=4 PREDICTOR=STANDARD RESAMPLING=NEAREST' \
  --encode-cog $raw/magnitude.bin $work/f-magnitude.tif '$COS LEVEL=1 PREDICTOR=FLOATING_POINT RESAMPLING=AVERAGE'"
floor="$PY Scripts/bench/floor.py --concurrent --times 2 --decode $pair/before.tif --decode $pair/after.tif $encodes"
floor1="$PY Scripts/bench/floor.py --concurrent --times 1 --decode $pair/before.tif --decode $pair/after.tif $encodes"
contender "kubuqi-monitor change --threshold sigma:1" "$BIN/kubuqi-monitor change --quiet --before $pair/before.tif --after $pair/after.tif --threshold sigma:1 -o $work/k"
contender "kubuqi-monitor change --threshold sigma:1 --no-patches (the NumPy script's outputs)" "$BIN/kubuqi-monitor change --quiet --before $pair/before.tif --after $pair/after.tif --threshold sigma:1 --no-patches -o $work/p"
contender "kubuqi-monitor change --threshold sigma:1 --mmu 0.5ha" "$BIN/kubuqi-monitor change --quiet --before $pair/before.tif --after $pair/after.tif --threshold sigma:1 --mmu 0.5ha -o $work/m"
contender "change_numpy.py (two passes, NumPy $($PY -c 'import numpy; print(numpy.__version__)'))" "$PY Scripts/bench/change_numpy.py $pair/before.tif $pair/after.tif $work/n 1"
contender "gdal_calc.py (one pass, thresholds given, class raster only, plain GTiff)" "gdal_calc.py --quiet -A $pair/before.tif -B $pair/after.tif --outfile=$work/g.tif --type=Int16 --NoDataValue=-32768 ${CO//-co/--co} --co ZLEVEL=4 --co PREDICTOR=2 --calc='numpy.select([(B-A-($MEAN))<=-2*$SD,(B-A-($MEAN))<=-$SD,(B-A-($MEAN))>=2*$SD,(B-A-($MEAN))>=$SD],[-2,-1,2,1],0)'"
contender "floor (decode inputs twice, encode both outputs once as COGs; side by side)" "$floor"
contender "floor, one decode (decode inputs once, encode both outputs once as COGs; side by side)" "$floor1"
{
  echo "change: ${SIZE} x ${SIZE} Float32 NDVI pair; $RUNS interleaved runs; commit $(git rev-parse --short HEAD); $(date -u '+%F %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  run_interleaved "$RUNS" "rm -rf $work/k $work/p $work/m $work/n/*.tif $work/g.tif $work/f-*.tif"
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/change-results.md"
