#!/usr/bin/env bash
# The GRASS GIS peer of `stack` (Scripts/bench/stack.sh): a throw-away location in the inputs'
# CRS, every ndvi_YYYY-MM-DD.tif linked with r.external (no copy), `r.series method=average` per
# year (nulls, i.e. the files' nodata, left out), scaled by 0.0001 with r.mapcalc (GRASS ignores
# GDAL's band scale), grouped and written with r.out.gdal as `stack` writes (Float32, one band
# per year, tiled 256 x 256 DEFLATE level 1 predictor 3).
# Usage: stack_grass.sh DIR OUT.tif
set -euo pipefail
dir=$(realpath "$1"); out=$(realpath -m "$2")
db=$(mktemp -d); trap 'rm -rf "$db"' EXIT
# A glob, not `ls | head`: under pipefail, ls killed by SIGPIPE when head exits fails the script (exit 141).
files=("$dir"/ndvi_*.tif); first=${files[0]}
[[ -f "$first" ]] || { echo "stack_grass.sh: no ndvi_*.tif in $dir" >&2; exit 1; }
grass -c "$first" -e "$db/loc" >/dev/null 2>&1
export dir out
grass "$db/loc/PERMANENT" --exec bash -c '
set -euo pipefail
for f in "$dir"/ndvi_*.tif; do
  n=$(basename "$f" .tif); n=${n//-/_}
  r.external input="$f" output="$n" --quiet
done
g.region raster="$(g.list raster pattern="ndvi_*" | head -n1)"
years=$(g.list raster pattern="ndvi_*" | cut -c6-9 | sort -u)
for y in $years; do
  r.series input="$(g.list raster pattern="ndvi_${y}_*" separator=comma)" output="avg_$y" method=average --quiet
  r.mapcalc expression="mean_$y = float(avg_$y * 0.0001)" --quiet
done
i.group group=means input="$(g.list raster pattern="mean_*" separator=comma)" --quiet
r.out.gdal input=means output="$out" format=GTiff type=Float32 nodata=nan -c -f --overwrite --quiet \
  createopt="TILED=YES,BLOCKXSIZE=256,BLOCKYSIZE=256,COMPRESS=DEFLATE,ZLEVEL=1,PREDICTOR=3,NUM_THREADS=ALL_CPUS,BIGTIFF=IF_SAFER"
' >/dev/null
