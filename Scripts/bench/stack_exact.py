#!/usr/bin/python3
"""Exact check of `stack`'s yearly means (the default reducer) on a folder of single-date Int16 files named
ndvi_YYYY-MM-DD.tif (band scale as declared, offset 0, nodata as declared), e.g. `kubuqi-bench make-series`:
per pixel and year, the exact mean scale x S / n (S: the sum of the n valid stored integers, scale: the band's
scale as a float32) rounded to the nearest float32 (ties to even) -- computed in 80-bit long double (the product
is exact, the quotient within 2^-64) with every quotient near a float32 rounding midpoint settled by exact
rationals -- against each given stack output (NaN where n = 0; run with --min-coverage 0). Also the float path's
value (each value x scale in float32, summed in float64 in date order, divided, to float32) for comparison.
Prints, per output, how many pixel-years differ from the exact value and by how many float32 units.
Usage: stack_exact.py DIR STACK.tif [STACK.tif...]   (not a test; figures in docs/benchmarks.md, "Stack (issue 16)")"""
import glob, os, re, sys
from fractions import Fraction
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
folder, outputs = sys.argv[1], sys.argv[2:]
files = sorted(glob.glob(os.path.join(folder, "ndvi_*.tif")))
years = sorted({re.search(r"ndvi_(\d{4})-", f).group(1) for f in files})
first_ds = gdal.Open(files[0]); first = first_ds.GetRasterBand(1)
scale32, nodata = np.float32(first.GetScale() or 1.0), first.GetNoDataValue()
assert (first.GetOffset() or 0) == 0, "offset 0 only"
outs = [gdal.Open(o) for o in outputs]

def nearest_f32(S, n):
    """The float32 nearest scale32 x S / n, ties to even, for int64 arrays S and n (n > 0)."""
    q = (np.longdouble(scale32) * S.astype(np.longdouble)) / n.astype(np.longdouble)
    c = q.astype(np.float32)   # x87 long double -> float32: one rounding of q
    # q is within 2^-64 (relative) of the exact quotient: c is the nearest float32 of the exact value unless q lies
    # that close to a float32 rounding midpoint; those are settled exactly.
    lo, hi = np.nextafter(c, np.float32(-np.inf)), np.nextafter(c, np.float32(np.inf))
    mids = np.stack([(c.astype(np.longdouble) + lo) / 2, (c.astype(np.longdouble) + hi) / 2])
    near = (np.abs(mids - q) <= np.abs(q) * np.longdouble(2.0) ** -60).any(axis=0)
    exact_scale = Fraction(float(scale32))
    for j in np.flatnonzero(near):
        x = exact_scale * int(S[j]) / int(n[j])
        cands = [lo[j], c[j], hi[j]]
        c[j] = min(cands, key=lambda f: (abs(Fraction(float(f)) - x), int(np.array(f).view(np.uint32)) & 1))
    return c, int(near.sum())

def ulps(a, b):
    """|a - b| in float32 units (same sign, finite)."""
    ia, ib = a.view(np.int32).astype(np.int64), b.view(np.int32).astype(np.int64)
    return np.abs(ia - ib)

report = {o: {"differ": 0, "ulps": {}, "nan": 0} for o in outputs}
floatpath = {"differ": 0, "ulps": {}}
total, settled = 0, 0
for k, y in enumerate(years):
    fs = [f for f in files if re.search(r"ndvi_(\d{4})-", f).group(1) == y]
    S = None
    for f in fs:
        src = gdal.Open(f); v = src.GetRasterBand(1).ReadAsArray().astype(np.int64).ravel()
        valid = v != nodata
        if S is None:
            S = np.zeros(v.size, np.int64); n = np.zeros(v.size, np.int64); fsum = np.zeros(v.size, np.float64)
        S += np.where(valid, v, 0); n += valid
        fsum += np.where(valid, (v.astype(np.float32) * scale32 + np.float32(0)).astype(np.float64), 0.0)
    has = n > 0
    want, near = nearest_f32(S[has], n[has])
    settled += near; total += int(has.sum())
    fp = (fsum[has] / n[has]).astype(np.float32)
    d = ulps(fp, want); floatpath["differ"] += int((d > 0).sum())
    for u, m in zip(*np.unique(d[d > 0], return_counts=True)): floatpath["ulps"][int(u)] = floatpath["ulps"].get(int(u), 0) + int(m)
    for o, ds in zip(outputs, outs):
        got = ds.GetRasterBand(k + 1).ReadAsArray().ravel()
        r = report[o]
        r["nan"] += int((np.isnan(got[~has]) == False).sum()) + int(np.isnan(got[has]).sum())
        d = ulps(got[has].astype(np.float32), want)
        r["differ"] += int((d > 0).sum())
        for u, m in zip(*np.unique(d[d > 0], return_counts=True)): r["ulps"][int(u)] = r["ulps"].get(int(u), 0) + int(m)
print(f"{len(files)} files, {len(years)} years, {total} pixel-years with a valid value; {settled} settled by exact rationals")
print(f"float path (float32 per value, float64 sum): {floatpath['differ']} differ from the nearest float32 of the exact mean; by ulps: {floatpath['ulps']}")
for o in outputs:
    r = report[o]
    print(f"{o}: {r['differ']} differ from the nearest float32 of the exact mean; by ulps: {r['ulps']}; NaN misplaced: {r['nan']}")
