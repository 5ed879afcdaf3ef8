#!/usr/bin/env bash
# Benchmarks `kubuqi-monitor stack` (annual means of a folder of single-date files) on the inputs
# of `kubuqi-bench make-series SIZE PER_YEAR YEARS DIR` (Int16 NDVI x 10000, tiled 256 x 256
# DEFLATE, dates in the names, 1 pixel in 16 cloudy), for each PER_YEAR given, against,
# interleaved run by run (Scripts/bench/lib.sh, medians):
#   - stack_numpy.py: a plain NumPy + GDAL window loop (one block row of every file at a time);
#   - stack_xarray.py: xarray's `where(...).groupby("time.year").mean("time")`, strip by strip;
#   - stack_grass.sh: GRASS GIS, r.external + r.series method=average per year + r.out.gdal;
#   - the floor: GDAL decoding every file once on all cores (floor.py --pool), measured.
# Every contender writes the same GeoTIFF (Float32, one band per year; stack also writes its
# counts and manifest), checked equal to stack's before timing. stack runs with --min-coverage 0
# (a plain mean of the valid values, as its peers compute). Then stack's `perf stat` instructions
# and the floor's. Not part of the tests; figures in docs/benchmarks.md, "Stack (issue 16)".
# Usage: Scripts/bench/stack.sh [RUNS] [SIZE] [PER_YEAR...]   (defaults 3, 2000, 23 92; YEARS=10)
# Needs GRASS and xarray: Scripts/bench/setup.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}; SIZE=${2:-2000}; shift 2 || shift $# || true
PER_YEAR=("${@:-23}"); [[ $# -gt 0 ]] || PER_YEAR=(23 92)
YEARS=${YEARS:-10}
OUT=bench-out; BIN=.build/release; PY=/usr/bin/python3
command -v grass >/dev/null || { echo "stack.sh: GRASS GIS is missing; run Scripts/bench/setup.sh (apt-get install grass-core)" >&2; exit 1; }
$PY -c "import xarray, osgeo, numpy" 2>/dev/null || { echo "stack.sh: python3-xarray/gdal/numpy missing; run Scripts/bench/setup.sh" >&2; exit 1; }
source Scripts/bench/lib.sh
# BENCH_NO_BUILD=1: use the release binaries as built (e.g. while the test suite holds SwiftPM's lock).
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  swift build -c release --product kubuqi-monitor >/dev/null
  swift build -c release --product kubuqi-bench >/dev/null
fi
work=$(mktemp -d "$PWD/$OUT/stack-work.XXXXXX"); trap 'rm -rf "$work"' EXIT
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(gdal-config --version 2>/dev/null | sed 's/^/GDAL /')"
for p in "${PER_YEAR[@]}"; do
  in="$OUT/series-$SIZE-$p-$YEARS"
  n=$((p * YEARS))
  if [[ $(ls "$in"/ndvi_*.tif 2>/dev/null | wc -l) -ne $n ]]; then rm -rf "$in"; "$BIN/kubuqi-bench" make-series "$SIZE" "$p" "$YEARS" "$in"; fi
  files=(); for f in "$in"/ndvi_*.tif; do files+=(--decode "$f"); done
  # The peers' outputs equal stack's (NaN where stack has nodata, else within Float32 rounding) before any timing.
  "$BIN/kubuqi-monitor" stack "$in" --min-coverage 0 -q -o "$work/k.tif" >/dev/null
  $PY Scripts/bench/stack_numpy.py "$in" "$work/n.tif"
  $PY Scripts/bench/stack_xarray.py "$in" "$work/x.tif"
  Scripts/bench/stack_grass.sh "$in" "$work/g.tif"
  $PY - "$work/k.tif" "$work/n.tif" "$work/x.tif" "$work/g.tif" <<'PY'
import sys, numpy as np
from osgeo import gdal
ref = gdal.Open(sys.argv[1]).ReadAsArray()
for path in sys.argv[2:]:
    a = gdal.Open(path).ReadAsArray()
    if a.shape != ref.shape: sys.exit(f"stack.sh: {path} is {a.shape}, stack's output {ref.shape}")
    if not np.array_equal(np.isnan(a), np.isnan(ref)): sys.exit(f"stack.sh: {path} has nodata elsewhere than stack's output")
    d = np.nanmax(np.abs(a - ref))
    if d > 2e-5: sys.exit(f"stack.sh: {path} differs from stack's output by up to {d}")
    print(f"  {path.rsplit('/', 1)[1]}: equal to stack's output within {d:.1e}")
PY
  contender "kubuqi-monitor stack (mean per year)" "$BIN/kubuqi-monitor stack $in --min-coverage 0 -q -o $work/k.tif"
  contender "stack_numpy.py (window loop)" "$PY Scripts/bench/stack_numpy.py $in $work/n.tif"
  contender "stack_xarray.py (groupby year mean)" "$PY Scripts/bench/stack_xarray.py $in $work/x.tif"
  contender "GRASS r.series (r.external, average, r.out.gdal)" "Scripts/bench/stack_grass.sh $in $work/g.tif"
  contender "floor (decode every file once, all cores)" "$PY Scripts/bench/floor.py --pool ${files[*]}"
  {
    echo
    echo "stack: $n files ($p dates a year x $YEARS years) of $SIZE x $SIZE; $RUNS interleaved runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    run_interleaved "$RUNS" "rm -f $work/k.* $work/n.tif $work/x.tif $work/g.tif"
    BENCH_NAMES=(); BENCH_CMDS=()
    echo
    for c in "$BIN/kubuqi-monitor stack $in --min-coverage 0 -q -o $work/k.tif" "$PY Scripts/bench/floor.py --pool ${files[*]}"; do
      rm -f "$work"/k.*
      perf stat -x, -e instructions -o "$work/perf" $c >/dev/null 2>&1
      echo "- instructions, $(echo "$c" | cut -c1-60 | sed "s|$PWD/||"): $(grep instructions "$work/perf" | cut -d, -f1)"
    done
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee -a "$OUT/stack-results.md"
done
