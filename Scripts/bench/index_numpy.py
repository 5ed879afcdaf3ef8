#!/usr/bin/python3
"""The NumPy+GDAL peer of `kubuqi-monitor index ndvi` on a UInt16 red/NIR pair (nodata 0): NDVI
(nir - red) / (nir + red) in Float32, NaN where either band is nodata, written as the same Cloud
Optimized GeoTIFF (256 x 256 tiles, DEFLATE level 1, PREDICTOR=FLOATING_POINT, AVERAGE overviews,
NUM_THREADS=ALL_CPUS). Strips of 512 rows fill an in-memory (MEM) raster that GDAL's COG driver
encodes once: the fastest way GDAL offers from NumPy (it holds the output in memory). With
--rasterio the bands are read through rasterio instead of GDAL's own bindings (when installed).
Usage: index_numpy.py RED.tif NIR.tif OUT.tif [--rasterio]
"""
import sys
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
red_path, nir_path, out = sys.argv[1:4]
use_rasterio = "--rasterio" in sys.argv[4:]
r_ds = gdal.Open(red_path)
w, h = r_ds.RasterXSize, r_ds.RasterYSize
rows = 512
ndvi = gdal.GetDriverByName("MEM").Create("", w, h, 1, gdal.GDT_Float32)
ndvi.SetGeoTransform(r_ds.GetGeoTransform()); ndvi.SetProjection(r_ds.GetProjection())
band = ndvi.GetRasterBand(1); band.SetNoDataValue(float("nan"))

def strips():
    if use_rasterio:
        import rasterio
        from rasterio.windows import Window
        with rasterio.open(red_path) as R, rasterio.open(nir_path) as N:
            for y in range(0, h, rows):
                win = Window(0, y, w, min(rows, h - y))
                yield y, R.read(1, window=win), N.read(1, window=win)
    else:
        n_ds = gdal.Open(nir_path)  # a band needs its dataset alive (GDAL's bindings crash otherwise)
        R, N = r_ds.GetRasterBand(1), n_ds.GetRasterBand(1)
        for y in range(0, h, rows):
            n = min(rows, h - y)
            yield y, R.ReadAsArray(0, y, w, n), N.ReadAsArray(0, y, w, n)

for y, r, n in strips():
    rf, nf = r.astype(np.float32), n.astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = (nf - rf) / (nf + rf)
    v[(r == 0) | (n == 0)] = np.nan
    band.WriteArray(v, 0, y)
gdal.Translate(out, ndvi, format="COG", creationOptions=["BLOCKSIZE=256", "COMPRESS=DEFLATE", "LEVEL=1", "PREDICTOR=FLOATING_POINT",
                                                          "RESAMPLING=AVERAGE", "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER"])
