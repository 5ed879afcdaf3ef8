#!/usr/bin/env bash
# Benchmarks `kubuqi-monitor warn` on an enlarged copy of the fixtures' monthly series (nearest-neighbour,
# FACTOR x FACTOR times the 64 x 64 x 138 months; the planted patches grow with it) against, interleaved
# run by run (lib.sh, medians):
#   - warn_numpy.py: vectorised NumPy computing the same 8 layers (VCI, z-score, percent of median,
#     percentile rank, alert level, persistence over 12 months, value, baseline median), checked
#     against warn's layers before timing; no hotspots, zones, bulletin or true areas;
#   - the floor (floor.py): decoding the series once and encoding warn's 8 layers once, measured.
# Then `perf stat` instructions of one warn run (when perf may count).
# Usage: Scripts/bench/warn.sh [RUNS] [FACTOR]   (defaults 3 and 16: 1024 x 1024 x 138). Not part of the tests.
source "$(dirname "$0")/lib.sh"  # strict mode, the repository's root, OUT/BIN/PY
RUNS=${1:-3}; FACTOR=${2:-16}
bench_build
size=$((64 * FACTOR))
series="$OUT/warn-series-$size.tif"
if [[ ! -f "$series" ]]; then
  # Nearest-neighbour enlargement keeps the band dates and the planted patches (then 120 x FACTOR^2 pixels).
  gdal_translate -q -of GTiff -r nearest -outsize "$size" "$size" -co TILED=YES -co COMPRESS=DEFLATE -co INTERLEAVE=BAND \
    Fixtures/warn/ndvi_monthly_2010_2021.tif "$series.part"
  mv "$series.part" "$series"
fi
bench_folders warn
WARN="$BIN/kubuqi-monitor warn $series --baseline 2010-2019 --mmu 5ha -o $work/k -q"
$WARN >/dev/null
mkdir -p "$work/n"
$PY Scripts/bench/warn_numpy.py "$series" 2010-2019 "$work/n" --check "$work/k"
layers=(alert-level vci zscore pct-median pct-rank persistence value baseline-median)
COS="TILED=YES BLOCKXSIZE=256 BLOCKYSIZE=256 COMPRESS=DEFLATE NUM_THREADS=ALL_CPUS BIGTIFF=IF_SAFER"
enc=()
for l in "${layers[@]}"; do gdal_translate -q -of ENVI "$work/k/$l.tif" "$raw/$l.bin"; enc+=(--encode "$raw/$l.bin" "$work/f-$l.tif" "'$COS'"); done
contender "kubuqi-monitor warn (8 layers, hotspots, bulletin, STAC)" "$WARN"
contender "warn_numpy.py (the 8 layers only)" "$PY Scripts/bench/warn_numpy.py $series 2010-2019 $work/n"
contender "floor (decode the series once, encode the 8 layers once)" "$PY Scripts/bench/floor.py --decode $series ${enc[*]}"
{
  echo "warn: ${size} x ${size} x 138 months, baseline 2010-2019, latest month; $RUNS interleaved runs; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  run_interleaved "$RUNS" "rm -rf $work/k $work/f-*.tif $work/n/*.tif"
  echo
  count() { local v; v=$(grep instructions "$work/perf" | cut -d, -f1); [[ $v =~ ^[0-9]+$ ]] && echo "$v user-space instructions" || echo "no hardware counters here ($v)"; }
  rm -rf "$work/k"
  perf stat -x, -e instructions:u -o "$work/perf" $WARN >/dev/null 2>&1 && echo "perf stat, one warn run: $(count)" || echo "perf stat: not permitted here"
  rm -rf "$work/n"; mkdir -p "$work/n"
  perf stat -x, -e instructions:u -o "$work/perf" $PY Scripts/bench/warn_numpy.py "$series" 2010-2019 "$work/n" >/dev/null 2>&1 \
    && echo "perf stat, one warn_numpy.py run: $(count)" || true
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/warn-results.md"
