#!/usr/bin/python3
"""A measured floor: decode rasters and encode raw rasters with GDAL in one process (no Python
per-pixel work). Usage: floor.py --decode A.tif [--decode B.tif ...] [--times N]
                       [--encode RAW OUT.tif "CO1 CO2 ..."]... [--encode-cog RAW OUT.tif "CO1 ..."]...
Decoding reads every block (GDAL_NUM_THREADS=ALL_CPUS) into a raw ENVI copy in /dev/shm;
--encode writes a tiled GeoTIFF from a raw copy with the given GTiff creation options,
--encode-cog a Cloud Optimized GeoTIFF (GDAL's COG driver: overviews computed from the raw copy,
then every tile encoded once) with the given COG creation options, as kubuqi-monitor publishes."""
import os, sys, tempfile
from osgeo import gdal
gdal.UseExceptions()
gdal.SetConfigOption("GDAL_NUM_THREADS", "ALL_CPUS")
args = sys.argv[1:]
decode, encode, times = [], [], 1
while args:
    a = args.pop(0)
    if a == "--decode": decode.append(args.pop(0))
    elif a == "--times": times = int(args.pop(0))
    elif a == "--encode": encode.append(("GTiff", args.pop(0), args.pop(0), args.pop(0).split()))
    elif a == "--encode-cog": encode.append(("COG", args.pop(0), args.pop(0), args.pop(0).split()))
    else: sys.exit(f"floor.py: unknown argument {a}")
scratch = tempfile.mkdtemp(dir="/dev/shm")
try:
    for _ in range(times):
        for path in decode:
            gdal.Translate(f"{scratch}/decoded.bin", path, format="ENVI")
            gdal.GetDriverByName("ENVI").Delete(f"{scratch}/decoded.bin")
    for fmt, raw, out, co in encode:
        gdal.Translate(out, raw, format=fmt, creationOptions=co)
finally:
    for f in os.listdir(scratch): os.unlink(f"{scratch}/{f}")
    os.rmdir(scratch)
