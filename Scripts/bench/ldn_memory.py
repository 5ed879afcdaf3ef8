#!/usr/bin/env python3
"""Runs one `kubuqi-monitor ldn ...` and says where its memory goes over time.

Usage: ldn_memory.py kubuqi-monitor ldn --config C -o OUT [more options]

Samples /proc/PID/status every 0.5 s (VmRSS, RssAnon, RssFile, VmHWM) and the process's CPU time;
at each period's summary line ("period NAME: SDG 15.3.1: ...") prints the figures of that moment
and the largest RSS since the previous mark, so the high-water mark can be laid against the
periods and the tail (issue 21: peak RSS under 300 MB, flat from 2000 x 2000 to 8000 x 8000).
At the largest RssAnon seen, the largest mappings (`pmap -x`) are kept and printed at the end.
Exit 1 when the run fails.
"""
import os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import procsample

run = procsample.Run(sys.argv[1:], __doc__)
KEYS = ("VmRSS", "RssAnon", "RssFile", "VmHWM", "Threads")


def status():
    out = run.status(KEYS)
    cpu = run.cpu()
    if out is None or cpu is None:
        return None
    out["cpu"] = cpu
    return out


samples = []
top = {"anon": 0, "pmap": ""}


def sample():
    s = status()
    if s:
        samples.append((run.elapsed(), s))
        if s.get("RssAnon", 0) > top["anon"] + 8:
            top["anon"] = s["RssAnon"]
            try:
                top["pmap"] = subprocess.run(["pmap", "-x", str(run.p.pid)], capture_output=True, text=True).stdout
            except OSError:
                pass


run.sample(0.5, sample)
marks = [(name, t, s) for name, (t, s) in run.periods(lambda name: (run.elapsed(), status()))]
wall, usage = run.finish("ldn_memory.py")
last = 0.0
for name, t, s in marks + [("end", wall, None)]:
    window = [x for tt, x in samples if last <= tt <= t]
    peak = max((x.get("VmRSS", 0) for x in window), default=0)
    anon = max((x.get("RssAnon", 0) for x in window), default=0)
    now = f", VmHWM {s['VmHWM']} MB, RSS {s['VmRSS']} MB (anon {s['RssAnon']}, file {s['RssFile']}), {s['cpu']:.1f} CPU-s" if s else ""
    print(f"- {name} at {t:.1f} s{now}; since the previous mark: RSS up to {peak} MB, anon up to {anon} MB")
    last = t
print(f"- whole run: {usage.ru_utime + usage.ru_stime:.2f} CPU-s (user {usage.ru_utime:.2f}, sys {usage.ru_stime:.2f}), "
      f"{wall:.1f} s wall, peak RSS {usage.ru_maxrss // 1024} MB")
if top["pmap"]:
    rows = [r.split() for r in top["pmap"].splitlines()[2:-2]]
    rows = sorted((r for r in rows if len(r) >= 4 and r[3].isdigit()), key=lambda r: -int(r[3]))[:12]
    print(f"- largest mappings at the top anonymous RSS ({top['anon']} MB), RSS KB: "
          + "; ".join(f"{r[3]} {' '.join(r[5:]) or '[anon]'}" for r in rows))
