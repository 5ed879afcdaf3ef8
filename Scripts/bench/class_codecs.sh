#!/usr/bin/env bash
# Class layers' DEFLATE level and ZSTD on REAL class maps (issue 21): the class layers that ldn, change
# and index --grades write from the real scenes in ../shared/data/real (REAL, default
# /work/shared/data/real), and the real land-cover maps there, each at DEFLATE 6, DEFLATE 4 (the default),
# DEFLATE 1, ZSTD 1 and ZSTD 9.
# 1. every command runs with the five --co settings; the bytes of its class layers are summed
#    (value layers are left out: they keep DEFLATE 1 whatever the class level);
# 2. class_codecs.py re-encodes the same class layers (and the land-cover maps) with GDAL's COG
#    driver as the tool publishes them, repeated until each codec takes >= ~1 CPU-s: CPU per encode.
# usage: Scripts/bench/class_codecs.sh        (BIN: release binaries, OUT: bench-out, as lib.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${OUT:=bench-out}" "${BIN:=.build/release}" "${PY:=/usr/bin/python3}" "${REAL:=/work/shared/data/real}"
K="$BIN/kubuqi-monitor"
W="$OUT/class-codecs"; rm -rf "$W"; mkdir -p "$W"
CODECS=("--co ZLEVEL=6" "" "--co ZLEVEL=1" "--co COMPRESS=ZSTD --co ZSTD_LEVEL=1" "--co COMPRESS=ZSTD --co ZSTD_LEVEL=9")
NAMES=("DEFLATE 6" "DEFLATE 4 (default)" "DEFLATE 1" "ZSTD 1" "ZSTD 9")

# constant NAME GRID_FILE YEARS VALUE: a Float32 stack on GRID_FILE's grid, one band per year.
constant() {
  $PY - "$@" <<'PY'
import sys
from osgeo import gdal
out, like, years, value = sys.argv[1], sys.argv[2], sys.argv[3].split(","), float(sys.argv[4])
g = gdal.Open(like)
ds = gdal.GetDriverByName("GTiff").Create(out, g.RasterXSize, g.RasterYSize, len(years), gdal.GDT_Float32)
ds.SetGeoTransform(g.GetGeoTransform()); ds.SetProjection(g.GetProjection())
for k, y in enumerate(years):
    b = ds.GetRasterBand(k + 1); b.SetDescription(y); b.Fill(value)
PY
}
# ldnconfig DIR STACK SCALE MAPS BASELINE REPORTING
ldnconfig() {
  printf '[productivity]\nstack = "%s"\nscale = %s\n[landcover]\nmaps = %s\n[soc]\nbaseline = "soc.tif"\n[periods]\nbaseline = %s\nreporting = %s\n' \
    "$2" "$3" "$4" "$5" "$6" >"$1/ldn.toml"
}
D04="$REAL/04_modis_ndvi_multiyear_timeseries"; D07="$REAL/07_landcover_multi_year"
# ldn on the MODIS series: Somalia (5 x 5, read as is), central Chile and the Atacama (8 x 8, stacked to years).
d="$W/ldn-somalia"; mkdir -p "$d"; S="$D04/bfast_modisraster_somalia_MOD13C1_NDVI_2000_2012.tif"
constant "$d/lc.tif" "$S" 2000 130; constant "$d/soc.tif" "$S" 2000 30
ldnconfig "$d" "$S" 1e-4 '{ 2000 = "lc.tif" }' '[2001, 2006]' '[[2007, 2011]]'
for n in MegaDrought Bdesert; do
  d="$W/ldn-$n"; mkdir -p "$d"; S="$D04/npphen_${n}_MOD13Q1_NDVI_2000_2021.tif"
  "$K" stack "$S" --quiet -o "$d/ndvi.tif" >/dev/null 2>>"$W/log"
  constant "$d/lc.tif" "$S" 2001 130; constant "$d/soc.tif" "$S" 2001 30
  ldnconfig "$d" ndvi.tif 1e-4 '{ 2001 = "lc.tif" }' '[2001, 2012]' '[[2013, 2016], [2017, 2020]]'
done
# ldn on the ESA CCI land-cover pair (the productivity a constant stack, SOC constant).
d="$W/ldn-esacci"; mkdir -p "$d"; L="$D07/ConR_land_cover_ex_ESACCI_LC_1km_2layers.tif"
constant "$d/ndvi.tif" "$L" "$(seq -s, 1992 2015)" 0.5; constant "$d/soc.tif" "$L" 1992 30
ldnconfig "$d" ndvi.tif 1 "{ 1992 = \"$L:1\", 2015 = \"$L:2\" }" '[1992, 2005]' '[[2006, 2015]]'
# change on the two real Landsat pairs (NDVI from DN; the classes are what is measured).
L5="$REAL/05_landsat_two_date_r-cran-satellite"
"$K" index ndvi --red "$L5/LT05/LT05_L1TP_167055_20000309_20161214_01_T1_B3.TIF" --nir "$L5/LT05/LT05_L1TP_167055_20000309_20161214_01_T1_B4.TIF" -o "$W/bale2000.tif" >/dev/null 2>>"$W/log"
"$K" index ndvi --red "$L5/LT5/LT51670552010352MLK00_B3.tif" --nir "$L5/LT5/LT51670552010352MLK00_B4.tif" -o "$W/bale2010.tif" >/dev/null 2>>"$W/log"
M="$L5/marburg_L8_2013_L7_2001"
"$K" index ndvi --red "$M/LE07_L1TP_195025_20010730_20170204_01_T1_B3.TIF" --nir "$M/LE07_L1TP_195025_20010730_20170204_01_T1_B4.TIF" -o "$W/marburg2001.tif" >/dev/null 2>>"$W/log"
"$K" index ndvi --red "$M/LC08_L1TP_195025_20130707_20170503_01_T1_B4.TIF" --nir "$M/LC08_L1TP_195025_20130707_20170503_01_T1_B5.TIF" -o "$W/marburg2013.tif" >/dev/null 2>>"$W/log"

echo "Class layers' compression on real class maps; $(date -u '+%F %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg); $K"
echo
echo "1. The commands' own class layers, written with each --co (bytes of the class layers only):"
echo
echo "| data set | class layers | $(IFS='|'; echo "${NAMES[*]}" | sed 's/|/ | /g') | DEFLATE 4 vs 6 |"
echo "|---|---|---|---|---|---|---|---|"
groups=()
run() {  # run NAME CLASSGLOB COMMAND...: the command with each codec into $W/NAME-k; bytes of CLASSGLOB
  local name=$1 glob=$2; shift 2
  local row="" b6=0 b4=0 n=0
  for k in 0 1 2 3 4; do
    rm -rf "$W/$name-$k"
    # shellcheck disable=SC2086
    "$@" ${CODECS[$k]} -o "$W/$name-$k" >/dev/null 2>>"$W/log"
    local files; files=$(cd "$W/$name-$k" && ls $glob)
    n=$(echo "$files" | wc -l)
    local bytes; bytes=$(cd "$W/$name-$k" && cat $files | wc -c)
    row="$row | $(printf "%'d" "$bytes")"
    [ "$k" = 0 ] && b6=$bytes; [ "$k" = 1 ] && b4=$bytes
  done
  echo "| $name | $n$row | $(awk -v a="$b4" -v b="$b6" 'BEGIN{printf "%+.1f %%", 100*(a/b-1)}') |"
  groups+=("$name=$(cd "$W/$name-0" && ls $glob | sed "s|^|$W/$name-0/|" | paste -sd,)")
}
for n in somalia MegaDrought Bdesert esacci; do
  run "ldn-$n" "*/*.tif" "$K" ldn --quiet --no-patches --config "$W/ldn-$n/ldn.toml"
done
run change-bale change-class.tif "$K" change --before "$W/bale2000.tif" --after "$W/bale2010.tif" --no-patches --quiet
run change-marburg change-class.tif "$K" change --before "$W/marburg2001.tif" --after "$W/marburg2013.tif" --no-patches --quiet
echo
echo "2. CPU per encode of the same class layers, and of the real land-cover maps as Int16 class layers (class_codecs.py):"
echo
N="$REAL/06_landsat8_zion_semiarid_20150818_with_nlcd"
$PY Scripts/bench/class_codecs.py "${groups[@]}" \
  "nlcd2011 (1073 x 1359, NLCD codes)=$N/nlcd2011.tif" "nlcd (8 classes)=$N/nlcd.tif" \
  "ESA CCI LC (2 x 240 x 120)=$D07/ConR_land_cover_ex_ESACCI_LC_1km_2layers.tif" \
  "CGLS LC100 (5 x 481 x 124)=$(ls "$D07"/W080N20_LC100_*.tif | paste -sd,)"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
