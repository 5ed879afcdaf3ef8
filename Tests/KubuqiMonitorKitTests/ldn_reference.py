#!/usr/bin/env python3
"""An independent implementation of the rules of docs/ldn-method.md, for
LDNPropertyTests: reads a region (inputs as plain arrays, JSON) and writes
every layer of every period and the area tables the rules give.

Integer stacks are computed in exact fractions (fractions.Fraction) of the
stored integers; floating-point stacks in float64 with the formulas as the
method states them. Written from the method, not from the Swift code.
"""
import json
import math
import sys
from fractions import Fraction as F

ND = -32768
LEGEND = {10: 3, 60: 1, 130: 2, 200: 6, 210: 7, 190: 5, 180: 4}
MATRIX = [
    [0, -1, -1, -1, -1, -1, 0],
    [1, 0, 1, -1, -1, -1, 0],
    [1, -1, 0, -1, -1, -1, 0],
    [-1, -1, -1, 0, -1, -1, 0],
    [1, 1, 1, 1, 0, 1, 0],
    [1, 1, 1, 1, -1, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
]
f = F(4, 5)  # temperate dry cropland factor
SOC = [
    [1, 1, f, 1, F(1, 10), F(1, 10), 1],
    [1, 1, f, 1, F(1, 10), F(1, 10), 1],
    [1 / f, 1 / f, 1, 1 / F(71, 100), F(1, 10), F(1, 10), 1],
    [1, 1, F(71, 100), 1, F(1, 10), F(1, 10), 1],
    [2, 2, 2, 2, 1, 1, 1],
    [2, 2, 2, 2, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1],
]
THRESHOLDS = [1.645, 1.96, 2.576]


def f32(x):
    import struct
    return struct.unpack("f", struct.pack("f", x))[0]


def median(values):
    s = sorted(values)
    m = len(s)
    return s[m // 2] if m % 2 else (s[m // 2 - 1] + s[m // 2]) / 2


def mann_kendall_z(y):
    n = len(y)
    s = 0
    for i in range(n):
        for j in range(i + 1, n):
            s += (y[j] > y[i]) - (y[j] < y[i])
    ties = {}
    for v in y:
        ties[v] = ties.get(v, 0) + 1
    tie = sum(t * (t - 1) * (2 * t + 5) for t in ties.values())
    var = (n * (n - 1) * (2 * n + 5) - tie) / 18
    if var <= 0 or s == 0:
        return 0.0
    return (s - 1 if s > 0 else s + 1) / math.sqrt(var)


def trajectory(series, years, integer, scale, minimum):
    """Class -3..3 from the valid (year, value) pairs of the period."""
    pts = [(x, v) for x, v in zip(years, series) if v is not None]
    if len(pts) < 3:
        return ND
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    z = f32(mann_kendall_z(ys))
    level = sum(1 for t in THRESHOLDS if abs(z) >= f32(t))
    if level == 0:
        return 0
    direction = 1 if z > 0 else -1
    if integer:
        slopes = [F(ys[j] - ys[i], xs[j] - xs[i]) for i in range(len(xs)) for j in range(i + 1, len(xs))]
        slope = median(slopes)
        agrees = slope * direction > 0 and abs(slope) * scale > minimum
    else:
        slopes = []
        for i in range(len(xs)):
            for j in range(i + 1, len(xs)):
                d = ys[j] - ys[i]
                slopes.append(d / (xs[j] - xs[i]))
        slope = f32(median(slopes))
        agrees = slope * direction > 0 and abs(slope) > float(minimum)
    return direction * level if agrees else 0


def percentile_fraction(sorted_values, p):
    h = F(len(sorted_values) - 1) * p / 100
    j = math.floor(h)
    if j >= len(sorted_values) - 1:
        return sorted_values[-1]
    return sorted_values[j] + (h - j) * (sorted_values[j + 1] - sorted_values[j])


def percentile_float(sorted_values, p):
    h = (len(sorted_values) - 1) * float(p) / 100
    j = math.floor(h)
    if j >= len(sorted_values) - 1:
        return sorted_values[-1]
    return sorted_values[j] + (h - j) * (sorted_values[j + 1] - sorted_values[j])


def state(base, recent, integer, scale):
    b = [v for v in base if v is not None]
    r = [v for v in recent if v is not None]
    if len(b) < 3 or len(r) < 1:
        return ND
    if integer:
        lo, hi = min(b), max(b)
        pad = F(hi - lo) / 20
        ext = sorted([F(v) for v in b] + [lo - pad, hi + pad])
        bm, rm = F(sum(b), len(b)), F(sum(r), len(r))
        bounds = [percentile_fraction(ext, 10 * k) for k in range(1, 10)]
        near = abs(rm - bm) * scale <= F(1, 100)
    else:
        lo, hi = min(b), max(b)
        pad = (hi - lo) * 0.05
        ext = sorted(b + [lo - pad, hi + pad])
        bm = 0.0
        for v in b:
            bm += v
        bm /= len(b)
        rm = 0.0
        for v in r:
            rm += v
        rm /= len(r)
        bounds = [percentile_float(ext, 10 * k) for k in range(1, 10)]
        near = abs(rm - bm) <= 0.01
    rc = 1 + sum(1 for x in bounds if rm > x)
    bc = 1 + sum(1 for x in bounds if bm > x)
    change = 0 if near else rc - bc
    return -1 if change <= -2 else (1 if change >= 2 else 0)


def period_mean(series, integer):
    v = [x for x in series if x is not None]
    if not v:
        return None
    if integer:
        return F(sum(v), len(v))
    s = 0.0
    for x in v:
        s += x
    return s / len(v)


def p90(values, integer):
    s = sorted(values)
    n = len(s)
    if integer:
        return percentile_fraction(s, 90)
    h = (n - 1) * (90 / 100)
    j = math.floor(h)
    g = h - j
    a, b = s[min(j, n - 1)], s[min(j + 1, n - 1)]
    d = b - a
    return b - d * (1 - g) if g >= 0.5 else a + d * g


def lpd(t, s, p):
    if ND in (t, s, p):
        return ND
    if t == -1:
        return 1
    if t == 0:
        if s == -1:
            return 1 if p == -1 else 2
        if s == 0:
            return 3 if p == -1 else 4
        return 4
    if s == -1:
        return 2 if p == -1 else 5
    return 5


EXPANDED = {(-1, -1): 1, (-1, 0): 3, (-1, 1): 6, (0, -1): 2, (0, 0): 4, (0, 1): 6, (1, -1): 2, (1, 0): 5, (1, 1): 7}


def map_year(year, maps):
    below = [m for m in maps if m <= year]
    return max(below) if below else min(maps)


def units(km2):
    return math.floor(km2 * 1e9 + 0.5) if km2 > 0 else 0


def pixel_km2(cfg, row):
    g = cfg["geo"]
    if g["kind"] == "equal-area":
        return g["pixelM2"] / 1e6
    t, a, invf = g["transform"], g["a"], g["invf"]
    fl = 1 / invf
    e2 = fl * (2 - fl)
    e = math.sqrt(e2)
    def q(deg):
        s = math.sin(math.radians(deg))
        return s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)
    top = t[3] + row * t[5]
    b2 = a * a * (1 - e2)
    return abs(b2 * math.radians(abs(t[1])) / 2 * (q(top + t[5]) - q(top))) / 1e6


def main():
    cfg = json.load(open(sys.argv[1]))
    w, h = cfg["width"], cfg["height"]
    n = w * h
    years = cfg["years"]
    integer = cfg["integer"]
    scale = F(cfg["scale"]) if integer else None
    minimum = F(cfg["minimumSlope"])
    values = cfg["values"]  # per year, per pixel (None = nodata)
    maps = {int(k): v for k, v in cfg["maps"].items()}
    soc = cfg["soc"]
    eco = cfg.get("eco")
    base0, base1 = cfg["baseline"]
    periods = [("baseline", base0, base1, True)] + [(f"reporting-{a}-{b}", a, b, False) for a, b in cfg["reporting"]]
    # Analysis windows (docs/ldn-method.md "Analysis windows"): "period" assesses a period on its
    # own years, state against the baseline years; "trends-earth" (the default) on the `years`
    # years ending at the period's last year (never fewer than the period's own years, never
    # before the first year), state as the window's last 3 years against its earlier years,
    # reporting land cover from the baseline's end map, land units from the map at the window's start.
    preset = cfg.get("preset", "trends-earth")
    window_years = cfg.get("windowYears", 16)
    out = {}
    baseline_sdg = None
    for name, y0, y1, is_base in periods:
        idx = {y: years.index(y) for y in years}
        end_map = map_year(y1, maps)
        if preset == "period":
            pyears = list(range(y0, y1 + 1))
            recent = pyears[-3:]
            earlier = pyears[:-3] if is_base else list(range(base0, base1 + 1))
            start_map = map_year(base0, maps)
            units_map = end_map
        else:
            w0 = y0 if is_base else min(max(years[0], y1 - window_years + 1), y0)
            pyears = list(range(w0, y1 + 1))
            recent = pyears[-3:]
            earlier = pyears[:-3]
            start_map = map_year(base0 if is_base else base1, maps)
            units_map = map_year(w0, maps)
        lc0 = [LEGEND[c] for c in maps[start_map]]
        lc1 = [LEGEND[c] for c in maps[end_map]]
        lcu = [LEGEND[c] for c in maps[units_map]]
        layers = {k: [ND] * n for k in ["trajectory", "state", "performance", "lpd", "productivity-status",
                                        "landcover-status", "soc-status", "sdg-15-3-1"]}
        means = [period_mean([values[idx[y]][p] for y in pyears], integer) for p in range(n)]
        # Water (class 7 of the land-units map) is not land: no land unit, so no performance (docs/ldn.md, "Nodata").
        units_of = [None if (eco is not None and eco[p] is None) or lcu[p] == 7 else (lcu[p], eco[p] if eco is not None else 0)
                    for p in range(n)]
        groups = {}
        for p in range(n):
            if means[p] is not None and units_of[p] is not None:
                groups.setdefault(units_of[p], []).append(means[p])
        maxima = {u: p90(v, integer) for u, v in groups.items()}
        for p in range(n):
            series = [values[idx[y]][p] for y in pyears]
            tc = trajectory(series, [float(y) if not integer else y for y in pyears], integer, scale, minimum)
            layers["trajectory"][p] = tc
            ts = ND if tc == ND else (-1 if tc <= -2 else (1 if tc >= 2 else 0))
            st = state([values[idx[y]][p] for y in earlier], [values[idx[y]][p] for y in recent], integer, scale)
            layers["state"][p] = st
            pf = ND
            if means[p] is not None and units_of[p] is not None and units_of[p] in maxima:
                m = maxima[units_of[p]]
                if integer:
                    if m * scale > 0:
                        pf = -1 if means[p] * scale <= F(1, 2) * (m * scale) else 0
                elif m > 0:
                    pf = -1 if means[p] / m <= 0.5 else 0
            layers["performance"][p] = pf
            c = lpd(ts, st, pf)
            layers["lpd"][p] = c
            prod = ND if c == ND else (-1 if c <= 2 else (0 if c <= 4 else 1))
            layers["productivity-status"][p] = prod
            lcs = MATRIX[lc0[p] - 1][lc1[p] - 1]
            layers["landcover-status"][p] = lcs
            sc = ND
            if soc[p] is not None and soc[p] > 0 and lc0[p] != 7:
                pct = 100 * F(min(end_map - start_map, 20), 20) * (F(SOC[lc0[p] - 1][lc1[p] - 1]) - 1)
                sc = -1 if pct <= -10 else (1 if pct >= 10 else 0)
            layers["soc-status"][p] = sc
            subs = [prod, lcs, sc]
            layers["sdg-15-3-1"][p] = ND if ND in subs else (-1 if -1 in subs else (1 if 1 in subs else 0))
        if not is_base:
            layers["status-vs-baseline"] = [ND if ND in (baseline_sdg[p], layers["sdg-15-3-1"][p])
                                            else EXPANDED[(baseline_sdg[p], layers["sdg-15-3-1"][p])] for p in range(n)]
        else:
            baseline_sdg = layers["sdg-15-3-1"]
        tables = {}
        for layer in ["productivity-status", "landcover-status", "soc-status", "sdg-15-3-1", "lpd"]:
            t = {}
            for p in range(n):
                code = layers[layer][p]
                if layer == "landcover-status" and lc0[p] == 7 and lc1[p] == 7:
                    code = 7   # water at both dates is not land: its own row of the land-cover table (docs/ldn.md)
                cnt, u = t.get(code, (0, 0))
                t[code] = (cnt + 1, u + units(pixel_km2(cfg, p // w)))
            tables[layer] = {str(k): [c, round(u / 1e9, 9)] for k, (c, u) in t.items()}
        # The proportion degraded: the baseline by its own SDG layer; a reporting period by its status against
        # the baseline, expanded classes 1-3 degraded of 1-7 (GPG v2 addendum; Trends.Earth
        # sdg_status_expanded_to_simple), so land degraded in the baseline and stable now still counts.
        def km2_where(test):
            return sum(units(pixel_km2(cfg, p // w)) for p in range(n) if test(p)) / 1e9
        if is_base:
            deg = km2_where(lambda p: layers["sdg-15-3-1"][p] == -1)
            land = km2_where(lambda p: layers["sdg-15-3-1"][p] in (-1, 0, 1))
        else:
            deg = km2_where(lambda p: layers["status-vs-baseline"][p] in (1, 2, 3))
            land = km2_where(lambda p: layers["status-vs-baseline"][p] in range(1, 8))
        out[name] = {"layers": layers, "tables": tables, "proportion": (100 * deg / land) if land > 0 else None}
    json.dump(out, open(sys.argv[2], "w"))


main()
