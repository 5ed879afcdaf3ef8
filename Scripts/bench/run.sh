#!/usr/bin/env bash
# Benchmarks `kubuqi-monitor index ndvi` on a Sentinel-2-tile-sized pair (10980 x 10980 UInt16)
# against gdal_calc.py, Orfeo ToolBox (otbcli_RadiometricIndices) and a GDAL read+write floor, all
# writing Float32, tiled 256x256, DEFLATE, PREDICTOR=3, NUM_THREADS=ALL_CPUS at DEFLATE levels 6
# and 1; the memory of a run
# on twice the tile's area; the NDVI kernel alone; the LDN trajectory against NumPy.
# Not part of the tests.
#
# Usage: Scripts/bench/run.sh [RUNS] [SIZE]     (defaults 3 and 10980)
# Output: a Markdown table on stdout and in bench-out/results.md; inputs are kept in bench-out/.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
SIZE=${2:-10980}
OUT=bench-out
mkdir -p "$OUT"
Scripts/setup.sh --bench
command -v otbcli_RadiometricIndices >/dev/null || apt-get install -y -qq --no-install-recommends otb-bin libotb-apps >/dev/null
swift build -c release --product kubuqi-monitor >/dev/null
swift build -c release --product kubuqi-bench >/dev/null
BIN=.build/release

pair="$OUT/pair-$SIZE"
if [[ ! -f "$pair/nir.tif" ]]; then
  echo "bench: generating $pair (deterministic)" >&2
  "$BIN/kubuqi-bench" make-pair "$SIZE" "$pair"
fi

CO=(--co TILED=YES --co BLOCKXSIZE=256 --co BLOCKYSIZE=256 --co COMPRESS=DEFLATE --co PREDICTOR=3 --co NUM_THREADS=ALL_CPUS --co BIGTIFF=IF_SAFER)
GDAL_CO=(-co TILED=YES -co BLOCKXSIZE=256 -co BLOCKYSIZE=256 -co COMPRESS=DEFLATE -co PREDICTOR=3 -co NUM_THREADS=ALL_CPUS -co BIGTIFF=IF_SAFER)

# The floor: GDAL itself reads both bands and writes one Float32 band (a VRT whose derived
# band sums them with GDAL's built-in C++ pixel function), with the same creation options.
cat > "$pair/floor.vrt" <<VRT
<VRTDataset rasterXSize="$SIZE" rasterYSize="$SIZE">
  <VRTRasterBand dataType="Float32" band="1" subClass="VRTDerivedRasterBand">
    <PixelFunctionType>sum</PixelFunctionType>
    <SimpleSource><SourceFilename relativeToVRT="1">red.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
    <SimpleSource><SourceFilename relativeToVRT="1">nir.tif</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
  </VRTRasterBand>
</VRTDataset>
VRT

measure() { # name, command...
  local name=$1; shift
  local walls=() cpus=() rss=()
  for ((i = 0; i < RUNS; i++)); do
    rm -f "$OUT"/out-*.tif
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt" || { cat "$OUT/stderr.txt" >&2; exit 1; }
    read -r wall user sys maxkb <"$OUT/time.txt"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc)"); rss+=("$maxkb")
  done
  local mw mc mr
  mw=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
  mc=$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
  mr=$(printf '%s\n' "${rss[@]}" | sort -g | tail -n1)
  printf '| %s | %s | %s | %.2f | %d |\n' "$name" "$mw" "$mc" "$(echo "$mc / $mw" | bc -l)" "$((mr / 1024))"
}

{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "Versions: kubuqi-monitor $("$BIN/kubuqi-monitor" --version), GDAL $(gdal-config --version), $(swift --version 2>/dev/null | head -n1)"
  echo "Input: ${SIZE} x ${SIZE} UInt16 red + NIR, tiled 512, DEFLATE ($(du -sh "$pair" | cut -f1) on disk); $RUNS runs, median wall and CPU, max peak RSS"
  echo
  # The same output options for every contender, at GDAL's default DEFLATE level (6) and at
  # level 1 (kubuqi-monitor's default for index values: see docs/benchmarks.md).
  gdalbuildvrt -q -overwrite -separate "$pair/rn.vrt" "$pair/red.tif" "$pair/nir.tif"
  for level in 6 1; do
    echo "DEFLATE level $level (ZLEVEL=$level for every contender)"
    echo
    echo "| contender | wall s | CPU s | CPU/wall | peak RSS MB |"
    echo "|---|---|---|---|---|"
    measure "kubuqi-monitor index ndvi" "$BIN/kubuqi-monitor" index ndvi --quiet --red "$pair/red.tif" --nir "$pair/nir.tif" -o "$OUT/out-k.tif" "${CO[@]}" --co ZLEVEL=$level
    measure "kubuqi-monitor index ndvi --ot Int16" "$BIN/kubuqi-monitor" index ndvi --quiet --ot Int16 --red "$pair/red.tif" --nir "$pair/nir.tif" -o "$OUT/out-k16.tif" --co PREDICTOR=2 --co ZLEVEL=$level
    measure "gdal_calc.py" gdal_calc.py --quiet -A "$pair/red.tif" -B "$pair/nir.tif" --outfile="$OUT/out-g.tif" --type=Float32 --NoDataValue=0 \
        --calc="(B.astype(numpy.float32)-A)/(B.astype(numpy.float32)+A)" "${CO[@]}" --co ZLEVEL=$level
    measure "otbcli_RadiometricIndices (OTB $(dpkg-query -W -f='${Version}' otb-bin | cut -d+ -f1))" otbcli_RadiometricIndices -in "$pair/rn.vrt" \
        -channels.red 1 -channels.nir 2 -list Vegetation:NDVI \
        -out "$OUT/out-o.tif?&gdal:co:TILED=YES&gdal:co:BLOCKXSIZE=256&gdal:co:BLOCKYSIZE=256&gdal:co:COMPRESS=DEFLATE&gdal:co:PREDICTOR=3&gdal:co:ZLEVEL=$level&gdal:co:NUM_THREADS=ALL_CPUS&gdal:co:BIGTIFF=IF_SAFER" float
    measure "GDAL floor (gdal_translate, VRT sum)" env GDAL_NUM_THREADS=ALL_CPUS gdal_translate -q "$pair/floor.vrt" "$OUT/out-f.tif" "${GDAL_CO[@]}" -co ZLEVEL=$level
    echo
  done
  # Memory must not grow with the scene: twice the tile's area (15528 x 15528).
  big="$OUT/pair-15528"
  [[ -f "$big/nir.tif" ]] || "$BIN/kubuqi-bench" make-pair 15528 "$big" >/dev/null
  /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$BIN/kubuqi-monitor" index ndvi --quiet --red "$big/red.tif" --nir "$big/nir.tif" -o "$OUT/out-big.tif" "${CO[@]}" --co ZLEVEL=6 >/dev/null
  read -r wall maxkb <"$OUT/time.txt"
  echo "Twice the area (15528 x 15528): kubuqi-monitor index ndvi ${wall} s, peak RSS $((maxkb / 1024)) MB"
  rm -f "$OUT/out-big.tif"
  echo
  "$BIN/kubuqi-bench" kernel 3
  # LDN trajectory: Theil-Sen + Mann-Kendall on a 25-year 2000 x 2000 stack, against NumPy.
  [[ -f "$OUT/stack-2000.tif" ]] || "$BIN/kubuqi-bench" make-stack 2000 "$OUT/stack-2000.tif"
  "$BIN/kubuqi-bench" trend "$OUT/stack-2000.tif" "$OUT/trend.f32"
  /usr/bin/python3 Scripts/bench/trend_numpy.py "$OUT/stack-2000.tif" "$OUT/trend.f32"
  echo
  echo "Load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/results.md"
