#!/usr/bin/env python3
"""Runs one `kubuqi-monitor ldn ...` and says how much of it comes after the last period.

Usage: ldn_tail.py kubuqi-monitor ldn --config C -o OUT [more options]

Reads the run's log lines (stderr) and, at each period's summary line ("period NAME: SDG
15.3.1: ..."), the process's CPU time (user + sys, /proc/PID/stat) and memory high-water mark
(VmHWM, /proc/PID/status); samples both every second. Prints one line per period, then the
whole run's CPU-s, wall s and peak RSS, and the tail after the last period in CPU-s and wall s
with its share of the run (issue 21's goal: under 5 %). Exit 1 when the run fails.
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import procsample

run = procsample.Run(sys.argv[1:], __doc__)


def hwm():
    s = run.status(("VmHWM",))
    return s.get("VmHWM") if s else None


samples = []
run.sample(1, lambda: samples.append((run.elapsed(), run.cpu(), hwm())))
marks = [(name, t, c, m) for name, (t, c, m) in run.periods(lambda name: (run.elapsed(), run.cpu(), hwm()))]
wall, usage = run.finish("ldn_tail.py")
total = usage.ru_utime + usage.ru_stime
for name, t, c, m in marks:
    print(f"- period {name} done at {t:.1f} s wall, {c:.2f} CPU-s, VmHWM {m} MB")
print(f"- whole run: {total:.2f} CPU-s (user {usage.ru_utime:.2f}, sys {usage.ru_stime:.2f}), {wall:.1f} s wall, peak RSS {usage.ru_maxrss // 1024} MB")
if marks and marks[-1][2] is not None:
    tail_cpu, tail_wall = total - marks[-1][2], wall - marks[-1][1]
    print(f"- tail after the last period: {tail_cpu:.2f} CPU-s ({100 * tail_cpu / total:.1f} % of the CPU), "
          f"{tail_wall:.1f} s wall ({100 * tail_wall / wall:.1f} % of the wall time)")
