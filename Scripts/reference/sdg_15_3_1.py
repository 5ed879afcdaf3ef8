#!/usr/bin/env python3
"""An independent SDG 15.3.1 implementation (audit, session 13), written from docs/ldn.md,
docs/ldn-method.md, Trends.Earth (te_algorithms/gee/productivity.py, land_deg_numba.py) and the
UNCCD GPG v2, not from the Swift sources. It reads an `ldn` config (the keys used by the
fixtures: productivity.stack + scale, landcover.maps (+ legend esa-cci), soc.baseline + climate,
periods; the default `trends-earth` windows), computes every layer with numpy and compares
them pixel for pixel with an `ldn` output folder, then the per-class areas of report.json
(true ellipsoidal areas from pyproj's Geod).

    python sdg_15_3_1.py CONFIG.toml OUTDIR [--zones ZONES.tif]

Session 17 (audit against Trends.Earth and the GPG): every area table of report.json (pixels and km2 per
class of each sub-indicator, the LPD and the status against the baseline) is compared too, and the
proportion degraded of a reporting period is expected from its status against the baseline
(Trends.Earth: the reporting summary is `sdg_status_expanded_to_simple(sdg_status_expanded(baseline,
reporting))`). It also counts the pixels whose trajectory level would change if |Z| were compared with the
exact normal quantiles (scipy.stats.norm.ppf: 1.644854, 1.959964, 2.575829) rather than the GPG's
1.645, 1.96, 2.576 (reported, not an error). Exit status 1 when any pixel or table cell differs.
Scratch arrays go to $AUDIT_DIR (default: a fresh temporary folder).

Integer stacks are handled in exact integer arithmetic (stored values; the decimals 0.01, 0.05,
0.5 and the scale as fractions); the trajectory's Z in float64 rounded to float32 (the docs:
"Z compared in Float, as written").
"""
import json
import math
import os
import sys
import tomllib
from fractions import Fraction

import tempfile

import numpy as np
from osgeo import gdal, osr
from scipy.stats import norm

gdal.UseExceptions()
NODATA = -32768
EDGES = {"state mean on a decile": 0, "state |difference| exactly the minimum": 0,
         "performance ratio exactly 0.5": 0, "trajectory median slope exactly 0 with |Z| significant": 0,
         "trajectory |Z| within 1e-6 of a level": 0, "trajectory level differs with exact normal quantiles": 0}
FAILURES = []

ESA = {1: [50, 60, 61, 62, 70, 71, 72, 80, 81, 82, 90, 100],
       2: [110, 120, 121, 122, 130, 140, 150, 151, 152, 153],
       3: [10, 11, 12, 20, 30, 40], 4: [160, 170, 180], 5: [190],
       6: [200, 201, 202, 220], 7: [210]}
# UNCCD default transition matrix (rows from, columns to, classes 1..7)
TRANSITIONS = np.array([
    [0, -1, -1, -1, -1, -1, 0],
    [1, 0, 1, -1, -1, -1, 0],
    [1, -1, 0, -1, -1, -1, 0],
    [-1, -1, -1, 0, -1, -1, 0],
    [1, 1, 1, 1, 0, 1, 0],
    [1, 1, 1, 1, -1, 0, 0],
    [0, 0, 0, 0, 0, 0, 0]])
CROPLAND_FACTOR = {"temperate-dry": Fraction(8, 10), "temperate-moist": Fraction(69, 100),
                   "tropical-dry": Fraction(58, 100), "tropical-moist": Fraction(48, 100),
                   "tropical-montane": Fraction(64, 100)}


def soc_factor(i, j, f):
    """IPCC/Trends.Earth land-use factor for class i -> j (1..7)."""
    if i == j or i == 7 or j == 7:
        return Fraction(1)
    if i in (1, 2):
        return {3: f, 5: Fraction(1, 10), 6: Fraction(1, 10)}.get(j, Fraction(1))
    if i == 3:
        return {1: 1 / f, 2: 1 / f, 4: Fraction(100, 71), 5: Fraction(1, 10), 6: Fraction(1, 10)}[j]
    if i == 4:
        return {3: Fraction(71, 100), 5: Fraction(1, 10), 6: Fraction(1, 10)}.get(j, Fraction(1))
    if i in (5, 6):
        return Fraction(2) if j in (1, 2, 3, 4) else Fraction(1)
    raise ValueError


def F(x):
    """A stored value as an exact fraction (integers and float64 values alike)."""
    x = float(x)
    return Fraction(int(x)) if x.is_integer() else Fraction(x)


def read(path, band=1):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(band)
    return b.ReadAsArray(), b.GetNoDataValue(), ds


def mann_kendall_z(y, valid):
    """y: (n, P) int64, valid: (n, P) bool. Returns S, var, z (float64), n."""
    n_years, P = y.shape
    S = np.zeros(P, np.int64)
    ties = np.zeros(P, np.int64)
    for i in range(n_years):
        ci = np.zeros(P, np.int64)
        for j in range(n_years):
            if i == j:
                continue
            both = valid[i] & valid[j]
            if j > i:
                S += np.where(both, np.sign(y[j] - y[i]), 0).astype(np.int64)
            ci += (both & (y[j] == y[i]))
        ties += np.where(valid[i], ci * (2 * ci + 7), 0)
    n = valid.sum(0).astype(np.int64)
    var = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    z = np.zeros(P)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(S > 0, (S - 1) / np.sqrt(var), np.where(S < 0, (S + 1) / np.sqrt(var), 0.0))
    z = np.where(var > 0, z, 0.0)
    return S, var, z, n


def theil_sen_sign_above(y, valid, years, T):
    """For each pixel, the exact Theil-Sen median slope compared with +T and -T:
    returns (median > T, median < -T), pairwise slopes as exact fractions via sorting."""
    P = y.shape[1]
    up = np.zeros(P, bool)
    down = np.zeros(P, bool)
    yrs = np.asarray(years)
    for p in range(P):
        v = valid[:, p]
        if v.sum() < 2:
            continue
        xs = yrs[v]
        ys = y[v, p]
        sl = []
        for i in range(len(xs)):
            for j in range(i + 1, len(xs)):
                sl.append((F(ys[j]) - F(ys[i])) / int(xs[j] - xs[i]))
        sl.sort()
        m = len(sl)
        med = sl[m // 2] if m % 2 else (sl[m // 2 - 1] + sl[m // 2]) / 2
        up[p] = med > T
        EDGES["trajectory median slope exactly 0 with |Z| significant"] += med == 0
        down[p] = med < -T
    return up, down


def trajectory(stack, valid, years, scale, min_slope=Fraction(0)):
    P = stack.shape[1]
    S, var, z, n = mann_kendall_z(stack, valid)
    zf = z.astype(np.float32)
    az = np.abs(zf)
    for lv in (1.645, 1.96, 2.576):
        EDGES["trajectory |Z| within 1e-6 of a level"] += int((np.abs(np.abs(z) - lv) < 1e-6).sum())
    level = np.where(az >= np.float32(2.576), 3, np.where(az >= np.float32(1.96), 2,
                     np.where(az >= np.float32(1.645), 1, 0)))
    q = [norm.ppf(1 - a / 2) for a in (0.10, 0.05, 0.01)]
    exact_level = np.where(np.abs(z) >= q[2], 3, np.where(np.abs(z) >= q[1], 2, np.where(np.abs(z) >= q[0], 1, 0)))
    EDGES["trajectory level differs with exact normal quantiles"] += int(((exact_level != level) & (n >= 3)).sum())
    T = max(Fraction(0), min_slope / scale)
    sig = np.nonzero(level > 0)[0]          # the slope matters only where Z is significant
    up = np.zeros(P, bool)
    down = np.zeros(P, bool)
    u, d = theil_sen_sign_above(stack[:, sig], valid[:, sig], years, T)
    up[sig], down[sig] = u, d
    cls = np.where((zf > 0) & up, level, np.where((zf < 0) & down, -level, 0))
    cls = np.where(n >= 3, cls, NODATA)
    return cls


def traj_status(c):
    return np.where(c == NODATA, NODATA, np.where(c <= -2, -1, np.where(c >= 2, 1, 0)))


def state(stack, valid, base_idx, recent_idx, scale, min_diff=Fraction(1, 100)):
    """Decile classes (Trends.Earth), exact fractions per pixel."""
    P = stack.shape[1]
    out = np.full(P, NODATA, np.int64)
    for p in range(P):
        b = [F(stack[i, p]) for i in base_idx if valid[i, p]]
        r = [F(stack[i, p]) for i in recent_idx if valid[i, p]]
        if len(b) < 3 or len(r) < 1:
            continue
        lo, hi = min(b), max(b)
        ext = sorted(b + [lo - Fraction(5, 100) * (hi - lo), hi + Fraction(5, 100) * (hi - lo)])
        m = len(ext)
        pct = []
        for k in range(1, 10):
            h = Fraction(m - 1) * Fraction(10 * k, 100)
            j = math.floor(h)
            f = h - j
            j1 = min(j + 1, m - 1)
            pct.append(ext[j] + f * (ext[j1] - ext[j]))
        bm = sum(b) / len(b)
        rm = sum(r) / len(r)

        def cls(x):
            return 1 + sum(1 for q in pct if x > q)
        ch = cls(rm) - cls(bm)
        EDGES["state mean on a decile"] += (rm in pct) + (bm in pct)
        EDGES["state |difference| exactly the minimum"] += abs(rm - bm) * scale == min_diff
        if abs(rm - bm) * scale <= min_diff:
            ch = 0
        out[p] = -1 if ch <= -2 else (1 if ch >= 2 else 0)
    return out


def state_z(stack, valid, base_idx, recent_idx):
    """GPG v2 state (docs/ldn-method.md 1.3, "z-score"): z = (recent mean - mu) / (sigma / sqrt(n)), population
    sigma of the baseline years; z < -1.96 degraded, z > 1.96 improved; sigma = 0 nodata (in float64)."""
    P = stack.shape[1]
    out = np.full(P, NODATA, np.int64)
    for p in range(P):
        b = np.array([stack[i, p] for i in base_idx if valid[i, p]], np.float64)
        r = np.array([stack[i, p] for i in recent_idx if valid[i, p]], np.float64)
        if len(b) < 3 or len(r) < 1:
            continue
        sd = b.std()
        if sd == 0:
            continue
        z = (r.mean() - b.mean()) / (sd / math.sqrt(len(r)))
        out[p] = -1 if z < -1.96 else (1 if z > 1.96 else 0)
    return out


def performance(stack, valid, idx, unit, unit_valid, scale):
    P = stack.shape[1]
    cnt = valid[idx].sum(0)
    sm = np.where(valid[idx], stack[idx], 0).sum(0)
    has = (cnt > 0) & unit_valid
    out = np.full(P, NODATA, np.int64)
    for u in np.unique(unit[has]):
        sel = has & (unit == u)
        if not np.all(stack == np.round(stack)):   # exact sums of the float64 yearly values
            means = [sum(F(stack[i, q]) for i in idx if valid[i, q]) / int(cnt[q]) for q in np.where(sel)[0]]
        else:
            means = [Fraction(int(s), int(c)) for s, c in zip(sm[sel], cnt[sel])]
        srt = sorted(means)
        N = len(srt)
        h = Fraction(N - 1) * Fraction(9, 10)
        j = math.floor(h)
        f = h - j
        j1 = min(j + 1, N - 1)
        p90 = srt[j] + f * (srt[j1] - srt[j])
        if p90 <= 0:
            continue
        st = np.array([-1 if m / p90 <= Fraction(1, 2) else 0 for m in means])
        EDGES["performance ratio exactly 0.5"] += sum(1 for m in means if m / p90 == Fraction(1, 2))
        out[np.where(sel)[0]] = st
    return out


def lpd(t, s, p):
    out = np.full(t.shape, NODATA, np.int64)
    ok = (t != NODATA) & (s != NODATA) & (p != NODATA)
    table = {}
    for si in (-1, 0, 1):
        for pi in (-1, 0):
            table[(-1, si, pi)] = 1
    table[(0, -1, -1)] = 1
    table[(0, -1, 0)] = 2
    table[(0, 0, -1)] = 3
    table[(0, 0, 0)] = 4
    table[(0, 1, -1)] = 4
    table[(0, 1, 0)] = 4
    table[(1, -1, -1)] = 2
    table[(1, -1, 0)] = 5
    for si in (0, 1):
        for pi in (-1, 0):
            table[(1, si, pi)] = 5
    for k, v in table.items():
        out[ok & (t == k[0]) & (s == k[1]) & (p == k[2])] = v
    return out


def prod_status(l):
    return np.select([l == NODATA, l <= 2, l <= 4], [NODATA, -1, 0], 1)


def oaoa(*xs):
    any_nd = np.zeros(xs[0].shape, bool)
    deg = np.zeros(xs[0].shape, bool)
    imp = np.zeros(xs[0].shape, bool)
    for x in xs:
        any_nd |= x == NODATA
        deg |= x == -1
        imp |= x == 1
    return np.where(any_nd, NODATA, np.where(deg, -1, np.where(imp, 1, 0)))


EXPANDED = {(-1, -1): 1, (-1, 0): 3, (-1, 1): 6, (0, -1): 2, (0, 0): 4, (0, 1): 6,
            (1, -1): 2, (1, 0): 5, (1, 1): 7}


def expanded(b, r):
    out = np.full(b.shape, NODATA, np.int64)
    for (i, j), v in EXPANDED.items():
        out[(b == i) & (r == j)] = v
    return out


def pixel_areas_km2(ds):
    from pyproj import CRS, Geod, Transformer
    gt = ds.GetGeoTransform()
    W, H = ds.RasterXSize, ds.RasterYSize
    crs = CRS.from_wkt(ds.GetProjection())
    geod = crs.get_geod()
    xs = gt[0] + np.arange(W + 1) * gt[1]
    ys = gt[3] + np.arange(H + 1) * gt[5]
    X, Y = np.meshgrid(xs, ys)
    if crs.is_geographic:
        lon, lat = X, Y
    else:
        tr = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
        lon, lat = tr.transform(X, Y)
    A = np.zeros((H, W))
    if crs.is_geographic and gt[2] == 0 and gt[4] == 0:
        # A cell of a geographic grid is bounded by two meridians and two PARALLELS, which are not geodesics:
        # the 4-corner geodesic polygon is off by 6e-8 of a 0.05 degree cell (session 17, Somalia, NAD27). The
        # edges are densified along the parallels (2 x 400 points: converged to 1e-12 km2); one area per row.
        k = 400
        t = np.linspace(0, 1, k + 1)[:-1]
        for r in range(H):
            x0, y0, dx, dy = gt[0], ys[r], gt[1], gt[5]
            lo = np.concatenate([x0 + dx * t, np.full(k, x0 + dx), x0 + dx - dx * t, np.full(k, x0)])
            la = np.concatenate([np.full(k, y0), y0 + dy * t, np.full(k, y0 + dy), y0 + dy - dy * t])
            a, _ = geod.polygon_area_perimeter(lo, la)
            A[r, :] = abs(a) / 1e6
        return A
    for r in range(H):
        for c in range(W):
            lo = [lon[r, c], lon[r, c + 1], lon[r + 1, c + 1], lon[r + 1, c]]
            la = [lat[r, c], lat[r, c + 1], lat[r + 1, c + 1], lat[r + 1, c]]
            a, _ = geod.polygon_area_perimeter(lo, la)
            A[r, c] = abs(a) / 1e6
    return A


def map_year(y, maps):
    ks = sorted(maps)
    before = [k for k in ks if k <= y]
    return before[-1] if before else ks[0]


LABEL = {-1: "Degraded", 0: "Stable", 1: "Improved", NODATA: "No data"}
UNCCD_LAYERS = [("sdg-15-3-1", "sdg", None), ("productivity-status", "productivity", "all_cover_types"),
                ("landcover-status", "land_cover", None), ("soc-status", "soil_organic_carbon", "all_cover_types")]


def status_simple(b, r):
    """GPG v2 addendum status matrix, 3 classes (Trends.Earth sdg_status_expanded_to_simple(sdg_status_expanded(b, r))):
    degraded or improved now wins, stable now keeps the baseline's class; no data in either is no data."""
    return np.where((b == NODATA) | (r == NODATA), NODATA, np.where(r == 0, b, r))


def unccd_checks(name, layers, baseline, areas, unccd):
    """unccd-reporting.json against Trends.Earth's reading of its schema (te_schemas.reporting, te_algorithms
    land_deg_report.save_reporting_json, land_deg_progress._process_block_status, since 2026-03-10):
    `period_assessment` holds every period's OWN figures (`st.sdg_summary`...); `status_assessment` (reporting periods)
    each sub-indicator's status against the baseline summed (`zonal_total(sdg_status_expanded_to_simple(...))`);
    `change_assessment` the baseline layer crossed with the period's own layer (`bizonal_total(baseline, reporting)`)."""
    cond = unccd["land_condition"].get(name)
    if cond is None:
        FAILURES.append(f"{name}: not in unccd-reporting.json")
        return
    bad = 0
    def check(what, got, want):
        nonlocal bad
        if got is None or abs(got - want) > 1e-6:
            bad += 1
            FAILURES.append(f"{name} unccd {what}: tool {got}, expected {want:.9f}")
    def area_of(lst, label):
        for a in (lst or {}).get("areas", []):
            if a["name"] == label:
                return a["area"]
        return None
    pa = cond["period_assessment"]
    own = layers["sdg-15-3-1"]
    for c, label in LABEL.items():
        check(f"period_assessment.sdg {label}", area_of(pa["sdg"]["summary"], label), areas[own == c].sum())
    if baseline is None:
        print(f"  unccd-reporting.json: {bad} figures differ")
        return
    st_doc, ch_doc = cond.get("status_assessment"), cond.get("change_assessment") or {}
    if st_doc is None:
        FAILURES.append(f"{name} unccd: no status_assessment (the status against the baseline of each sub-indicator)")
    for file, key, sub in UNCCD_LAYERS:
        b, r = baseline[file], layers[file]
        st = status_simple(b, r)
        if st_doc is not None:
            lst = st_doc[key] if sub is None else st_doc[key].get(sub)
            for c, label in LABEL.items():
                check(f"status_assessment.{key} {label}", area_of(lst, label), areas[st == c].sum())
        tab = ch_doc.get(key)
        cells = {(v["initial_label"], v["final_label"]): v["value"] for v in (tab or {}).get("values", [])}
        for cb, lb in LABEL.items():
            for cr, lr in LABEL.items():
                check(f"change_assessment.{key} {lb} -> {lr}", cells.get((lb, lr)), areas[(b == cb) & (r == cr)].sum())
    if st_doc is not None:
        st = status_simple(baseline["sdg-15-3-1"], own)
        land = areas[(st >= -1) & (st <= 1)].sum()
        want = round(100 * areas[st == -1].sum() / land, 4) if land > 0 else None
        got = st_doc.get("proportion_degraded_percent")
        if want is None or got is None or abs(got - want) > 1.5e-4:
            bad += 1
            FAILURES.append(f"{name} unccd SO1-4 status_assessment.proportion_degraded_percent: tool {got}, expected {want}")
        print(f"  unccd SO1-4 (status against the baseline): tool {got} %, expected {want} %")
    print(f"  unccd-reporting.json: {bad} figures differ")


def windows_of(cfg, name, a, b, first_year):
    """A period's analysis windows, written from docs/ldn-method.md "Analysis windows" and docs/ldn.md (session 18):
    `[windows] preset` "trends-earth" (default; Trends.Earth's SDG 15.3.1 presets, te_algorithms/gee/productivity.py) or
    "period" (the GPG v2 text read literally), `[windows] years` (16), `[windows] land_cover_start`,
    `[productivity] land_units` and the per-period `[windows.NAME]` trajectory / performance / state overrides.

    trends-earth: the baseline over its own years; a reporting period over the `years` years ending at its last year,
    from the first productivity year when fewer exist, never fewer than its own years; state: the window's last 3
    years against its earlier years; land cover of a reporting period from the baseline's END map; land units from the
    map of the performance window's first year.
    period: trajectory and performance over the period's own years; state: its last 3 years against the baseline
    period's earlier years (the baseline) or the baseline period's years (a reporting period); land cover of a
    reporting period from the baseline's START map; land units from the period's end map."""
    wc = cfg.get("windows", {})
    preset = wc.get("preset", "trends-earth")
    if preset not in ("trends-earth", "period"):
        raise SystemExit(f"windows.preset {preset!r}: the reference knows trends-earth and period")
    n = int(wc.get("years", 16))
    own = list(range(a, b + 1))
    base = cfg["periods"]["baseline"]
    if preset == "trends-earth":
        win = own if name == "baseline" else list(range(min(max(first_year, b - n + 1), a), b + 1))
        traj = perf = win
        recent = win[-3:]
        earlier = win[:-3]
    else:
        traj = perf = own
        recent = own[-3:]
        earlier = own[:-3] if name == "baseline" else list(range(base[0], base[1] + 1))
    o = wc.get(name, {})
    if "trajectory" in o:
        traj = list(range(o["trajectory"][0], o["trajectory"][1] + 1))
    if "performance" in o:
        perf = list(range(o["performance"][0], o["performance"][1] + 1))
    if "state" in o:
        earlier = list(range(o["state"][0][0], o["state"][0][1] + 1))
        recent = list(range(o["state"][1][0], o["state"][1][1] + 1))
    lcs = wc.get("land_cover_start")
    units = cfg["productivity"].get("land_units")
    return {"trajectory": traj, "performance": perf, "state_baseline": earlier, "state_recent": recent,
            "land_cover_from_baseline_end": (lcs == "baseline-end") if lcs else preset == "trends-earth",
            "units_from_performance_start": (units == "performance-start") if units else preset == "trends-earth"}


def main():
    cfg_path, outdir = sys.argv[1], sys.argv[2]
    with open(cfg_path, "rb") as fh:
        cfg = tomllib.load(fh)
    base = os.path.dirname(os.path.abspath(cfg_path))
    pr = cfg["productivity"]
    scale = Fraction(str(pr.get("scale", 1)))
    ds = gdal.Open(os.path.join(base, pr["stack"]))
    W, H = ds.RasterXSize, ds.RasterYSize
    years = []
    bands = []
    valids = []
    for i in range(ds.RasterCount):
        b = ds.GetRasterBand(i + 1)
        years.append(int("".join(ch for ch in b.GetDescription() if ch.isdigit())[:4]))
        a = b.ReadAsArray().astype(np.float64).ravel()
        nd = b.GetNoDataValue()
        ok = np.isfinite(a)
        if nd is not None and not math.isnan(nd):
            ok &= a != nd
        bands.append(np.where(ok, a, 0.0))
        valids.append(ok)
    stack = np.array(bands)
    valid = np.array(valids)
    if len(set(years)) != len(years):
        # several observations a year: the mean of the valid ones when they number at least
        # ceil(fraction x the most complete year's observations), else nodata (docs/ldn.md)
        frac = Fraction(str(pr.get("minimum_year_fraction", 0.75)))
        uy = sorted(set(years))
        most = max(years.count(y) for y in uy)
        need = math.ceil(frac * most)
        rows, vrows = [], []
        for y in uy:
            ix = [i for i, yy in enumerate(years) if yy == y]
            c = valid[ix].sum(0)
            s_ = np.where(valid[ix], stack[ix], 0).sum(0)
            ok = c >= need
            rows.append(np.where(ok, s_ / np.maximum(c, 1), 0.0))
            vrows.append(ok)
        stack = np.array(rows, np.float64)
        if os.environ.get("YEARS_FLOAT32"):
            stack = stack.astype(np.float32).astype(np.float64)
        valid = np.array(vrows)
        years = uy
        print("annual means:", {y: int(valid[i].sum()) for i, y in enumerate(years)}, "pixels valid; need", need, "of", most)
    maps = {int(k): os.path.join(base, v) for k, v in cfg["landcover"]["maps"].items()}
    code2cls = {c: k for k, cs in ESA.items() for c in cs}
    leg = cfg["landcover"].get("legend", "esa-cci")
    if leg != "esa-cci":
        code2cls = {int(k): int(v) for k, v in json.load(open(os.path.join(base, leg))).items()}
    global TRANSITIONS
    if "transitions" in cfg["landcover"]:
        TRANSITIONS = np.array(json.load(open(os.path.join(base, cfg["landcover"]["transitions"]))))
    lc_codes = {}
    lc_cls = {}
    for y, pth in maps.items():
        a, nd, _ = read(pth)
        a = a.astype(np.int64).ravel()
        lc_codes[y] = a
        lc_cls[y] = np.array([code2cls.get(int(v), 0) for v in a]) if False else \
            np.vectorize(lambda v: code2cls.get(int(v), 0))(a)
    soc, soc_nd, _ = read(os.path.join(base, cfg["soc"]["baseline"]))
    soc = soc.astype(np.float64).ravel()
    soc_ok = (soc != soc_nd) if soc_nd is not None else np.ones_like(soc, bool)
    f = CROPLAND_FACTOR[cfg["soc"].get("climate", "temperate-dry")]
    periods = [("baseline", cfg["periods"]["baseline"])] + \
        [(f"reporting-{a}-{b}", [a, b]) for a, b in cfg["periods"].get("reporting", [])]
    y0 = years[0]
    areas = pixel_areas_km2(ds).ravel()
    results = {}
    base_end_map = None
    report = json.load(open(os.path.join(outdir, "report.json")))
    unccd = json.load(open(os.path.join(outdir, "unccd-reporting.json")))
    total_compared = 0
    for name, (a, b) in periods:
        w = windows_of(cfg, name, a, b, years[0])
        win, perf_win = w["trajectory"], w["performance"]
        if name == "baseline":
            lc0 = map_year(a, maps)
            base_end_map = map_year(b, maps)
        else:
            lc0 = base_end_map if w["land_cover_from_baseline_end"] else map_year(cfg["periods"]["baseline"][0], maps)
        lc1 = map_year(b, maps)
        idx = [years.index(y) for y in win]
        pidx = [years.index(y) for y in perf_win]
        st_base, st_recent = [years.index(y) for y in w["state_baseline"]], [years.index(y) for y in w["state_recent"]]
        traj_c = trajectory(stack[idx], valid[idx], win, scale)
        unit_year = map_year(perf_win[0], maps) if w["units_from_performance_start"] else lc1
        unit = lc_cls[unit_year]
        unit_valid = (lc_cls[unit_year] != 0) & (lc_cls[unit_year] != 7)
        perf = performance(stack, valid, pidx, unit, unit_valid, scale)
        if pr.get("state", "deciles") == "z-score":
            stt = state_z(stack, valid, st_base, st_recent)
        else:
            stt = state(stack, valid, st_base, st_recent, scale)
        tr_s = traj_status(traj_c)
        l5 = lpd(tr_s, stt, perf)
        ps = prod_status(l5)
        c0, c1 = lc_cls[lc0], lc_cls[lc1]
        okc = (c0 > 0) & (c1 > 0)
        lcs = np.where(okc, TRANSITIONS[np.clip(c0 - 1, 0, 6), np.clip(c1 - 1, 0, 6)], NODATA)
        t = min(lc1 - lc0, 20)
        socs = np.full(c0.shape, NODATA, np.int64)
        for i in range(1, 8):
            for j in range(1, 8):
                ch = Fraction(100) * Fraction(t, 20) * (soc_factor(i, j, f) - 1)
                v = -1 if ch <= -10 else (1 if ch >= 10 else 0)
                socs[(c0 == i) & (c1 == j)] = v
        socs[(c0 == 7) | ~soc_ok | ~okc] = NODATA
        sdg = oaoa(ps, lcs, socs)
        layers = {"trajectory": traj_c, "state": stt, "performance": perf, "lpd": l5,
                  "productivity-status": ps, "landcover-status": lcs, "soc-status": socs,
                  "sdg-15-3-1": sdg}
        if name != "baseline":
            layers["status-vs-baseline"] = expanded(results["baseline"]["sdg-15-3-1"], sdg)
        results[name] = layers
        print(f"{name}: trajectory {win[0]}-{win[-1]}, performance {perf_win[0]}-{perf_win[-1]}, state "
              f"{w['state_recent'][0]}-{w['state_recent'][-1]} vs {w['state_baseline'][0]}-{w['state_baseline'][-1]}, "
              f"land cover {lc0}->{lc1}, units {unit_year}")
        for ln, arr in layers.items():
            got = gdal.Open(os.path.join(outdir, name, ln + ".tif")).ReadAsArray().astype(np.int64).ravel()
            diff = np.nonzero(got != arr)[0]
            total_compared += arr.size
            if len(diff):
                FAILURES.append(f"{name}/{ln}: {len(diff)} pixels")
            print(f"  {ln:22s} {arr.size} px, {len(diff)} differ" +
                  (f"; first {[(int(d), int(arr[d]), int(got[d])) for d in diff[:5]]} (pixel, mine, tool)"
                   if len(diff) else ""))
        # areas per SDG class vs report.json
        km = {c: areas[sdg == c].sum() for c in (-1, 0, 1)}
        print(f"  SDG km2 mine: degraded {km[-1]:.6f} stable {km[0]:.6f} improved {km[1]:.6f}")
        per = [p for p in report["periods"] if p.get("name") == name]
        if per:
            tm = np.zeros((7, 7))
            for i in range(1, 8):
                for j in range(1, 8):
                    tm[i - 1, j - 1] = areas[(c0 == i) & (c1 == j)].sum()
            got = np.array(per[0]["landCoverTransitionsKm2"])
            print(f"  transition matrix 7x7 km2: worst |difference| {np.abs(got - tm).max():.2e}")
            if np.abs(got - tm).max() > 1e-6:
                FAILURES.append(f"{name}: transition matrix")
            # Every class row of the report's tables: pixels exactly, km2 within 1e-6 (pyproj per pixel).
            tables = {"SDG 15.3.1 (one out, all out)": sdg, "land productivity": ps, "soil organic carbon": socs,
                      "land cover": np.where((c0 == 7) & (c1 == 7), 7, lcs)}
            rows = [(k, r, v) for k, v in tables.items() for r in per[0]["subIndicators"][k]]
            rows += [("lpd", r, l5) for r in per[0]["productivityDynamics"]]
            if "status-vs-baseline" in layers:
                rows += [("status", r, layers["status-vs-baseline"]) for r in per[0]["statusVsBaseline"]]
            bad = 0
            for k, r, v in rows:
                sel = v == r["code"]
                if int(sel.sum()) != r["pixels"] or abs(areas[sel].sum() - r["km2"]) > 1e-6:
                    bad += 1
                    FAILURES.append(f"{name} {k} class {r['code']}: tool {r['pixels']} px {r['km2']} km2, "
                                    f"mine {int(sel.sum())} px {areas[sel].sum():.9f} km2")
            print(f"  report tables: {len(rows)} class rows, {bad} differ")
            # The proportion degraded: the baseline by its own layer; a reporting period by its status
            # against the baseline (Trends.Earth sdg_status_expanded_to_simple: 1-3 degraded, 4 stable, 5-7 improved).
            if "status-vs-baseline" in layers:
                st = layers["status-vs-baseline"]
                deg, land = areas[(st >= 1) & (st <= 3)].sum(), areas[(st >= 1) & (st <= 7)].sum()
            else:
                deg, land = areas[sdg == -1].sum(), areas[(sdg >= -1) & (sdg <= 1)].sum()
            want = round(100 * deg / land, 4) if land > 0 else None
            tool = per[0]["proportionDegradedPercent"]
            print(f"  proportion degraded: tool {tool} %, expected {want} %")
            if want is None or tool is None or abs(tool - want) > 1.5e-4:
                FAILURES.append(f"{name}: proportion degraded tool {tool} expected {want}")
        unccd_checks(name, layers, results["baseline"] if name != "baseline" else None, areas, unccd)
    print("pixels compared:", total_compared)
    print("edge cases met (all periods):", EDGES)
    scratch = os.environ.get("AUDIT_DIR") or tempfile.mkdtemp(prefix="ldn-audit-")
    np.save(os.path.join(scratch, "areas.npy"), areas)
    for n, l in results.items():
        np.savez(os.path.join(scratch, f"mine-{n}.npz"), **{k.replace('-', '_'): v for k, v in l.items()})
    print("differences:", len(FAILURES))
    for f_ in FAILURES[:40]:
        print("  ", f_)
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
