#!/usr/bin/env bash
# The periods of `kubuqi-monitor ldn` (everything up to the last period's SDG line: trajectory, state,
# performance, land cover, SOC, every layer computed, tallied and written) against ldn_trend_numpy.py
# (vectorised NumPy computing only the Theil-Sen + Mann-Kendall trajectories of the same three windows),
# interleaved run by run, on the input of `kubuqi-bench make-ldn SIZE`. ldn is stopped (SIGINT) at its
# third SDG line; its CPU seconds (utime + stime from /proc), wall time and instructions (perf stat) are
# read at that moment, so the tail (patch GeoPackages, COG copies, report: Scripts/bench/ldn.sh) is left out.
# Usage: Scripts/bench/ldn_periods.sh [RUNS] [SIZE] [OTHER_KUBUQI_BINARY...]   (defaults 3, 2000; the
# extra binaries, e.g. a build of main, are measured the same way in the same rounds). Not part of the tests.
source "$(dirname "$0")/lib.sh"  # strict mode, the repository's root, OUT/BIN/PY
RUNS=${1:-3}; SIZE=${2:-2000}; shift 2 || shift $# || true
OTHERS=("$@")
bench_build
in="$OUT/ldn-$SIZE"
[[ -f "$in/ldn.toml" ]] || "$BIN/kubuqi-bench" make-ldn "$SIZE" "$in"
work=$(mktemp -d "$PWD/$OUT/ldn-periods.XXXXXX"); trap 'rm -rf "$work"' EXIT
tck=$(getconf CLK_TCK)

# The instruction count of a `perf stat -x,` file, or n/a (no hardware counters on this virtual machine).
instructions() { awk -F, '/instructions/ { print ($1 ~ /^[0-9]+$/) ? $1 : "n/a" }' "$1"; }

# periods BINARY: one run, prints "wall cpu instructions".
periods() {
  local bin=$1 log="$work/log" stat="$work/stat" pid wrapper start now ut st n
  rm -rf "$work/k"
  start=$(date +%s.%N)
  perf stat -x, -e instructions -o "$stat" -- "$bin" ldn --config "$in/ldn.toml" -o "$work/k" >"$log" 2>&1 &
  wrapper=$!
  pid=
  for _ in $(seq 200); do pid=$(pgrep -P "$wrapper" || true); [[ -n "$pid" ]] && break; sleep 0.05; done
  [[ -n "$pid" ]] || { echo "ldn_periods: ldn did not start" >&2; exit 1; }
  while kill -0 "$pid" 2>/dev/null; do
    n=$(grep -c "SDG 15.3.1" "$log" || true)
    if [[ "$n" -ge 3 ]]; then
      read -r ut st <<<"$(awk '{print $14, $15}' "/proc/$pid/stat")"
      now=$(date +%s.%N)
      kill -INT "$pid"
      break
    fi
    sleep 0.1
  done
  wait "$wrapper" 2>/dev/null || true
  [[ "${n:-0}" -ge 3 ]] || { echo "ldn_periods: ldn ended before its third period:" >&2; tail -5 "$log" >&2; exit 1; }
  echo "$(echo "$now - $start" | bc) $(echo "scale=2; ($ut + $st) / $tck" | bc) $(instructions "$stat")"
}

bins=("$BIN/kubuqi-monitor" "${OTHERS[@]}")
log=$(mktemp)
for ((r = 0; r < RUNS; r++)); do
  for i in "${!bins[@]}"; do echo "ldn $i $(periods "${bins[$i]}")" >>"$log"; done
  /usr/bin/time -f "%e %U %S" -o "$work/t" perf stat -x, -e instructions -o "$work/nstat" \
    $PY Scripts/bench/ldn_trend_numpy.py "$in/stack.tif" 2000 2000-2013 2003-2018 2009-2024 >/dev/null
  read -r wall user sys <"$work/t"
  echo "numpy 0 $wall $(echo "$user + $sys" | bc) $(instructions "$work/nstat")" >>"$log"
done
{
  echo "ldn periods vs ldn_trend_numpy.py: ${SIZE} x ${SIZE} x 25 years, $RUNS interleaved runs; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| contender | wall s (median) | CPU s (median) | instructions (median) |"
  echo "|---|---|---|---|"
  $PY - "$log" "${bins[@]}" <<'PY'
import sys, statistics
log, bins = sys.argv[1], sys.argv[2:]
rows = {}
for line in open(log):
    kind, i, wall, cpu, ins = line.split()
    rows.setdefault((kind, int(i)), []).append((float(wall), float(cpu), None if ins == "n/a" else int(ins)))
for (kind, i), r in sorted(rows.items()):
    name = f"ldn periods ({bins[i]})" if kind == "ldn" else "ldn_trend_numpy.py (trajectories only)"
    med = [statistics.median(x[k] for x in r) for k in range(2)]
    ins = [x[2] for x in r if x[2] is not None]
    print(f"| {name} | {med[0]:.2f} | {med[1]:.2f} | " + (f"{statistics.median(ins) / 1e9:.1f} G" if ins else "n/a (no counters)") + " |")
PY
} | tee "$OUT/ldn-periods-results.md"
rm -f "$log"
