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
import os, subprocess, sys, threading, time

cmd = sys.argv[1:]
if not cmd:
    sys.exit(__doc__)
tick = os.sysconf("SC_CLK_TCK")
t0 = time.time()
p = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def status():
    out = {}
    try:
        for line in open(f"/proc/{p.pid}/status"):
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile", "VmHWM", "Threads"):
                out[k] = int(v.split()[0]) // (1 if k == "Threads" else 1024)
        f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
        out["cpu"] = (int(f[11]) + int(f[12])) / tick
    except (OSError, IndexError, ValueError):
        return None
    return out


samples, marks, errors = [], [], []
top = {"anon": 0, "pmap": ""}


def sample():
    while p.poll() is None:
        s = status()
        if s:
            samples.append((time.time() - t0, s))
            if s.get("RssAnon", 0) > top["anon"] + 8:
                top["anon"] = s["RssAnon"]
                try:
                    top["pmap"] = subprocess.run(["pmap", "-x", str(p.pid)], capture_output=True, text=True).stdout
                except OSError:
                    pass
        time.sleep(0.5)


threading.Thread(target=sample, daemon=True).start()
for line in p.stderr:
    if " period " in line and ": SDG 15.3.1: " in line:
        marks.append((line.split(" period ", 1)[1].split(":", 1)[0], time.time() - t0, status()))
    else:
        errors.append(line)
_, code, usage = os.wait4(p.pid, 0)
wall = time.time() - t0
if code != 0:
    sys.stderr.write("".join(errors[-20:]))
    sys.exit(f"ldn_memory.py: the run failed (status {code >> 8})")
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
