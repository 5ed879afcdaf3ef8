"""Writes a GeoJSON zone layer of K x K touching square polygons tiling a raster's extent
(zone names "z1" ... "zN" in field `name`, ids 1 ... N in field `id`, the raster's CRS): the zone-count benchmark's input.
Usage: zones_make.py RASTER K OUT.geojson"""
import json, sys
from osgeo import gdal, osr

raster, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ds = gdal.Open(raster)
x0, dx, _, y0, _, dy = ds.GetGeoTransform()
w, h = ds.RasterXSize * dx, ds.RasterYSize * -dy
srs = osr.SpatialReference(wkt=ds.GetProjection())
code = srs.GetAuthorityCode(None)
with open(out, "w") as f:
    f.write('{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::%s"}},"features":[\n' % code)
    n = 0
    for r in range(k):
        for c in range(k):
            a, b = x0 + w * c / k, x0 + w * (c + 1) / k
            top, bottom = y0 - h * r / k, y0 - h * (r + 1) / k
            n += 1
            ring = [[a, top], [b, top], [b, bottom], [a, bottom], [a, top]]
            f.write(("," if n > 1 else "") + json.dumps({"type": "Feature", "properties": {"name": f"z{n}", "id": n},
                    "geometry": {"type": "Polygon", "coordinates": [ring]}}) + "\n")
    f.write("]}\n")
