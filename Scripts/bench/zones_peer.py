"""The zone step done by a peer: GDAL's rasteriser (gdal.Rasterize, as gdal_rasterize, burning the `id` field)
onto the class raster's grid, then one NumPy bincount of (zone, class) pixels: the pixel counts per zone and class
that `change --zones` tabulates. Prints the non-zero cells' count. Usage: zones_peer.py CLASS.tif ZONES.geojson"""
import sys
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
classes_path, zones_path = sys.argv[1:3]
ds = gdal.Open(classes_path)
classes = ds.GetRasterBand(1).ReadAsArray()
mem = gdal.GetDriverByName("MEM").Create("", ds.RasterXSize, ds.RasterYSize, 1, gdal.GDT_Int32)
mem.SetGeoTransform(ds.GetGeoTransform()); mem.SetProjection(ds.GetProjection())
gdal.Rasterize(mem, zones_path, attribute="id")
zones = mem.GetRasterBand(1).ReadAsArray().astype(np.int64)
codes = classes.astype(np.int64)
codes = np.where(classes == -32768, 5, codes + 2)  # classes -2..2 -> 0..4, nodata -> 5
counts = np.bincount((zones * 6 + codes).ravel(), minlength=(zones.max() + 1) * 6)
print(int(np.count_nonzero(counts)))
