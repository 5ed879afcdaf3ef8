#!/usr/bin/env bash
# Peak memory and CPU of `kubuqi-monitor stack` as the number of dates grows, for two builds (e.g. before and
# after a change) and the decoding floor (floor.py --pool), interleaved run by run (Scripts/bench/lib.sh: medians of wall and CPU, max peak RSS),
# on `kubuqi-bench make-series SIZE PER_YEAR YEARS` inputs; the two builds' outputs (stack, counts)
# must be byte-identical, or with STACK_SAME=content the same content (Scripts/bench/cog_same.py: pixels of every
# band at every level, gdalinfo -json), for builds whose COGs are laid out by different writers, or with STACK_SAME=exact
# the same counts and AFTER's means the float32 nearest the exact means (Scripts/bench/stack_exact.py; Int16 inputs, mean). Not part of the tests; figures in docs/benchmarks.md, "Stack (issue 16)".
# Usage: Scripts/bench/stack_memory.sh BEFORE_BIN AFTER_BIN [RUNS] [SIZE] [PER_YEAR...]
#        (BIN: a folder holding kubuqi-monitor; kubuqi-bench is taken from AFTER_BIN; defaults 2, 1000, 23 92; YEARS=10)
set -euo pipefail
cd "$(dirname "$0")/../.."
BEFORE=$1; AFTER=$2; RUNS=${3:-2}; SIZE=${4:-1000}; shift 4 || shift $# || true
PER_YEAR=("${@:-23}"); [[ $# -gt 0 ]] || PER_YEAR=(23 92)
YEARS=${YEARS:-10}; OUT=bench-out
source Scripts/bench/lib.sh
mkdir -p "$OUT"; work=$(mktemp -d "$PWD/$OUT/stackmem-work.XXXXXX"); trap 'rm -rf "$work"' EXIT
for p in "${PER_YEAR[@]}"; do
  in="$OUT/series-$SIZE-$p-$YEARS"; n=$((p * YEARS))
  if [[ $(ls "$in"/ndvi_*.tif 2>/dev/null | wc -l) -ne $n ]]; then rm -rf "$in"; "$AFTER/kubuqi-bench" make-series "$SIZE" "$p" "$YEARS" "$in"; fi
  for b in before after; do
    bin=$BEFORE; [[ $b == after ]] && bin=$AFTER
    mkdir -p "$work/$b"; "$bin/kubuqi-monitor" stack "$in" --min-coverage 0 -q -o "$work/$b/k.tif" >/dev/null
  done
  if [[ ${STACK_SAME:-bytes} == exact ]]; then
    # Builds whose means differ in the last bit (AFTER's exact integer sums, docs/stack.md "Sixteen-bit inputs"): the same
    # counts, and AFTER's means each the float32 nearest the exact mean (Scripts/bench/stack_exact.py, BEFORE's for comparison).
    cmp "$work/before/k.count.tif" "$work/after/k.count.tif" || { echo "stack_memory.sh: the two builds' counts differ ($n files)" >&2; exit 1; }
    /usr/bin/python3 Scripts/bench/stack_exact.py "$in" "$work/after/k.tif" "$work/before/k.tif" | tee "$work/exact.txt"
    grep -q "after/k.tif: 0 differ" "$work/exact.txt" || { echo "stack_memory.sh: AFTER's means are not the nearest float32 ($n files)" >&2; exit 1; }
  elif [[ ${STACK_SAME:-bytes} == content ]]; then
    # COGs laid out by another writer: the same content (every band's pixels at every level, gdalinfo -json) by cog_same.py.
    mkdir -p "$work/same/before" "$work/same/after"
    for b in before after; do for f in k.tif k.count.tif; do ln -f "$work/$b/$f" "$work/same/$b/$f"; done; done
    "${PYTHON:-.venv-test/bin/python}" Scripts/bench/cog_same.py "$work/same/before" "$work/same/after" \
      || { echo "stack_memory.sh: the two builds' outputs differ in content ($n files)" >&2; exit 1; }
    rm -rf "$work/same"
  else
    cmp "$work/before/k.tif" "$work/after/k.tif" && cmp "$work/before/k.count.tif" "$work/after/k.count.tif" \
      || { echo "stack_memory.sh: the two builds' outputs differ ($n files)" >&2; exit 1; }
  fi
  BENCH_NAMES=(); BENCH_CMDS=()
  contender "stack, before ($BEFORE)" "$BEFORE/kubuqi-monitor stack $in --min-coverage 0 -q -o $work/before/k.tif"
  contender "stack, after ($AFTER)" "$AFTER/kubuqi-monitor stack $in --min-coverage 0 -q -o $work/after/k.tif"
  files=(); for f in "$in"/ndvi_*.tif; do files+=(--decode "$f"); done
  contender "floor (decode every file once, all cores)" "/usr/bin/python3 Scripts/bench/floor.py --pool ${files[*]}"
  {
    echo
    echo "stack memory: $n files ($p dates a year x $YEARS years) of $SIZE x $SIZE, outputs ${STACK_SAME:-bytes}-identical; $RUNS interleaved runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    run_interleaved "$RUNS" "rm -f $work/before/k.* $work/after/k.*"
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee -a "$OUT/stack-memory-results.md"
done
