#!/usr/bin/python3
"""Class layers' compression on given class rasters: CPU seconds (user+sys) and bytes of GDAL's COG
driver writing every listed raster as kubuqi-monitor publishes a class layer (Int16, 256-pixel tiles,
predictor 2, NEAREST overviews, NUM_THREADS=ALL_CPUS), at DEFLATE 6 to 1, ZSTD 1 and ZSTD 9.

usage: class_codecs.py [--reps N] NAME=FILE[,FILE...] [NAME=...]...
Each FILE[:BAND] (every band when no band is given) is decoded once into a raw Int16 copy in
/dev/shm; each codec then encodes the whole group N times (default: enough for >= 1 CPU-s at
DEFLATE 6) and the CPU per encode of the group is reported, with the group's bytes and the
ratio to DEFLATE 6. A markdown table on stdout."""
import os, sys, tempfile
from osgeo import gdal
gdal.UseExceptions()

CODECS = [("DEFLATE 6", ["COMPRESS=DEFLATE", "LEVEL=6"]), ("DEFLATE 5", ["COMPRESS=DEFLATE", "LEVEL=5"]),
          ("DEFLATE 4", ["COMPRESS=DEFLATE", "LEVEL=4"]), ("DEFLATE 3", ["COMPRESS=DEFLATE", "LEVEL=3"]),
          ("DEFLATE 2", ["COMPRESS=DEFLATE", "LEVEL=2"]), ("DEFLATE 1", ["COMPRESS=DEFLATE", "LEVEL=1"]),
          ("ZSTD 1", ["COMPRESS=ZSTD", "LEVEL=1"]), ("ZSTD 9", ["COMPRESS=ZSTD", "LEVEL=9"])]
BASE = ["BLOCKSIZE=256", "PREDICTOR=STANDARD", "RESAMPLING=NEAREST", "NUM_THREADS=ALL_CPUS", "BIGTIFF=IF_SAFER"]

def cpu():
    t = os.times()
    return t.user + t.system

def main(argv):
    reps = None
    if argv[:1] == ["--reps"]:
        reps = int(argv[1]); argv = argv[2:]
    if not argv: sys.exit(__doc__)
    scratch = tempfile.mkdtemp(dir="/dev/shm")
    print("| data set | layers | pixels | codec | CPU s per encode | bytes | bytes vs DEFLATE 6 | CPU vs DEFLATE 6 |")
    print("|---|---|---|---|---|---|---|---|")
    try:
        for k, group in enumerate(argv):
            name, files = group.split("=", 1)
            raws, pixels = [], 0
            for spec in files.split(","):
                path, band = (spec.rsplit(":", 1) if spec.count(":") and spec.rsplit(":", 1)[1].isdigit() else (spec, None))
                ds = gdal.Open(path)
                if ds is None or ds.RasterCount == 0: sys.exit(f"class_codecs.py: {path}: no raster")
                for b in ([int(band)] if band else range(1, ds.RasterCount + 1)):
                    raw = f"{scratch}/g{k}-{len(raws)}.tif"
                    # The codes alone, as an Int16 class layer (no colour table: GeoTIFF keeps those for Byte/UInt16 only).
                    dst = gdal.GetDriverByName("GTiff").Create(raw, ds.RasterXSize, ds.RasterYSize, 1, gdal.GDT_Int16)
                    dst.SetGeoTransform(ds.GetGeoTransform()); dst.SetProjection(ds.GetProjection())
                    dst.GetRasterBand(1).WriteRaster(0, 0, ds.RasterXSize, ds.RasterYSize,
                        ds.GetRasterBand(b).ReadRaster(0, 0, ds.RasterXSize, ds.RasterYSize, buf_type=gdal.GDT_Int16), buf_type=gdal.GDT_Int16)
                    dst = None
                    raws.append(raw); pixels += ds.RasterXSize * ds.RasterYSize
            def encode(co):
                size = 0
                for j, raw in enumerate(raws):
                    out = f"{scratch}/out-{j}.tif"
                    gdal.Translate(out, raw, format="COG", creationOptions=BASE + co)
                    size += os.path.getsize(out); os.unlink(out)
                return size
            gdal.SetConfigOption("ZSTD_LEVEL_OVERVIEW", "1")
            t0 = cpu(); encode(CODECS[0][1]); once = max(cpu() - t0, 1e-4)
            n = reps or max(1, min(500, int(1.0 / once) + 1))  # each codec runs >= ~1 CPU-s
            results = []
            for label, co in CODECS:
                # Temporary overviews in ZSTD 1 unless the COG itself is ZSTD, as kubuqi-monitor publishes.
                gdal.SetConfigOption("ZSTD_LEVEL_OVERVIEW", None if co[0] == "COMPRESS=ZSTD" else "1")
                t0 = cpu()
                for _ in range(n): size = encode(co)
                results.append((label, (cpu() - t0) / n, size))
            c6, b6 = results[0][1], results[0][2]
            for label, c, size in results:
                print(f"| {name} | {len(raws)} | {pixels:,} | {label} | {c:.4f} | {size:,} | {100 * (size / b6 - 1):+.1f} % | {100 * (c / c6 - 1):+.0f} % |")
            sys.stdout.flush()
            for r in raws: os.unlink(r)
    finally:
        for f in os.listdir(scratch): os.unlink(f"{scratch}/{f}")
        os.rmdir(scratch)

main(sys.argv[1:])
