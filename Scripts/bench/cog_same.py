#!/usr/bin/env python3
"""Compares two output folders whose COGs may differ in bytes but must not in content (docs/benchmarks.md,
"COG from the workers' tiles"): every .tif of A against the same file of B, pixels at every level (full resolution
and each overview, read by GDAL), `gdalinfo -json` but for the file names, and GDAL's COG validator on B; every
STAC Item (*.item.json, catalog.json) equal but for its "file:checksum" and "file:size" fields; every other file
byte for byte (the .kubuqi.lock files aside). Prints one line per difference, then a summary; exits 1 on any.
Also counts the .tif files that are byte-identical. Usage: cog_same.py A B"""
import filecmp, json, os, sys
import numpy as np
from osgeo import gdal
from osgeo_utils.samples import validate_cloud_optimized_geotiff as validator
gdal.UseExceptions()

def files(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out

def info(path):
    d = gdal.Info(path, format='json')
    d.pop('description', None); d.pop('files', None)
    return d

def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in ('file:checksum', 'file:size')}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj

a, b = sys.argv[1], sys.argv[2]
fa, fb = files(a), files(b)
bad = []
if fa != fb:
    bad.append(f'file lists differ: only in A {sorted(fa - fb)}, only in B {sorted(fb - fa)}')
tifs = identical = levels = 0
for f in sorted(fa & fb):
    pa, pb = os.path.join(a, f), os.path.join(b, f)
    if f.endswith('.kubuqi.lock'):
        continue
    if f.endswith('.tif'):
        tifs += 1
        if filecmp.cmp(pa, pb, shallow=False):
            identical += 1
            continue
        da, db = gdal.Open(pa), gdal.Open(pb)
        for k in range(1, da.RasterCount + 1):
            ba, bb = da.GetRasterBand(k), db.GetRasterBand(k)
            if ba.GetOverviewCount() != bb.GetOverviewCount():
                bad.append(f'{f} band {k}: {ba.GetOverviewCount()} overviews against {bb.GetOverviewCount()}')
                continue
            for o in range(-1, ba.GetOverviewCount()):
                x = ba if o < 0 else ba.GetOverview(o)
                y = bb if o < 0 else bb.GetOverview(o)
                levels += 1
                xa, ya = x.ReadAsArray(), y.ReadAsArray()
                if xa.shape != ya.shape or not np.array_equal(xa, ya, equal_nan=True):
                    bad.append(f'{f} band {k} level {o + 1}: pixels differ')
        da = db = None
        if info(pa) != info(pb):
            bad.append(f'{f}: gdalinfo differs')
        warnings, errors, _ = validator.validate(pb, full_check=True)
        if errors:
            bad.append(f'{f}: not a valid COG in B: {errors}')
    elif f.endswith('.json') and ('item' in f or f.endswith('catalog.json')):
        if strip(json.load(open(pa))) != strip(json.load(open(pb))):
            bad.append(f'{f}: differs beyond checksums and sizes')
    elif not filecmp.cmp(pa, pb, shallow=False):
        bad.append(f'{f}: bytes differ')
for line in bad:
    print('differs:', line)
print(f'{tifs} rasters ({identical} byte-identical; {levels} levels of the others compared pixel by pixel), '
      f'{len(fa & fb) - tifs} other files: {"same content" if not bad else "DIFFERENT"}')
sys.exit(1 if bad else 0)
