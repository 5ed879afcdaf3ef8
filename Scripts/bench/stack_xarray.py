#!/usr/bin/python3
"""The xarray peer of `stack` (Scripts/bench/stack.sh): the annual mean as an xarray user writes
it, `da.where(da != nodata).groupby("time.year").mean("time")`, over a DataArray (time, y, x)
of a folder of single-date Int16 files named ndvi_YYYY-MM-DD.tif. Debian's xarray has no raster
backend (rioxarray) and no dask, so the series is loaded through GDAL one 256-row strip (a
block row) at a time, which keeps memory to one strip of every date; the result is written as
`stack` writes it (Float32, one band per year, tiled 256 x 256 DEFLATE level 1 predictor 3).
Usage: stack_xarray.py DIR OUT.tif"""
import glob, os, re, sys
import numpy as np, pandas as pd, xarray as xr
from osgeo import gdal
gdal.UseExceptions()
folder, out = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(folder, "ndvi_*.tif")))
if not files: sys.exit(f"stack_xarray.py: no ndvi_*.tif in {folder}")
time = pd.to_datetime([re.search(r"ndvi_(\d{4}-\d\d-\d\d)", f).group(1) for f in files])
sets = [gdal.Open(f) for f in files]
first = sets[0].GetRasterBand(1)
scale, nodata = first.GetScale() or 1.0, first.GetNoDataValue()
w, h = sets[0].RasterXSize, sets[0].RasterYSize
years = sorted(set(time.year))
dst = gdal.GetDriverByName("GTiff").Create(out, w, h, len(years), gdal.GDT_Float32, [
    "TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "ZLEVEL=1", "PREDICTOR=3",
    "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER", "INTERLEAVE=BAND"])
dst.SetGeoTransform(sets[0].GetGeoTransform()); dst.SetProjection(sets[0].GetProjection())
for k, y in enumerate(years):
    dst.GetRasterBand(k + 1).SetDescription(str(y)); dst.GetRasterBand(k + 1).SetNoDataValue(float("nan"))
for row in range(0, h, 256):
    rows = min(256, h - row)
    da = xr.DataArray(np.stack([ds.GetRasterBand(1).ReadAsArray(0, row, w, rows) for ds in sets]),
                      dims=("time", "y", "x"), coords={"time": time})
    mean = (da.where(da != nodata).groupby("time.year").mean("time") * scale).astype(np.float32)
    for k, y in enumerate(years): dst.GetRasterBand(k + 1).WriteArray(mean.sel(year=y).values, 0, row)
dst = None
