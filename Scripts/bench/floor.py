#!/usr/bin/python3
"""A measured floor: decode rasters and encode raw rasters with GDAL in one process (no Python
per-pixel work). Usage: floor.py [--pool] --decode A.tif [--decode B.tif ...] [--times N]
                       [--encode RAW OUT.tif "CO1 CO2 ..."]... [--encode-cog RAW OUT.tif "CO1 ..."]...
Decoding reads every block (GDAL_NUM_THREADS=ALL_CPUS) into a raw ENVI copy in /dev/shm;
--encode writes a tiled GeoTIFF from a raw copy with the given GTiff creation options,
--encode-cog a Cloud Optimized GeoTIFF (GDAL's COG driver: overviews computed from the raw copy,
then every tile encoded once) with the given COG creation options, as kubuqi-monitor publishes.
--pool (many small files, e.g. a time series of single-date files): every file is decoded once
in a pool of one process per core, each reading its files' bands whole (block rows) into memory
and dropping them: all cores busy whatever a single file's tile count.
--concurrent: the files of each decoding pass are decoded side by side (one thread each, GDAL
releases Python's lock), and the outputs encoded side by side, so that two inputs or two outputs
keep two cores busy as a program overlapping them would.
The COG driver's temporary overviews are ZSTD level 1 (ZSTD_LEVEL_OVERVIEW, as kubuqi-monitor
sets it: lossless, the same COG for less CPU) unless the COG itself is ZSTD."""
import os, sys, tempfile
from osgeo import gdal
gdal.UseExceptions()
gdal.SetConfigOption("GDAL_NUM_THREADS", "ALL_CPUS")
args = sys.argv[1:]
decode, encode, times, pool, concurrent = [], [], 1, False, False
while args:
    a = args.pop(0)
    if a == "--decode": decode.append(args.pop(0))
    elif a == "--pool": pool = True
    elif a == "--concurrent": concurrent = True
    elif a == "--times": times = int(args.pop(0))
    elif a == "--encode": encode.append(("GTiff", args.pop(0), args.pop(0), args.pop(0).split()))
    elif a == "--encode-cog": encode.append(("COG", args.pop(0), args.pop(0), args.pop(0).split()))
    else: sys.exit(f"floor.py: unknown argument {a}")

def decode_whole(path):
    """Reads every band of `path` block row by block row; returns the pixels read."""
    gdal.SetConfigOption("GDAL_NUM_THREADS", "1")
    ds = gdal.Open(path)
    for b in range(1, ds.RasterCount + 1):
        band = ds.GetRasterBand(b)
        rows = band.GetBlockSize()[1]
        for y in range(0, ds.RasterYSize, rows):
            band.ReadRaster(0, y, ds.RasterXSize, min(rows, ds.RasterYSize - y))
    return ds.RasterXSize * ds.RasterYSize * ds.RasterCount

if pool:
    import multiprocessing
    with multiprocessing.Pool(os.cpu_count()) as workers:
        for _ in range(times):
            if sum(workers.imap_unordered(decode_whole, decode, chunksize=4)) == 0: sys.exit("floor.py: nothing decoded")
    decode = []
def side_by_side(steps):
    """Runs the steps one after the other, or with --concurrent on one thread each."""
    if not concurrent:
        for step in steps: step()
        return
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(len(steps) or 1) as workers:
        for f in [workers.submit(step) for step in steps]: f.result()

def encode_one(fmt, raw, out, co):
    if fmt == "COG" and not any("ZSTD" in o.upper() for o in co if o.upper().startswith("COMPRESS=")):
        gdal.SetThreadLocalConfigOption("ZSTD_LEVEL_OVERVIEW", "1")
    gdal.Translate(out, raw, format=fmt, creationOptions=co)
    gdal.SetThreadLocalConfigOption("ZSTD_LEVEL_OVERVIEW", None)

scratch = tempfile.mkdtemp(dir="/dev/shm")
try:
    for _ in range(times):
        def decode_one(k, path):
            gdal.Translate(f"{scratch}/decoded{k}.bin", path, format="ENVI")
            gdal.GetDriverByName("ENVI").Delete(f"{scratch}/decoded{k}.bin")
        side_by_side([lambda k=k, p=p: decode_one(k, p) for k, p in enumerate(decode)])
    side_by_side([lambda e=e: encode_one(*e) for e in encode])
finally:
    for f in os.listdir(scratch): os.unlink(f"{scratch}/{f}")
    os.rmdir(scratch)
