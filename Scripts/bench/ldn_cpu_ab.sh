#!/usr/bin/env bash
# `kubuqi-monitor ldn --no-patches` of this build against another build (main's), interleaved run by run
# (Scripts/bench/lib.sh): medians of wall and CPU seconds (user + sys), max peak RSS; then every output file of
# the two builds compared byte for byte (cmp), on the bench input and on the fixtures (`kubuqi-monitor demo`,
# and `ldn` with Fixtures/ldn-climate.toml), `.kubuqi.lock` files (process ids) left out.
# Usage: Scripts/bench/ldn_cpu_ab.sh [RUNS] [SIZE] [OTHER_BINARY]
#        (defaults 3, 2000, /work/mainbin/kubuqi-monitor). Not a test. Reads bench-out/ldn-SIZE, or $LDN_INPUT.
source "$(dirname "$0")/lib.sh"  # strict mode, the repository's root, OUT/BIN/PY
RUNS=${1:-3}; SIZE=${2:-2000}; OTHER=${3:-/work/mainbin/kubuqi-monitor}
[[ -x "$BIN/kubuqi-monitor" ]] || bench_build
in=${LDN_INPUT:-$OUT/ldn-$SIZE}
[[ -f "$in/ldn.toml" ]] || "$BIN/kubuqi-bench" make-ldn "$SIZE" "$in"
work=$(mktemp -d "$PWD/$OUT/ldn-cpu-ab.XXXXXX"); trap 'rm -rf "$work"' EXIT
same() { # DIR_A DIR_B: every file byte for byte, the same file list
  local a=$1 b=$2 n=0 f
  diff <(cd "$a" && find . -type f ! -name '*.kubuqi.lock' | sort) <(cd "$b" && find . -type f ! -name '*.kubuqi.lock' | sort) \
    || { echo "different file lists: $a $b"; return 1; }
  while IFS= read -r f; do cmp -s "$a/$f" "$b/$f" || { echo "differs: $f"; return 1; }; n=$((n + 1)); done \
    < <(cd "$a" && find . -type f ! -name '*.kubuqi.lock' | sort)
  echo "$n files byte-identical"
}
contender "other build ($OTHER)" "$OTHER ldn --quiet --no-patches --config $in/ldn.toml -o $work/a"
contender "this build ($BIN/kubuqi-monitor)" "$BIN/kubuqi-monitor ldn --quiet --no-patches --config $in/ldn.toml -o $work/b"
echo "ldn --no-patches A/B: ${SIZE} x ${SIZE}, $RUNS interleaved rounds; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_interleaved "$RUNS" "rm -rf $work/a $work/b"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# One more run of each (the rounds above clear both folders before each run) for the byte comparison.
rm -rf "$work/a" "$work/b"
"$OTHER" ldn --quiet --no-patches --config "$in/ldn.toml" -o "$work/a" >/dev/null 2>&1
"$BIN/kubuqi-monitor" ldn --quiet --no-patches --config "$in/ldn.toml" -o "$work/b" >/dev/null 2>&1
echo "bench outputs: $(same "$work/a" "$work/b")"
for b in a b; do
  bin=$OTHER; [[ $b == b ]] && bin=$BIN/kubuqi-monitor
  "$bin" demo --fixtures Fixtures -o "$work/demo-$b" --quiet >/dev/null
  "$bin" ldn --quiet --config Fixtures/ldn-climate.toml -o "$work/climate-$b" >/dev/null 2>&1
done
echo "fixtures demo: $(same "$work/demo-a" "$work/demo-b")"
echo "fixtures ldn-climate: $(same "$work/climate-a" "$work/climate-b")"
