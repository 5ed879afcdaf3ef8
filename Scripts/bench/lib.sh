# Shared by the per-command benchmark scripts (Scripts/bench/change.sh, ldn.sh, ...): interleaved
# runs of several contenders, medians of wall and CPU (user + sys, from /usr/bin/time), max peak RSS.
# Usage (from the repository's root): source Scripts/bench/lib.sh; contender NAME CMD...; ...; run_interleaved RUNS
# Sourcing it (`source "$(dirname "$0")/lib.sh"`) turns on strict mode (set -euo pipefail), moves to
# the repository's root and sets the scripts' common names unless already set (OUT: the results and
# inputs folder, created; BIN: the release binaries; PY: the Python with GDAL's bindings and NumPy).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: "${OUT:=bench-out}" "${BIN:=.build/release}" "${PY:=/usr/bin/python3}"
mkdir -p "$OUT"
# Commands run with `bash -c` (a contender may be a pipeline or a function exported with export -f);
# a failing run stops the benchmark with its stderr (a number from a failed run would be a lie).
BENCH_NAMES=(); BENCH_CMDS=()
contender() { BENCH_NAMES+=("$1"); BENCH_CMDS+=("$2"); }
run_interleaved() { # RUNS [BEFORE_EACH_CMD]
  local runs=$1 before=${2:-true} log i r
  log=$(mktemp)
  for ((r = 0; r < runs; r++)); do
    for i in "${!BENCH_NAMES[@]}"; do
      bash -c "$before" || { echo "bench: setup before '${BENCH_NAMES[$i]}' failed" >&2; exit 1; }
      /usr/bin/time -f "%e %U %S %M" -o "$log.t" bash -c "${BENCH_CMDS[$i]}" >/dev/null 2>"$log.err" \
        || { echo "bench: '${BENCH_NAMES[$i]}' failed:" >&2; cat "$log.err" >&2; exit 1; }
      echo "$i $(tail -n1 "$log.t")" >>"$log"
    done
  done
  echo "| contender | wall s (median) | CPU s (median, user+sys) | CPU/wall | peak RSS MB |"
  echo "|---|---|---|---|---|"
  /usr/bin/python3 - "$log" "${BENCH_NAMES[@]}" <<'PY'
import sys, statistics
log, names = sys.argv[1], sys.argv[2:]
rows = {}
for line in open(log):
    i, wall, user, sys_, rss = line.split()
    rows.setdefault(int(i), []).append((float(wall), float(user) + float(sys_), int(rss)))
for i, name in enumerate(names):
    r = rows[i]
    w = statistics.median(x[0] for x in r); c = statistics.median(x[1] for x in r); m = max(x[2] for x in r)
    print(f"| {name} | {w:.2f} | {c:.2f} | {c / w:.2f} | {m // 1024} |")
PY
  rm -f "$log" "$log.t" "$log.err"
}

# The release binaries built, GDAL's command-line tools and Python bindings installed if missing
# (Scripts/setup.sh --bench). Needs PY set.
bench_build() {
  command -v gdal_translate >/dev/null && $PY -c "import osgeo" 2>/dev/null || Scripts/setup.sh --bench
  swift build -c release --product kubuqi-monitor >/dev/null
  swift build -c release --product kubuqi-bench >/dev/null
}

# The run's scratch folders, removed at exit: `work` under $OUT (outputs of the contenders) and `raw`
# in /dev/shm (raw copies the floor encodes from). NAME names the work folder.
bench_folders() { # NAME
  work=$(mktemp -d "$PWD/$OUT/$1-work.XXXXXX"); raw=$(mktemp -d /dev/shm/kubuqi-bench.XXXXXX)
  trap 'rm -rf "$work" "$raw"' EXIT
}
