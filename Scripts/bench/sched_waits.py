#!/usr/bin/env python3
"""Voluntary waits of one process's threads from `perf record -e sched:sched_switch -e sched:sched_waking -g`
(`perf script -F comm,tid,time,event,trace,ip,sym,dso` output on stdin).

A wait starts when a thread of the process switches out in state S or D (not preempted: R) and ends at the first
later event of that thread or a sched_waking naming it. Prints the waits summed by the user-space frames at the
switch (what the thread waited in), and the wall time during which fewer than CORES of the process's threads were
runnable (running or preempted), in BIN-second bins: the time the process itself left a core idle, whatever the
machine's load (under load the wall stretches; the shares, not the seconds, carry over).
Usage: perf script ... | sched_waits.py [CORES] [BIN] [FRAMES]
Not part of the tests; figures in docs/benchmarks.md, "Stack (issue 16)", session 14."""
import re, sys, collections

cores = int(sys.argv[1]) if len(sys.argv) > 1 else 2
binw = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
nframes = int(sys.argv[3]) if len(sys.argv) > 3 else 4
head = re.compile(r"^\s*(\S.*?)\s+(\d+)\s+([\d.]+):\s+(\S+):\s+(.*)$")
events = []  # (t, tid, event, trace, frames)
cur = None
for line in sys.stdin:
    m = head.match(line)
    if m and ("sched:" in m.group(4)):
        cur = [float(m.group(3)), int(m.group(2)), m.group(4), m.group(5), []]
        events.append(cur)
    elif re.match(r"^\S.*\s\d+\s+[\d.]+:\s+\d*\s*cpu-clock", line):
        cur = None   # a CPU sample recorded beside the sched events (its frames are not a wait's)
    elif cur is not None and line.strip():
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and "[kernel.kallsyms]" not in parts[1]:
            cur[4].append(parts[1].rsplit(" (", 1)[0])
tids = {e[1] for e in events}
t0, t1 = events[0][0], events[-1][0]
waits = []  # (start, end, tid, key)
open_wait = {}
for t, tid, ev, trace, frames in events:
    if ev.startswith("sched:sched_waking"):
        m = re.search(r"pid=(\d+)", trace)
        target = int(m.group(1)) if m else None
        if target in open_wait:
            s, key = open_wait.pop(target); waits.append((s, t, target, key))
    if tid in open_wait:
        s, key = open_wait.pop(tid); waits.append((s, t, tid, key))
    if ev.startswith("sched:sched_switch"):
        m = re.search(r"prev_pid=(\d+).*prev_state=(\S+)", trace)
        if m and int(m.group(1)) == tid and m.group(2)[0] in "SD":
            fr = [f for f in frames if f != "[unknown]"][:nframes]
            open_wait[tid] = (t, " < ".join(fr))
last_event = {}
for t, tid, *_ in events:
    last_event[tid] = t
for tid, (s, key) in open_wait.items():   # a thread left waiting (exited, or never woken in the record)
    waits.append((s, max(s, last_event[tid]) if s < last_event[tid] else s, tid, key))
by = collections.defaultdict(lambda: [0.0, 0])
for s, e, tid, key in waits:
    by[key][0] += e - s; by[key][1] += 1
print(f"span {t1 - t0:.2f} s, {len(tids)} threads, {len(waits)} voluntary waits, {sum(e - s for s, e, _, _ in waits):.2f} thread-s")
for key, (d, n) in sorted(by.items(), key=lambda x: -x[1][0])[:25]:
    print(f"{d:8.2f} s {n:6d}  {key[:230]}")
# runnable threads over time: a thread is alive from its first to its last event, runnable unless waiting
alive = {}
for t, tid, *_ in events:
    a = alive.get(tid); alive[tid] = (t if a is None else a[0], t)
for s, e, tid, _ in waits:   # a wait closed by a waking outlives the thread's own last event
    alive[tid] = (alive[tid][0], max(alive[tid][1], e))
edges = []
for tid, (a, b) in alive.items():
    edges += [(a, +1), (b, -1)]
for s, e, tid, _ in waits:
    edges += [(s, -1), (e, +1)]
edges.sort()
nb = int((t1 - t0) / binw) + 1
short = [0.0] * nb  # core-seconds left idle by the process (cores - runnable, when positive)
run, last = 0, t0
def spread(a, b, idle):
    while a < b:
        i = int((a - t0) / binw); end = min(b, t0 + (i + 1) * binw)
        short[min(i, nb - 1)] += (end - a) * idle; a = end
for t, d in edges:
    if run < cores: spread(last, t, cores - run)
    run += d; last = t
print(f"core-seconds the process left idle (fewer than {cores} runnable): {sum(short):.2f} of {cores * (t1 - t0):.2f}")
for i, v in enumerate(short):
    print(f"{i * binw:7.1f} {v / binw:4.2f} {'#' * int(round(v / binw * 10))}")
# What the idle core-seconds coincided with: the first (main) thread's wait, or "main running" (then the
# workers' waits matter: each waiting worker's key, shared equally).
main = min(alive, key=lambda tid: alive[tid][0])
points = sorted({t for t, _ in edges})
byt = collections.defaultdict(list)
for s, e, tid, key in waits:
    byt[tid].append((s, e, key))
import bisect
starts = {tid: [w[0] for w in sorted(l)] for tid, l in byt.items()}
for tid in byt: byt[tid].sort()
def waiting(tid, t):
    i = bisect.bisect_right(starts.get(tid, []), t) - 1
    if i >= 0 and byt[tid][i][1] > t: return byt[tid][i][2]
    return None
blame = collections.defaultdict(float)
run = 0; last = t0
for t, d in edges:
    if run < cores and t > last:
        mid = (last + t) / 2
        w = waiting(main, mid)
        blame[("main waits: " + w[:160]) if w else "main runs"] += (t - last) * (cores - run)
    run += d; last = t
print("idle core-seconds by the first thread's state:")
for k, v in sorted(blame.items(), key=lambda x: -x[1])[:12]:
    print(f"{v:8.2f}  {k}")
