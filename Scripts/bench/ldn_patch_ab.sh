#!/usr/bin/env bash
# ldn with its SDG patch GeoPackages (the default run): main's build against this one, interleaved run
# by run (Scripts/bench/ldn_tail.py: CPU, wall, peak RSS, the tail after the last period), then the
# patch GeoPackages of the last runs compared feature by feature and index entry by entry
# (gpkg_same.py) and every other output file byte for byte (STAC Items of the GeoPackages excepted:
# their checksums and sizes). Usage: Scripts/bench/ldn_patch_ab.sh RUNS SIZE MAIN_BINARY
# (input: $OUT/ldn-SIZE from `kubuqi-bench make-ldn SIZE`, or LDN_INPUT=folder).
source "$(dirname "$0")/lib.sh"
runs=${1:?RUNS} size=${2:?SIZE} main=${3:?MAIN_BINARY}
input=${LDN_INPUT:-$OUT/ldn-$size}
[[ -f $input/ldn.toml ]] || { echo "ldn_patch_ab.sh: no $input/ldn.toml (kubuqi-bench make-ldn $size $input)" >&2; exit 1; }
bench_folders ldn-patch
for ((r = 1; r <= runs; r++)); do
  for build in main this; do
    bin=$main; [[ $build == this ]] && bin=$BIN/kubuqi-monitor
    rm -rf "$work/$build"
    echo "### run $r, $build ($(cut -d' ' -f1-3 /proc/loadavg))"
    $PY Scripts/bench/ldn_tail.py "$bin" ldn --config "$input/ldn.toml" -o "$work/$build" | grep -E "whole run|tail after"
  done
done
echo "### outputs (last runs)"
(cd "$work/main" && find . -type f ! -name .kubuqi.lock | sort) >"$work/files"
status=0
while read -r f; do
  case $f in
    *.gpkg) $PY Scripts/bench/gpkg_same.py "$work/main/$f" "$work/this/$f" | sed "s|^|$f: |" || status=1 ;;
    */sdg-15-3-1.item.json) ;;
    *) cmp -s "$work/main/$f" "$work/this/$f" || { echo "differs: $f"; status=1; } ;;
  esac
done <"$work/files"
echo "$(wc -l <"$work/files") files compared"
exit $status
