#!/usr/bin/python3
"""The NumPy+GDAL peer of `kubuqi-monitor warn SERIES --baseline FIRST-LAST` on a monthly series
whose bands are consecutive months (the fixture's, enlarged): for the latest month and the 11
before it (persistence, --history 12), against the same month of every baseline year (the
assessed year left out): VCI with the 10th/90th percentile bounds (linear, type 7), z-score (sd
with n-1), percent of median, percentile rank, the not-assessable rule (fewer than 5 years,
upper bound < 0.10, upper - lower <= 0.02), alert levels (VCI < 10, 20, 35) and persistence.
Writes the same 8 layers (alert-level, persistence Int16; vci, zscore, pct-median, pct-rank,
value, baseline-median Float32) as tiled DEFLATE GeoTIFFs, in strips of 256 rows.
No hotspots, zones, bulletin or true areas (that is the rest of warn's work).
Usage: warn_numpy.py SERIES.tif FIRST-LAST OUTDIR [--check WARN_OUTDIR]
"""
import sys
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
series, span, out = sys.argv[1], sys.argv[2], sys.argv[3]
check = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--check" else None
first, last = map(int, span.split("-"))
ds = gdal.Open(series)
w, h, nb = ds.RasterXSize, ds.RasterYSize, ds.RasterCount
year = int(ds.GetRasterBand(nb).GetDescription()[:4])           # bands are months; the last is assessed
years = [y for y in range(first, last + 1) if y != year]
history, scale = 12, 0.0001
offsets = range(history)
# band index (0-based) of offset q in baseline year y: the assessed band moved back q months and by y - year years
cur = [nb - 1 - q for q in offsets]
base = [[c + 12 * (y - year) for y in years] for c in cur]
need = sorted({b for b in cur if b >= 0} | {b for row in base for b in row if b >= 0})

names = ["alert-level", "vci", "zscore", "pct-median", "pct-rank", "persistence", "value", "baseline-median"]
drv = gdal.GetDriverByName("GTiff")
co = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER"]
outs = {}
for n in names:
    ints = n in ("alert-level", "persistence")
    o = drv.Create(f"{out}/{n}.tif", w, h, 1, gdal.GDT_Int16 if ints else gdal.GDT_Float32, co + (["PREDICTOR=2"] if ints else ["PREDICTOR=3"]))
    o.SetGeoTransform(ds.GetGeoTransform()); o.SetProjection(ds.GetProjection())
    o.GetRasterBand(1).SetNoDataValue(-32768 if ints else float("nan"))
    outs[n] = o


def read(b, y0, rows):
    band = ds.GetRasterBand(b + 1)
    raw = band.ReadAsArray(0, y0, w, rows)
    a = raw.astype(np.float32) * np.float32(scale)                # scaled in single precision, as warn's inputs
    nd = band.GetNoDataValue()
    if nd is not None: a[raw == nd] = np.nan
    return a.astype(np.float64)


def metrics(x, b):
    """x: (rows, w); b: (years, rows, w) with NaN gaps -> dict of layers and the level."""
    n = np.sum(~np.isnan(b), axis=0)
    s = np.sort(b, axis=0)                                       # NaN last

    def pct(p):
        hh = np.maximum(n - 1, 0) * p / 100.0
        lo = np.floor(hh).astype(np.int64); hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        vlo = np.take_along_axis(s, lo[None], 0)[0]; vhi = np.take_along_axis(s, hi[None], 0)[0]
        return np.where(n > 0, vlo + (hh - lo) * (vhi - vlo), np.nan)
    lower, upper, median = pct(10), pct(90), pct(50)
    with np.errstate(invalid="ignore", divide="ignore"):
        assessable = (n >= 5) & (upper >= 0.10) & (upper - lower > 0.02)
        vci = np.clip(100 * (x - lower) / (upper - lower), 0, 100)
        sd = np.nanstd(b, axis=0, ddof=1)
        z = np.where(sd > 0, (x - np.nanmean(b, axis=0)) / sd, np.nan)
        pm = np.where(median > 0, 100 * x / median, np.nan)
        below = np.sum(b < x, axis=0); equal = np.sum(b == x, axis=0)
        rank = 100 * (below + 0.5 * equal) / n
    level = np.select([vci < 10, vci < 20, vci < 35], [3, 2, 1], 0).astype(np.float64)
    level = np.where(np.isnan(x), np.nan, np.where(assessable & ~np.isnan(vci), level, 9))
    ok = assessable & ~np.isnan(x)
    return level, {"vci": np.where(ok, vci, np.nan), "zscore": np.where(ok, z, np.nan), "pct-median": np.where(ok, pm, np.nan),
                   "pct-rank": np.where(ok, rank, np.nan), "baseline-median": np.where(n > 0, median, np.nan)}


for y0 in range(0, h, 256):
    rows = min(256, h - y0)
    cache = {b: read(b, y0, rows) for b in need}
    empty = np.full((rows, w), np.nan)
    persistence = np.zeros((rows, w)); running = np.ones((rows, w), bool)
    for q in offsets:
        x = cache.get(cur[q], empty)
        b = np.stack([cache.get(i, empty) for i in base[q]])
        level, m = metrics(x, b)
        if q == 0:
            level0, m0, x0 = level, m, x
        alert = (level >= 1) & (level <= 3)
        running &= alert
        persistence += running
    layers = dict(m0, **{"alert-level": np.where(np.isnan(level0), -32768, level0),
                         "persistence": np.where(np.isnan(level0), -32768, persistence), "value": x0})
    for n in names:
        outs[n].GetRasterBand(1).WriteArray(layers[n], 0, y0)
for o in outs.values(): o.FlushCache()
outs = None

if check:
    for n in ["alert-level", "persistence", "vci", "zscore", "pct-median", "pct-rank"]:
        ours, theirs = gdal.Open(f"{out}/{n}.tif"), gdal.Open(f"{check}/{n}.tif")   # held: a band must not outlive its dataset
        a = ours.ReadAsArray().astype(np.float64)
        b = theirs.ReadAsArray().astype(np.float64)
        if n in ("alert-level", "persistence"):
            a[a == -32768] = np.nan
            nd = theirs.GetRasterBand(1).GetNoDataValue()
            if nd is not None: b[b == nd] = np.nan
        bad = ~((np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= 1e-3 * np.maximum(1, np.abs(b))))
        if bad.any():
            sys.exit(f"warn_numpy.py: {n} differs from {check} in {int(bad.sum())} pixels")
    print("warn_numpy.py: alert-level, persistence, vci, zscore, pct-median and pct-rank agree with", check)
