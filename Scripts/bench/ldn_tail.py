#!/usr/bin/env python3
"""Runs one `kubuqi-monitor ldn ...` and says how much of it comes after the last period.

Usage: ldn_tail.py kubuqi-monitor ldn --config C -o OUT [more options]

Reads the run's log lines (stderr) and, at each period's summary line ("period NAME: SDG
15.3.1: ..."), the process's CPU time (user + sys, /proc/PID/stat) and memory high-water mark
(VmHWM, /proc/PID/status); samples both every second. Prints one line per period, then the
whole run's CPU-s, wall s and peak RSS, and the tail after the last period in CPU-s and wall s
with its share of the run (issue 21's goal: under 5 %). Exit 1 when the run fails.
"""
import os, subprocess, sys, threading, time

cmd = sys.argv[1:]
if not cmd:
    sys.exit(__doc__)
tick = os.sysconf("SC_CLK_TCK")
t0 = time.time()
p = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def cpu():
    try:
        f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / tick
    except OSError:
        return None


def hwm():
    try:
        for line in open(f"/proc/{p.pid}/status"):
            if line.startswith("VmHWM"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None


samples, marks, errors = [], [], []


def sample():
    while p.poll() is None:
        samples.append((time.time() - t0, cpu(), hwm()))
        time.sleep(1)


threading.Thread(target=sample, daemon=True).start()
for line in p.stderr:
    if " period " in line and ": SDG 15.3.1: " in line:
        name = line.split(" period ", 1)[1].split(":", 1)[0]
        marks.append((name, time.time() - t0, cpu(), hwm()))
    else:
        errors.append(line)
_, status, usage = os.wait4(p.pid, 0)
wall = time.time() - t0
total = usage.ru_utime + usage.ru_stime
if status != 0:
    sys.stderr.write("".join(errors[-20:]))
    sys.exit(f"ldn_tail.py: the run failed (status {status >> 8})")
for name, t, c, m in marks:
    print(f"- period {name} done at {t:.1f} s wall, {c:.2f} CPU-s, VmHWM {m} MB")
print(f"- whole run: {total:.2f} CPU-s (user {usage.ru_utime:.2f}, sys {usage.ru_stime:.2f}), {wall:.1f} s wall, peak RSS {usage.ru_maxrss // 1024} MB")
if marks and marks[-1][2] is not None:
    tail_cpu, tail_wall = total - marks[-1][2], wall - marks[-1][1]
    print(f"- tail after the last period: {tail_cpu:.2f} CPU-s ({100 * tail_cpu / total:.1f} % of the CPU), "
          f"{tail_wall:.1f} s wall ({100 * tail_wall / wall:.1f} % of the wall time)")
