#!/usr/bin/python3
"""The NumPy+GDAL peer of `kubuqi-monitor change --threshold sigma:K` (no MMU): two passes over
the before/after NDVI rasters in strips of whole 256-row blocks, writing the same class raster
(Int16, -2..2, nodata -32768, DEFLATE level 6, PREDICTOR=2, NEAREST overviews) and magnitude
raster (Float32 d, NaN nodata, DEFLATE level 1, PREDICTOR=3, AVERAGE overviews), both Cloud
Optimized GeoTIFFs with 256 x 256 tiles, NUM_THREADS=ALL_CPUS, as kubuqi-monitor publishes them,
and the pixels per class. The second pass fills in-memory (MEM) rasters and GDAL's COG driver
encodes each once: the fastest way GDAL offers from NumPy (it holds both outputs in memory).
Usage: change_numpy.py BEFORE.tif AFTER.tif OUTDIR [K]
"""
import sys, json
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
before_path, after_path, out, k = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
b_ds, a_ds = gdal.Open(before_path), gdal.Open(after_path)
w, h = b_ds.RasterXSize, b_ds.RasterYSize
B, A = b_ds.GetRasterBand(1), a_ds.GetRasterBand(1)
rows = 256

def strips():
    for y in range(0, h, rows):
        n = min(rows, h - y)
        yield y, n, (A.ReadAsArray(0, y, w, n) - B.ReadAsArray(0, y, w, n))

# Pass 1: mean and standard deviation of d over pixels valid at both dates.
count, s, ss = 0, 0.0, 0.0
for _, _, d in strips():
    v = d[np.isfinite(d)].astype(np.float64)
    count += v.size; s += v.sum(); ss += (v * v).sum()
mean = s / count
sd = np.sqrt(max(0.0, ss / count - mean * mean))
change, strong = k * sd, 2 * k * sd

common = ["BLOCKSIZE=256", "COMPRESS=DEFLATE", "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER"]
mem = gdal.GetDriverByName("MEM")
cls = mem.Create("", w, h, 1, gdal.GDT_Int16)
mag = mem.Create("", w, h, 1, gdal.GDT_Float32)
mag.GetRasterBand(1).SetNoDataValue(float("nan"))
for ds in (cls, mag):
    ds.SetGeoTransform(b_ds.GetGeoTransform()); ds.SetProjection(b_ds.GetProjection())
cls.GetRasterBand(1).SetNoDataValue(-32768)
counts = np.zeros(5, np.int64)
# Pass 2: classes and magnitude.
for y, n, d in strips():
    x = d.astype(np.float64) - mean
    c = np.zeros(d.shape, np.int16)
    c[x <= -change] = -1; c[x <= -strong] = -2; c[x >= change] = 1; c[x >= strong] = 2
    c[~np.isfinite(d)] = -32768
    counts += np.bincount((c[c != -32768] + 2).ravel(), minlength=5)
    cls.GetRasterBand(1).WriteArray(c, 0, y)
    mag.GetRasterBand(1).WriteArray(d, 0, y)
gdal.Translate(f"{out}/change-class.tif", cls, format="COG", creationOptions=common + ["LEVEL=4", "PREDICTOR=STANDARD", "RESAMPLING=NEAREST"])
gdal.Translate(f"{out}/change-magnitude.tif", mag, format="COG", creationOptions=common + ["LEVEL=1", "PREDICTOR=FLOATING_POINT", "RESAMPLING=AVERAGE"])
cls = mag = None
gt = b_ds.GetGeoTransform()
json.dump({"mean": mean, "sd": sd, "pixels": counts.tolist(), "hectares_planar": (counts * abs(gt[1] * gt[5]) / 1e4).tolist()},
          open(f"{out}/change-stats.json", "w"))
