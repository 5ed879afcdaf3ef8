#!/usr/bin/env python3
"""CPU samples taken while fewer than CORES of the process's threads were runnable (the process alone leaving
a core idle), from `perf record -e cpu-clock -F 999 -e sched:sched_switch -e sched:sched_waking -g` (perf script
-F comm,tid,time,event,trace,ip,sym,dso on stdin): the serial work, by its innermost frames of ours and by time.
Usage: perf script ... | idle_samples.py [CORES] [BIN]
"idle": fewer than CORES threads runnable, from the sched events (perf drops some switch-outs: a thread woken without
one is taken to have waited since its last event, but a thread parked and woken from outside the process stays
"runnable", so this undercounts). "unused": CORES x the phase's wall less its CPU samples / 999, which is the idle
core time only when the process gets a core whenever it has a runnable thread: run it quiet, or in a session of its
own with autogroup nice -20 (`setsid bash -c 'echo -20 > /proc/self/autogroup; exec perf record ...'`).
Phases: `stack`'s window pass, or `ldn`'s periods (stack pass, refinements, layer pass, the gaps between).
Not part of the tests; figures in docs/benchmarks.md, "Stack (issue 16)", session 14, and "ldn's idle core, session 15"."""
import re, sys, collections, bisect
cores = int(sys.argv[1]) if len(sys.argv) > 1 else 2
rate = 999.0   # cpu-clock samples a CPU-second (-F 999): "unused" = the phase's core-seconds less its CPU samples / rate
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
        elif target in last_event and target != tid and target in alive:
            # Woken without a recorded switch-out (perf drops some sched_switch records of a thread that blocks):
            # it has waited since its last event.
            waits.append((last_event[target], t, target))
    if tid in open_wait: waits.append((open_wait.pop(tid), t, tid))
    last_event[tid] = t
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
def idle_in(lo, hi):
    """Core-seconds left idle between lo and hi: (cores - runnable) integrated where fewer than `cores` are runnable."""
    idle = 0.0
    for (ta, ra), tb in zip(zip(times, runs), times[1:] + [t1]):
        a2, b2 = max(ta, lo), min(tb, hi, t1)
        if b2 > a2 and ra < cores: idle += (b2 - a2) * (cores - ra)
    return idle
# What a serial sample was doing, by the first matching frame (ldn): the patch layer's thread, the COG copies, ...
KINDS = [("patches: finish (commit, R-tree, close)", r"PatchPolygons.*polygonizeOnce.*|GeoPackageRTree|SQLiteRTreeSpill|sqlite3_close|GeoPackageRows.*commit"),
         ("patches: rows (polygonizer, inserts)", r"RowPolygonizer|EdgeStrings|PatchRowMaker|GeoPackageRows|LabelRowFeeder|libsqlite3"),
         ("COG copies", r"CloudOptimizedOutput|COGWriter|TileSpool"),
         ("hashes", r"SHA256|InputDigests|libcrypto"),
         ("report", r"LDNPublication|LDNReport|STACCatalog|UNCCDReport|libpng"),
         ("legends", r"ClassLegend"),
         ("pass: kernels", r"LDNStackKernel|LDNLayerKernel|SearchPass|PeriodMeans|LandUnits|LDNTally|UNCCDObserver"),
         ("pass: reads/writes", r"StreamedCalculation|DirectStackReader|RasterWriter|libdeflate|libtiff|libgdal"),
         ("start: loader, config, legend check", r"_dl_|do_lookup|LDNConfig|checkLegend|LDNJob.*open")]
def kind(frames):
    # innermost first: the frame nearest the leaf that names one of the kinds (a user frame; the kernel's are skipped)
    for f in frames:
        for k, rx in KINDS:
            if re.search(rx, f): return k
    return "other: " + next((f[:50] for f in frames if f != "[unknown]" and not f.startswith("0")), "?")
def report(label, lo, hi):
    c = collections.Counter(); kinds = collections.Counter(); allk = collections.Counter(); al = 0
    for t, tid, ev, trace, frames in events:
        if not ev.startswith("cpu-clock") or not (lo <= t < hi): continue
        al += 1; allk[kind(frames)] += 1
        if runnable(t) < cores:
            ch = [f for f in frames if f != "[unknown]"]
            c[" < ".join(x[:70] for x in ch[:3])] += 1
            kinds[kind(frames)] += 1
    idle = idle_in(lo, hi)
    span = min(hi, t1) - lo
    if span <= 0: return
    unused = cores * span - al / rate
    print(f"{label}: {span:.2f} s, {al} samples, {sum(c.values())} serial; idle {idle:.2f} core-s of {cores * span:.2f} ({100 * idle / (cores * span):.1f} %);"
          f" unused {unused:.2f} core-s ({100 * unused / (cores * span):.1f} %)")
    print("      all by kind: " + ", ".join(f"{k} {v}" for k, v in allk.most_common(14)))
    print("      serial by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    for k, v in c.most_common(8): print(f"   {v:6d} {k}")
# Phases of `stack`: the serial samples before the first and after the last SeriesAccumulators sample (the window pass between).
acc = [t for t, tid, ev, trace, frames in events if ev.startswith("cpu-clock") and any("SeriesAccumulators" in f for f in frames)]
# Phases of `ldn`: each period's stack pass, refinements and layer pass (samples whose frames name LDNPeriodRun's
# stackPass / refinedPerformance / layerPass), the gaps between them (legends, patches finishing, the next period's
# set-up), the start before the first stack pass and the tail after the last layer pass.
marks = []
for t, tid, ev, trace, frames in events:
    if not ev.startswith("cpu-clock"): continue
    # the passes' kernel closures (`...fU1_`, `...fU_`), not the calling functions: the main thread's work after a
    # pass (legends, waiting for the patches) is in the gap after it
    m = next((k for f in frames for k, w in (("stack pass", "LDNPeriodRunV9stackPass"), ("refinements", "LDNPeriodRunV18refinedPerformance"),
                                             ("layer pass", "LDNPeriodRunV9layerPass")) if w in f and re.search(r"fU\d*_", f)), None)
    if m: marks.append((t, m))
if acc:
    a, z = min(acc), max(acc)
    for label, lo, hi in (("start", t0, a), ("pass", a, z), ("tail", z, t1 + 1)): report(label, lo, hi)
elif marks:
    spans = []  # [label, first, last]
    for t, m in marks:
        if spans and spans[-1][0] == m: spans[-1][2] = t
        else: spans.append([m, t, t])
    period, prev, rows = 0, t0, []
    for label, lo, hi in spans:
        if label == "stack pass": period += 1
        gap = "start" if prev == t0 else f"after {rows[-1][0]}"
        rows.append((gap, prev, lo)); rows.append((f"period {period} {label}", lo, hi)); prev = hi
    rows.append(("tail (after the last layer pass)", prev, t1 + 1))
    tot = 0.0
    for label, lo, hi in rows: report(label, lo, hi)
    nall = sum(1 for e in events if e[2].startswith("cpu-clock"))
    print(f"whole run: idle {idle_in(t0, t1):.2f} core-s of {cores * (t1 - t0):.2f} ({100 * idle_in(t0, t1) / (cores * (t1 - t0)):.1f} %);"
          f" unused {cores * (t1 - t0) - nall / rate:.2f} core-s ({100 * (cores * (t1 - t0) - nall / rate) / (cores * (t1 - t0)):.1f} %)")
print("by time (all samples, serial samples):")
for b in sorted(allb):
    print(f"{b * binw:7.1f} {allb[b]:6d} {bins[b]:6d}")
