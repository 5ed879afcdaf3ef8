#!/usr/bin/env bash
# Benchmarks `kubuqi-monitor ldn` on the inputs of `kubuqi-bench make-ldn SIZE` (25-year Int16 NDVI
# stack, land cover 2000/2024, SOC; baseline 2000-2013, reporting 2014-2018 and 2019-2024 with
# Trends.Earth's 16-year windows 2000-2013, 2003-2018, 2009-2024) against, interleaved run by run:
#   - ldn_trend_numpy.py: vectorised NumPy computing only the Theil-Sen + Mann-Kendall trajectories
#     of the three windows (the goal: ldn at least 4x faster while doing all of the indicator);
#   - the floor: decoding every input once and encoding the written class layers once with the
#     same creation options (floor.py), measured.
# ldn runs twice per round: as published (with the SDG patch GeoPackages) and with --no-patches.
# Then, at each SIZE given, one run of each through ldn_tail.py: CPU, wall, the memory high-water
# mark at each period's end and the tail after the last period (issue 21's goals: peak RSS under
# 300 MB and flat from 2000 to 8000, tail under 5 %); and the class layers' compression in the COG
# copies (DEFLATE levels 6, 4 (the default) and 1, ZSTD 1 and 9) in CPU time and bytes.
# Usage: Scripts/bench/ldn.sh [RUNS] [SIZE...]    (defaults 3 and 2000 4000). Not part of the tests.
# Unattended: writes bench-out/ldn-results.md; the inputs (make-ldn) are made once and kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}; shift || true
SIZES=("${@:-2000}"); [[ $# -gt 0 ]] || SIZES=(2000 4000)
OUT=bench-out; BIN=.build/release; PY=/usr/bin/python3
source Scripts/bench/lib.sh
bench_build
for s in "${SIZES[@]}"; do [[ -f "$OUT/ldn-$s/ldn.toml" ]] || "$BIN/kubuqi-bench" make-ldn "$s" "$OUT/ldn-$s"; done
work=$(mktemp -d "$PWD/$OUT/ldn-work.XXXXXX"); raw=$(mktemp -d /dev/shm/kubuqi-bench.XXXXXX); trap 'rm -rf "$work" "$raw"' EXIT
S=${SIZES[0]}; in="$OUT/ldn-$S"
"$BIN/kubuqi-monitor" ldn --quiet --config "$in/ldn.toml" -o "$work/k" >/dev/null
COS="TILED=YES BLOCKXSIZE=256 BLOCKYSIZE=256 COMPRESS=DEFLATE ZLEVEL=4 NUM_THREADS=ALL_CPUS BIGTIFF=IF_SAFER PREDICTOR=2"
enc=(); i=0
for f in "$work"/k/*/*.tif; do gdal_translate -q -of ENVI "$f" "$raw/$i.bin"; enc+=(--encode "$raw/$i.bin" "$work/f-$i.tif" "'$COS'"); i=$((i + 1)); done
contender "kubuqi-monitor ldn ($i class layers, SDG patches)" "$BIN/kubuqi-monitor ldn --quiet --config $in/ldn.toml -o $work/k"
contender "kubuqi-monitor ldn --no-patches" "$BIN/kubuqi-monitor ldn --quiet --no-patches --config $in/ldn.toml -o $work/n"
contender "ldn_trend_numpy.py (trajectories only)" "$PY Scripts/bench/ldn_trend_numpy.py $in/stack.tif 2000 2000-2013 2003-2018 2009-2024"
contender "floor (decode inputs once, encode the layers once)" "$PY Scripts/bench/floor.py --decode $in/stack.tif --decode $in/lc2000.tif --decode $in/lc2024.tif --decode $in/soc.tif ${enc[*]}"
{
  echo "ldn: ${S} x ${S} x 25 years; $RUNS interleaved runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  run_interleaved "$RUNS" "rm -rf $work/k $work/n $work/f-*.tif"
  echo
  echo "Tail and memory by size (one run each; ldn_tail.py):"
  for s in "${SIZES[@]}"; do
    for flag in "" "--no-patches"; do
      rm -rf "$work/r"
      echo "- ${s} x ${s} ${flag:-(with patches)}:"
      $PY Scripts/bench/ldn_tail.py "$BIN/kubuqi-monitor" ldn --quiet $flag --config "$OUT/ldn-$s/ldn.toml" -o "$work/r" | sed 's/^/  /'
    done
  done
  echo
  echo "Class layers' compression in the COG copy (the $i layers of the ${S} run re-encoded from raw by GDAL's COG driver, NEAREST overviews):"
  for c in "COMPRESS=DEFLATE LEVEL=6" "COMPRESS=DEFLATE LEVEL=4" "COMPRESS=DEFLATE LEVEL=1" "COMPRESS=ZSTD LEVEL=1" "COMPRESS=ZSTD LEVEL=9"; do
    rm -f "$work"/z-*.tif
    args=(); j=0; for b in "$raw"/*.bin; do args+=(--encode-cog "$b" "$work/z-$j.tif" "BLOCKSIZE=256 PREDICTOR=STANDARD RESAMPLING=NEAREST NUM_THREADS=ALL_CPUS BIGTIFF=IF_SAFER $c"); j=$((j + 1)); done
    /usr/bin/time -f "%e %U %S" -o "$work/t" $PY Scripts/bench/floor.py "${args[@]}" >/dev/null
    read -r wall user sys <"$work/t"
    echo "- $c: $(echo "$user + $sys" | bc) CPU-s, $(cat "$work"/z-*.tif | wc -c) bytes"
  done
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/ldn-results.md"
