#!/usr/bin/env python3
"""The steps of `kubuqi-monitor ldn`'s tail, each with its wall and CPU seconds, from one run under
`perf record -g -k CLOCK_REALTIME` and `strace --seccomp-bpf -f -ttt -e trace=rename` (both on the real-time
clock, so a perf sample falls between two renames). A step ends when its file is renamed into the staging
folder (every output is written to a temporary file first and renamed whole):

  period end  the last period's staged layers and styles renamed (its layer pass is done)
  COG copies  the last staged raster replaced by its COG (`.kubuqi-tmp-*/X.tif` -> `X.tif`)
  report      report.json, report.md, report.html, unccd-reporting.json, tables (first to last of them)
  STAC        the Items and catalog.json
  exit        the staging folder moved onto the output folder, the work folder removed, the process gone

Prints a Markdown table: step (from the previous mark to this one), wall s, CPU s (perf samples of the run's
process in the interval, at the sampling rate) and its top symbols (self time); then the part after the last COG
copy (the report, the STAC catalogue, the move into place and the exit) in wall and CPU seconds.
Usage: ldn_tail_steps.py OUT_PREFIX kubuqi-monitor ldn --config C -o OUT [more options]
       ldn_tail_steps.py OUT_PREFIX   (the table again from the files of an earlier run)
Writes OUT_PREFIX.perf.data and OUT_PREFIX.strace.txt. Needs perf, strace and a release build. Not a test;
the run is slowed a little by both tools (strace stops only at renames).
"""
import collections, re, subprocess, sys

if len(sys.argv) < 2:
    sys.exit(__doc__)
prefix, cmd = sys.argv[1], sys.argv[2:]
data, trace = prefix + ".perf.data", prefix + ".strace.txt"
HZ = 999
run = cmd and subprocess.run(["perf", "record", "-q", "-g", "-F", str(HZ), "-k", "CLOCK_REALTIME", "-o", data, "--",
                      "strace", "--seccomp-bpf", "-f", "-ttt", "-e", "trace=rename", "-o", trace] + cmd,
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
if run and run.returncode != 0:
    sys.exit("ldn_tail_steps.py: the run failed:\n" + run.stderr[-2000:])

renames, exit_time = [], None
for line in open(trace):
    m = re.match(r"\d+\s+([\d.]+) rename\(\"([^\"]+)\", \"([^\"]+)\"", line)
    if m:
        renames.append((float(m[1]), m[2], m[3]))
    elif "+++ exited" in line:
        exit_time = float(line.split()[1])
staged = [r for r in renames if "/stage/" in r[2]]
periods = sorted({re.search(r"/stage/([^/]+)/", r[2])[1] for r in staged if re.search(r"/stage/(baseline|reporting-[^/]+)/", r[2])})
last = periods[-1]
layer_pass = [r for r in staged if f"/stage/{last}/" in r[2] and (r[2].endswith(".qml") or r[2].endswith(".tif"))
              and "/.kubuqi-tmp-" in r[1] and not r[1].endswith(".tif")]
# The layer pass renames its styles (.qml, whole temporary files) once its layers are staged.
period_end = max(t for t, _, _ in layer_pass)
cogs = [t for t, a, b in staged if b.endswith(".tif") and re.search(r"/\.kubuqi-tmp-[^/]+/[^/]+\.tif$", a)]
report_names = ("report.json", "report.md", "report.html", "unccd-reporting.json", ".csv")
reports = [(t, b) for t, a, b in staged if b.endswith(report_names)]
stac = [t for t, a, b in staged if b.endswith(".item.json") or b.endswith("catalog.json")]
marks = [("period end (last period's layer pass)", period_end), ("COG copies end", max(cogs)),
         ("report: first file", min(t for t, _ in reports))]
for name in ("report.json", "unccd-reporting.json", "report.md", "report.html"):
    marks.append((name, max(t for t, b in reports if b.endswith("/" + name))))
marks += [("tables (last CSV)", max(t for t, b in reports if b.endswith(".csv"))), ("STAC: catalog.json", max(stac)),
          ("outputs moved into place", max(t for t, a, b in renames if "/stage/" in a and "/stage/" not in b)),
          ("process exit", exit_time)]
marks.sort(key=lambda m: m[1])

samples = []   # (time, symbol, dso, comm)
out = subprocess.run(["perf", "script", "-i", data, "-F", "comm,pid,time,ip,sym,dso", "-G"], capture_output=True, text=True).stdout
for line in out.splitlines():
    m = re.match(r"\s*(.*?)\s+(\d+)\s+([\d.]+):\s+\S+\s+(.*?)\s+\((.*)\)\s*$", line)
    if m and m[1] != "strace":   # the process and its threads (perf records strace too)
        samples.append((float(m[3]), m[4], m[5].rsplit("/", 1)[-1]))

def demangle(names):
    p = subprocess.run(["swift-demangle", "--simplified"], input="\n".join(names), capture_output=True, text=True)
    return p.stdout.splitlines() if p.returncode == 0 else names

print(f"| step (from the previous mark to this one) | wall s | CPU s | top symbols (self) |")
print("|---|---|---|---|")
tail_wall = tail_cpu = 0.0
for (_, a), (name, b) in zip(marks, marks[1:]):
    inside = [s for s in samples if a <= s[0] < b]
    cpu = len(inside) / HZ
    top = collections.Counter(f"{s[1] if s[1] != '[unknown]' else '?'} ({s[2]})" for s in inside).most_common(4)
    names = demangle([t for t, _ in top]) if top else []
    tops = "; ".join(f"{n[:70]} {c / HZ:.2f}" for n, (_, c) in zip(names, top))
    print(f"| {name} | {b - a:.3f} | {cpu:.2f} | {tops} |")
    tail_wall += b - a
    tail_cpu += cpu
print(f"| tail, period end to exit | {tail_wall:.3f} | {tail_cpu:.2f} | |")
after = [s for s in samples if s[0] >= max(cogs)]
print(f"after the COG copies: {exit_time - max(cogs):.3f} s wall, {len(after) / HZ:.2f} CPU-s")
