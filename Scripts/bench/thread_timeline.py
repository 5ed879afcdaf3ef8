#!/usr/bin/env python3
"""Per-thread CPU timeline of one command: /proc/PID/task/*/stat every EVERY seconds (default 0.025).
Prints, per bin of BIN seconds (default 0.25), the process's CPU use in cores and each busy thread's share,
then totals: wall, CPU-s, the cores' idle time (2 - used) summed over the run.
Usage: thread_timeline.py [--every S] [--bin S] [--cores N] -- COMMAND...
Not part of the tests; figures in docs/benchmarks.md, "Stack (issue 16)", session 14."""
import os, subprocess, sys, time

args = sys.argv[1:]
every, binw, cores = 0.025, 0.25, os.cpu_count()
while args and args[0] != "--":
    k, v = args[0], float(args[1]); args = args[2:]
    if k == "--every": every = v
    elif k == "--bin": binw = v
    elif k == "--cores": cores = int(v)
cmd = args[1:]
if not cmd: sys.exit(__doc__)
TICK = os.sysconf("SC_CLK_TCK")
t0 = time.time()
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
samples = []  # (t, {tid: (name, cpu_s)})
while p.poll() is None:
    t = time.time() - t0
    snap = {}
    try:
        for tid in os.listdir(f"/proc/{p.pid}/task"):
            try:
                s = open(f"/proc/{p.pid}/task/{tid}/stat").read()
                name = s[s.index("(") + 1:s.rindex(")")]
                f = s.rsplit(")", 1)[1].split()
                snap[tid] = (name, (int(f[11]) + int(f[12])) / TICK)
            except OSError:
                pass
    except OSError:
        break
    samples.append((t, snap))
    time.sleep(every)
ru = os.wait4(p.pid, 0) if False else None
wall = time.time() - t0
p.wait()
# bins
nb = int(wall / binw) + 1
last = {}
rows = [dict() for _ in range(nb)]
for t, snap in samples:
    b = min(int(t / binw), nb - 1)
    for tid, (name, c) in snap.items():
        prev = last.get(tid, (name, 0.0))[1]
        if c > prev:
            rows[b][tid] = rows[b].get(tid, 0.0) + (c - prev)
        last[tid] = (name, c)
total = 0.0; idle = 0.0
for i, r in enumerate(rows):
    used = sum(r.values())
    total += used
    idle += max(0.0, cores * binw - used)
    busy = " ".join(f"{tid}:{v/binw:.2f}" for tid, v in sorted(r.items(), key=lambda x: -x[1]) if v > 0)
    print(f"{i*binw:7.2f} {used/binw:5.2f} {'#'*int(round(used/binw*10)):20s} {busy}")
print(f"wall {wall:.2f} s, CPU (sampled) {total:.2f} s, idle core-seconds {idle:.2f}; exit {p.returncode}")
