#!/usr/bin/python3
"""The plain NumPy + GDAL window loop `stack` is compared with (Scripts/bench/stack.sh): annual
means of a folder of single-date Int16 files named ndvi_YYYY-MM-DD.tif (band scale and nodata
as declared), one 256-row strip (a block row) at a time: every file's strip read, the valid
values of each year averaged, one Float32 band per year (NaN where a year has no valid value),
tiled 256 x 256 DEFLATE level 1 predictor 3 as `stack` writes.
Usage: stack_numpy.py DIR OUT.tif"""
import glob, os, re, sys
import numpy as np
from osgeo import gdal
gdal.UseExceptions()
folder, out = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(folder, "ndvi_*.tif")))
if not files: sys.exit(f"stack_numpy.py: no ndvi_*.tif in {folder}")
years = sorted({re.search(r"ndvi_(\d{4})-", f).group(1) for f in files})
sets = [gdal.Open(f) for f in files]
year_of = [years.index(re.search(r"ndvi_(\d{4})-", f).group(1)) for f in files]
first = sets[0].GetRasterBand(1)
scale, nodata = first.GetScale() or 1.0, first.GetNoDataValue()
w, h = sets[0].RasterXSize, sets[0].RasterYSize
dst = gdal.GetDriverByName("GTiff").Create(out, w, h, len(years), gdal.GDT_Float32, [
    "TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "ZLEVEL=1", "PREDICTOR=3",
    "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER", "INTERLEAVE=BAND"])
dst.SetGeoTransform(sets[0].GetGeoTransform()); dst.SetProjection(sets[0].GetProjection())
for k, y in enumerate(years):
    dst.GetRasterBand(k + 1).SetDescription(y); dst.GetRasterBand(k + 1).SetNoDataValue(float("nan"))
for row in range(0, h, 256):
    rows = min(256, h - row)
    total = np.zeros((len(years), rows, w)); count = np.zeros((len(years), rows, w))
    for ds, k in zip(sets, year_of):
        v = ds.GetRasterBand(1).ReadAsArray(0, row, w, rows)
        valid = v != nodata
        total[k] += np.where(valid, v, 0); count[k] += valid
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (total / count * scale).astype(np.float32)
    for k in range(len(years)): dst.GetRasterBand(k + 1).WriteArray(mean[k], 0, row)
dst = None
