#!/usr/bin/env bash
# Benchmarks `kubuqi-monitor ldn` on the inputs of `kubuqi-bench make-ldn SIZE` (25-year Int16 NDVI
# stack, land cover 2000/2024, SOC; baseline 2000-2013, reporting 2014-2018 and 2019-2024 with
# Trends.Earth's 16-year windows 2000-2013, 2003-2018, 2009-2024) against, interleaved run by run:
#   - ldn_trend_numpy.py: vectorised NumPy computing only the Theil-Sen + Mann-Kendall trajectories
#     of the three windows (the goal: ldn at least 4x faster while doing all of the indicator);
#   - the floor: decoding every input once and encoding the written class layers once with the
#     same creation options (floor.py), measured.
# Then the peak RSS at each SIZE given (flat from 2000 to 8000 is the goal) and the class layers'
# compression (DEFLATE levels 1 and 6, ZSTD) in time and bytes.
# Usage: Scripts/bench/ldn.sh [RUNS] [SIZE...]    (defaults 3 and 2000 4000). Not part of the tests.
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
COS="TILED=YES BLOCKXSIZE=256 BLOCKYSIZE=256 COMPRESS=DEFLATE NUM_THREADS=ALL_CPUS BIGTIFF=IF_SAFER PREDICTOR=2"
enc=(); i=0
for f in "$work"/k/*/*.tif; do gdal_translate -q -of ENVI "$f" "$raw/$i.bin"; enc+=(--encode "$raw/$i.bin" "$work/f-$i.tif" "'$COS'"); i=$((i + 1)); done
contender "kubuqi-monitor ldn ($i class layers)" "$BIN/kubuqi-monitor ldn --quiet --config $in/ldn.toml -o $work/k"
contender "ldn_trend_numpy.py (trajectories only)" "$PY Scripts/bench/ldn_trend_numpy.py $in/stack.tif 2000 2000-2013 2003-2018 2009-2024"
contender "floor (decode inputs once, encode the layers once)" "$PY Scripts/bench/floor.py --decode $in/stack.tif --decode $in/lc2000.tif --decode $in/lc2024.tif --decode $in/soc.tif ${enc[*]}"
{
  echo "ldn: ${S} x ${S} x 25 years; $RUNS interleaved runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  run_interleaved "$RUNS" "rm -rf $work/k $work/f-*.tif"
  echo
  echo "Peak RSS by size (one run each):"
  for s in "${SIZES[@]}"; do
    rm -rf "$work/r"
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$BIN/kubuqi-monitor" ldn --quiet --config "$OUT/ldn-$s/ldn.toml" -o "$work/r" >/dev/null
    read -r wall user sys rss <"$work/t"
    echo "- ${s} x ${s}: ${wall} s wall, $(echo "$user + $sys" | bc) CPU-s, peak RSS $((rss / 1024)) MB"
  done
  echo
  echo "Class layers' compression (the $i layers of the ${S} run re-encoded from raw, one process each):"
  for c in "COMPRESS=DEFLATE ZLEVEL=1" "COMPRESS=DEFLATE ZLEVEL=6" "COMPRESS=ZSTD ZSTD_LEVEL=1" "COMPRESS=ZSTD ZSTD_LEVEL=9"; do
    rm -f "$work"/z-*.tif
    args=(); j=0; for b in "$raw"/*.bin; do args+=(--encode "$b" "$work/z-$j.tif" "TILED=YES BLOCKXSIZE=256 BLOCKYSIZE=256 NUM_THREADS=ALL_CPUS PREDICTOR=2 $c"); j=$((j + 1)); done
    /usr/bin/time -f "%e %U %S" -o "$work/t" $PY Scripts/bench/floor.py "${args[@]}"
    read -r wall user sys <"$work/t"
    echo "- $c: $(echo "$user + $sys" | bc) CPU-s, $(cat "$work"/z-*.tif | wc -c) bytes"
  done
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/ldn-results.md"
