#!/usr/bin/env bash
# The tail of `kubuqi-monitor ldn` (after the last period's SDG line: COG copies, patch GeoPackages, report,
# STAC) for this build against other builds (e.g. main's), with and without patches, interleaved run by run
# through ldn_tail.py; medians of the whole run's wall and CPU seconds, the periods' CPU seconds (at the last
# SDG line), the tail's wall seconds and share, and the peak RSS (max). Then checks that every build wrote the
# same outputs as the first: the layers and tables byte for byte (cmp), the patch GeoPackages feature by
# feature (ogrinfo -al dumps; their SQLite pages, so the SDG Items' checksums of them, differ between runs).
# Usage: Scripts/bench/ldn_tail_ab.sh [RUNS] [SIZE] [OTHER_KUBUQI_BINARY...]  (defaults 3, 2000). Not a test.
# LDN_VARIANTS=no-patches runs only `--no-patches` (default: "no-patches patches", both).
# Reads bench-out/ldn-SIZE (kubuqi-bench make-ldn SIZE), or $LDN_INPUT when set (a folder with ldn.toml).
# LDN_SAME=content compares the outputs by content (cog_same.py: every raster's pixels at every level and gdalinfo,
# the STAC Items but their checksums and sizes, every other file byte for byte) instead of byte for byte.
source "$(dirname "$0")/lib.sh"  # strict mode, the repository's root, OUT/BIN/PY
RUNS=${1:-3}; SIZE=${2:-2000}; shift 2 || shift $# || true
OTHERS=("$@")
[[ -x "$BIN/kubuqi-monitor" ]] || bench_build
in=${LDN_INPUT:-$OUT/ldn-$SIZE}
[[ -f "$in/ldn.toml" ]] || "$BIN/kubuqi-bench" make-ldn "$SIZE" "$in"
work=$(mktemp -d "$PWD/$OUT/ldn-tail-ab.XXXXXX"); trap 'rm -rf "$work"' EXIT
bins=("$BIN/kubuqi-monitor" "${OTHERS[@]}")
log="$work/log"
echo "ldn tail A/B: ${SIZE} x ${SIZE}, $RUNS interleaved rounds; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < RUNS; r++)); do
  for i in "${!bins[@]}"; do
    for variant in ${LDN_VARIANTS:-no-patches patches}; do
      flag=$([[ $variant == no-patches ]] && echo --no-patches || true)
      o="$work/o-$i${flag:+-n}"; rm -rf "$o"
      $PY Scripts/bench/ldn_tail.py "${bins[$i]}" ldn --quiet $flag --config "$in/ldn.toml" -o "$o" >"$work/t" \
        || { echo "ldn_tail_ab: ${bins[$i]} $flag failed" >&2; exit 1; }
      echo "$i ${flag:-patches} $(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /) $(tr '\n' ' ' <"$work/t")" >>"$log"
    done
  done
done
$PY - "$log" "${bins[@]}" <<'PY'
import re, statistics, sys
log, bins = sys.argv[1], sys.argv[2:]
rows = {}
for line in open(log):
    i, flag, load, text = line.split(" ", 3)
    run = re.search(r"whole run: ([\d.]+) CPU-s .*?, ([\d.]+) s wall, peak RSS (\d+) MB", text)
    tail = re.search(r"tail after the last period: ([\d.]+) CPU-s .*?, ([\d.]+) s wall \(([\d.]+) %", text)
    rows.setdefault((int(i), flag), []).append((float(run[2]), float(run[1]), float(run[1]) - float(tail[1]),
                                                 float(tail[2]), float(tail[3]), int(run[3]), load))
print("| build | run | wall s | CPU s | periods CPU s | tail wall s | tail % of wall | peak RSS MB | load (1/5/15 min) per round |")
print("|---|---|---|---|---|---|---|---|---|")
for (i, flag), r in sorted(rows.items()):
    m = lambda k: statistics.median(x[k] for x in r)
    print(f"| {bins[i]} | {flag} | {m(0):.2f} | {m(1):.2f} | {m(2):.2f} | {m(3):.2f} | {m(4):.1f} | {max(x[5] for x in r)} | {', '.join(x[6] for x in r)} |")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Same outputs as the first build's.
for i in "${!bins[@]}"; do
  [[ $i -eq 0 ]] && continue
  for variant in ${LDN_VARIANTS:-no-patches patches}; do
    flag=$([[ $variant == no-patches ]] && printf %s -n || true)
    a="$work/o-0$flag" b="$work/o-$i$flag" bad=0
    if [[ "${LDN_SAME:-bytes}" == content ]]; then   # COGs laid out differently (cogwriter): pixels at every level, gdalinfo, Items but checksums
      echo "outputs of ${bins[$i]} ${flag:+(--no-patches) }against ${bins[0]}, by content: $($PY Scripts/bench/cog_same.py "$a" "$b" | tail -n1)"
      continue
    fi
    while IFS= read -r f; do
      case "$f" in
        *.gpkg) diff -q <(ogrinfo -ro -al "$a/$f" | grep -v "^INFO: Open") <(ogrinfo -ro -al "$b/$f" | grep -v "^INFO: Open") >/dev/null || { echo "differs: $f"; bad=1; } ;;
        */sdg-15-3-1.item.json) [[ -n "$flag" ]] && { cmp -s "$a/$f" "$b/$f" || { echo "differs: $f"; bad=1; }; } ;;   # with patches its GeoPackage's checksum and size differ with the SQLite pages
        *.kubuqi.lock) ;;
        *) cmp -s "$a/$f" "$b/$f" || { echo "differs: $f"; bad=1; } ;;
      esac
    done < <(cd "$a" && find . -type f | sort)
    [[ "$(cd "$a" && find . -type f | sort)" == "$(cd "$b" && find . -type f | sort)" ]] || { echo "different file lists"; bad=1; }
    echo "outputs of ${bins[$i]} ${flag:+(--no-patches) }against ${bins[0]}: $([[ $bad -eq 0 ]] && echo identical || echo DIFFERENT)"
  done
done
