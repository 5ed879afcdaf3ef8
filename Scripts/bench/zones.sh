#!/usr/bin/env bash
# Benchmarks `change --zones` against the number of vector zones: K x K touching squares tiling a
# SIZE x SIZE NDVI pair (Scripts/bench/zones_make.py; K = 32, 100, 316: 1,024, 10,000, 99,856 zones),
# interleaved run by run: this build with zones, this build without zones (the pixels' share), a
# reference build with zones (MAIN_BIN, e.g. main's release build; skipped above MAIN_MAX_K, where it
# is quadratic), and the peer: GDAL's rasteriser + a NumPy bincount of (zone, class) on the class
# raster (Scripts/bench/zones_peer.py; the zone step only, no change detection). Outputs of the two
# builds are compared byte for byte (change-stats.json and .csv, change-class.tif).
# Usage: Scripts/bench/zones.sh [RUNS] [SIZE] [K...]   (defaults 3, 2000, 32 100 316). Not part of the tests.
source "$(dirname "$0")/lib.sh"  # strict mode, the repository's root, OUT/BIN/PY
RUNS=${1:-3}; SIZE=${2:-2000}; shift $(( $# < 2 ? $# : 2 )); KS=("${@:-32 100 316}")
KS=(${KS[*]})
: "${MAIN_BIN:=/work/mainbin}" "${MAIN_MAX_K:=100}"
pair="$OUT/ndvi-$SIZE"
[[ -f "$pair/after.tif" ]] || "$BIN/kubuqi-bench" make-ndvi-pair "$SIZE" "$pair"
bench_folders zones
for k in "${KS[@]}"; do
  zones="$OUT/zones-$SIZE-$k.geojson"
  [[ -f "$zones" ]] || $PY Scripts/bench/zones_make.py "$pair/before.tif" "$k" "$zones"
  args="--quiet --no-patches --before $pair/before.tif --after $pair/after.tif"
  "$BIN/kubuqi-monitor" change $args --zones "$zones" --zone-field name -o "$work/ref-$k" >/dev/null 2>&1
  if (( k <= MAIN_MAX_K )); then
    "$MAIN_BIN/kubuqi-monitor" change $args --zones "$zones" --zone-field name -o "$work/main-$k" >/dev/null 2>&1
    for f in change-stats.json change-stats.csv change-class.tif; do
      cmp -s "$work/ref-$k/$f" "$work/main-$k/$f" || { echo "bench: $f differs from main's at K=$k" >&2; exit 1; }
    done
  fi
  BENCH_NAMES=(); BENCH_CMDS=()
  echo "### $((k * k)) zones (K=$k), $SIZE x $SIZE, load $(cut -d' ' -f1-3 /proc/loadavg)"
  contender "this build, zones" "rm -rf $work/a; $BIN/kubuqi-monitor change $args --zones $zones --zone-field name -o $work/a"
  (( k <= MAIN_MAX_K )) && contender "main, zones" "rm -rf $work/b; $MAIN_BIN/kubuqi-monitor change $args --zones $zones --zone-field name -o $work/b"
  contender "this build, no zones" "rm -rf $work/c; $BIN/kubuqi-monitor change $args -o $work/c"
  contender "peer: gdal.Rasterize + bincount" "$PY Scripts/bench/zones_peer.py $work/ref-$k/change-class.tif $zones"
  run_interleaved "$RUNS"
done
