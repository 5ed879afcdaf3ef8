#!/usr/bin/env python3
"""CPU samples taken while fewer than CORES of the process's threads were runnable (the process alone leaving
a core idle), from `perf record -e cpu-clock -F 999 -e sched:sched_switch -e sched:sched_waking -g` (perf script
-F comm,tid,time,event,trace,ip,sym,dso on stdin): the serial work, by its innermost frames of ours and by time.
Usage: perf script ... | idle_samples.py [CORES] [BIN]
Not part of the tests; figures in docs/benchmarks.md, "Stack (issue 16)", session 14."""
import re, sys, collections, bisect
cores = int(sys.argv[1]) if len(sys.argv) > 1 else 2
binw = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
head = re.compile(r"^\s*(\S.*?)\s+(\d+)\s+([\d.]+):\s+(?:\d+\s+)?(\S+):\s*(.*)$")
events, cur = [], None
for line in sys.stdin:
    m = head.match(line)
    if m and (m.group(4).startswith("sched:") or m.group(4).startswith("cpu-clock")):
        cur = [float(m.group(3)), int(m.group(2)), m.group(4), m.group(5), []]
        events.append(cur)
    elif cur is not None and line.strip():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            cur[4].append(parts[1].rsplit(" (", 1)[0])
t0, t1 = events[0][0], events[-1][0]
waits, open_wait, last_event, alive = [], {}, {}, {}
for t, tid, ev, trace, frames in events:
    a = alive.get(tid); alive[tid] = (t if a is None else a[0], t)
    if ev.startswith("sched:sched_waking"):
        m = re.search(r"pid=(\d+)", trace); target = int(m.group(1)) if m else None
        if target in open_wait: waits.append((open_wait.pop(target), t, target))
    if tid in open_wait: waits.append((open_wait.pop(tid), t, tid))
    if ev.startswith("sched:sched_switch"):
        m = re.search(r"prev_pid=(\d+).*prev_state=(\S+)", trace)
        if m and int(m.group(1)) == tid and m.group(2)[0] in "SD": open_wait[tid] = t
for tid, s in open_wait.items(): waits.append((s, max(s, alive[tid][1]), tid))
for s, e, tid in waits: alive[tid] = (alive[tid][0], max(alive[tid][1], e))
edges = [(a, 1) for a, b in alive.values()] + [(b, -1) for a, b in alive.values()]
edges += [(s, -1) for s, e, _ in waits] + [(e, 1) for s, e, _ in waits]
edges.sort()
times, runs, run = [], [], 0
for t, d in edges:
    run += d; times.append(t); runs.append(run)
def runnable(t):
    i = bisect.bisect_right(times, t) - 1
    return runs[i] if i >= 0 else 0
ours = re.compile(r"Kubuqi(MonitorKit|GDAL|Raster|Indicators)")
def name(f):
    m = re.search(r"(\d+)(\w+?)(C|O|V)(\d+)?([a-z]\w*?)(?:_|yy|y[A-Z]|SS|Sa|Say|tK|KF)", f)
    return f[:90]
total = collections.Counter(); serial = collections.Counter(); bins = collections.Counter(); allb = collections.Counter()
for t, tid, ev, trace, frames in events:
    if not ev.startswith("cpu-clock"): continue
    inner = next((f for f in frames if ours.search(f)), frames[-1] if frames else "?")
    key = (frames[0][:60] if frames else "?") + "  <  " + inner[:150]
    b = int((t - t0) / binw)
    allb[b] += 1
    if runnable(t) < cores:
        serial[key] += 1; bins[b] += 1
    total[key] += 1
n, s = sum(total.values()), sum(serial.values())
print(f"{n} samples, {s} while fewer than {cores} threads were runnable ({100 * s / n:.1f} %)")
for k, v in serial.most_common(30):
    print(f"{v:6d} {k}")
# Phases: the serial samples before the first and after the last SeriesAccumulators sample (the window pass between).
acc = [t for t, tid, ev, trace, frames in events if ev.startswith("cpu-clock") and any("SeriesAccumulators" in f for f in frames)]
if acc:
    a, z = min(acc), max(acc)
    for label, lo, hi in (("start", t0, a), ("pass", a, z), ("tail", z, t1 + 1)):
        c = collections.Counter(); al = 0
        for t, tid, ev, trace, frames in events:
            if not ev.startswith("cpu-clock") or not (lo <= t < hi): continue
            al += 1
            if runnable(t) < cores:
                ch = [f for f in frames if f != "[unknown]"]
                c[" < ".join(x[:70] for x in ch[:3])] += 1
        # core-seconds left idle in the phase: (cores - runnable) integrated over its span
        idle = 0.0
        for (ta, ra), tb in zip(zip(times, runs), times[1:] + [t1]):
            a2, b2 = max(ta, lo), min(tb, hi, t1)
            if b2 > a2 and ra < cores: idle += (b2 - a2) * (cores - ra)
        span = min(hi, t1) - lo
        print(f"{label}: {span:.2f} s, {al} samples, {sum(c.values())} serial; idle {idle:.2f} core-s of {cores * span:.2f} ({100 * idle / (cores * span):.1f} %)")
        for k, v in c.most_common(12): print(f"   {v:6d} {k}")
print("by time (all samples, serial samples):")
for b in sorted(allb):
    print(f"{b * binw:7.1f} {allb[b]:6d} {bins[b]:6d}")
