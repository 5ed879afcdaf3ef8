/// The independent check of a COG written by `CloudOptimizedTileWriter` against GDAL's COG driver's copy of the
/// same staged raster, in Python (GDAL's bindings, numpy, zlib, and a TIFF reader written here from the TIFF 6.0
/// and BigTIFF layouts): input `{"cases": [{"ours": path, "gdal": path}]}`, output `{"problems": [text]}`.
///
/// For each case: every band's pixels equal at every level (read by GDAL; NaN equal to NaN); `gdalinfo -json` equal but for the file names; GDAL's
/// own validator (`osgeo_utils.samples.validate_cloud_optimized_geotiff`, full check) finds no error in ours and the
/// same warnings as in GDAL's; the IFDs' tags equal but for the tile offsets and byte counts; every tile's inflated
/// bytes equal GDAL's (the padding of edge tiles included), and so do its compressed bytes (the same libdeflate
/// level); each tile preceded by its byte count and followed by its last 4 bytes; the IFDs and tile arrays before the first tile, the tiles of the smallest level first; the
/// `.aux.xml` sidecars equal.
///
/// A case with `"layout": "copy"` compares ours with a file GDAL's GeoTIFF driver copied with `COPY_SRC_OVERVIEWS=YES`
/// (band-interleaved COGs: GDAL 3.6's COG driver has no `INTERLEAVE=BAND`): everything as above but GDAL's `LAYOUT=COG`
/// (which its copy lacks: no structural metadata, no tile leaders), which ours must have.
public enum CloudOptimizedReference {
    /// The modules the script imports.
    public static let modules = "numpy, osgeo.gdal, osgeo_utils.samples.validate_cloud_optimized_geotiff"

    /// The script (`python script in.json out.json`, ``PythonReference/run(_:script:input:)``).
    public static let script = #"""
import json, struct, sys, zlib, os
import numpy as np
from osgeo import gdal
from osgeo_utils.samples import validate_cloud_optimized_geotiff as validator
gdal.UseExceptions()

TYPES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8, 17: 8, 18: 8}
FORMATS = {1: 'B', 2: 's', 3: 'H', 4: 'I', 5: 'I', 6: 'b', 7: 'B', 8: 'h', 9: 'i', 10: 'i', 11: 'f', 12: 'd', 16: 'Q', 17: 'q', 18: 'Q'}

def ifds(data):
    assert data[:2] == b'II', 'little-endian TIFF'
    big = struct.unpack('<H', data[2:4])[0] == 43
    offset = struct.unpack('<Q', data[8:16])[0] if big else struct.unpack('<I', data[4:8])[0]
    out = []
    while offset:
        n = struct.unpack('<Q', data[offset:offset + 8])[0] if big else struct.unpack('<H', data[offset:offset + 2])[0]
        p = offset + (8 if big else 2)
        tags = {}
        ends = [p + n * (20 if big else 12) + (8 if big else 4)]
        for _ in range(n):
            if big:
                tag, typ, count = struct.unpack('<HHQ', data[p:p + 12]); value_at, inline = p + 12, 8
            else:
                tag, typ, count = struct.unpack('<HHI', data[p:p + 8]); value_at, inline = p + 8, 4
            size = TYPES[typ] * count * (2 if typ in (5, 10) else 1)
            if size > inline:
                value_at = struct.unpack('<Q' if big else '<I', data[value_at:value_at + inline])[0]
                ends.append(value_at + size)
            raw = data[value_at:value_at + size]
            if typ == 2:
                value = raw
            else:
                value = list(struct.unpack('<' + FORMATS[typ] * (count * (2 if typ in (5, 10) else 1)), raw))
            tags[tag] = (typ, value)
            p += 20 if big else 12
        out.append((offset, tags, max(ends)))
        offset = struct.unpack('<Q' if big else '<I', data[p:p + (8 if big else 4)])[0]
    return big, out

def tiles(path):
    data = open(path, 'rb').read()
    big, levels = ifds(data)
    result = []
    for offset, tags, end in levels:
        offsets, counts = tags[324][1], tags[325][1]
        result.append([(o, c, data[o:o + c]) for o, c in zip(offsets, counts)])
    return data, big, levels, result

def info(path, layout=True):
    d = gdal.Info(path, format='json')
    d.pop('description', None); d.pop('files', None)
    if not layout:
        d.get('metadata', {}).get('IMAGE_STRUCTURE', {}).pop('LAYOUT', None)
    return d

def check(ours, theirs, problems, layout=True):
    name = os.path.basename(ours)
    a, b = gdal.Open(ours), gdal.Open(theirs)
    if a.RasterCount != b.RasterCount:
        problems.append(f'{name}: {a.RasterCount} bands, GDAL {b.RasterCount}')
        return
    for band in range(1, b.RasterCount + 1):
        ba, bb = a.GetRasterBand(band), b.GetRasterBand(band)
        if ba.GetOverviewCount() != bb.GetOverviewCount():
            problems.append(f'{name}: {ba.GetOverviewCount()} overviews, GDAL {bb.GetOverviewCount()}')
            return
        for k in range(-1, bb.GetOverviewCount()):
            x = ba if k < 0 else ba.GetOverview(k)
            y = bb if k < 0 else bb.GetOverview(k)
            if (x.XSize, x.YSize) != (y.XSize, y.YSize):
                problems.append(f'{name}: level {k + 1} is {x.XSize}x{x.YSize}, GDAL {y.XSize}x{y.YSize}')
                continue
            xa, ya = x.ReadAsArray(), y.ReadAsArray()
            same = (xa == ya) | (np.isnan(xa) & np.isnan(ya)) if xa.dtype.kind == 'f' else xa == ya
            differ = int(np.count_nonzero(~same))
            if differ:
                problems.append(f'{name}: band {band} level {k + 1}: {differ} pixels differ from GDAL')
    a = b = ba = bb = None
    if info(ours, layout) != info(theirs, layout):
        problems.append(f'{name}: gdalinfo differs: {json.dumps(info(ours, layout))} vs {json.dumps(info(theirs, layout))}')
    if not layout and gdal.Info(ours, format='json')['metadata']['IMAGE_STRUCTURE'].get('LAYOUT') != 'COG':
        problems.append(f'{name}: GDAL does not read LAYOUT=COG')
    w1, e1, _ = validator.validate(ours, full_check=True)
    w2, e2, _ = validator.validate(theirs, full_check=True)
    if e1:
        problems.append(f'{name}: the COG validator says {e1}')
    if w1 != w2:
        problems.append(f'{name}: validator warnings {w1}, GDAL\'s {w2}')
    da, bigA, la, ta = tiles(ours)
    db, bigB, lb, tb = tiles(theirs)
    if bigA != bigB:
        problems.append(f'{name}: BigTIFF {bigA}, GDAL {bigB}')
    for level, ((_, tagsA, _), (_, tagsB, _)) in enumerate(zip(la, lb)):
        keysA = {t: v for t, v in tagsA.items() if t not in (324, 325)}
        keysB = {t: v for t, v in tagsB.items() if t not in (324, 325)}
        if keysA != keysB:
            problems.append(f'{name}: IFD {level} tags differ: {sorted(keysA.items())} vs {sorted(keysB.items())}')
    first_tile = min(o for level in ta for o, c, _ in level)
    if max(end for _, _, end in la) > first_tile:
        problems.append(f'{name}: an IFD or tile array lies after the first tile')
    previous = 0
    for level in reversed(range(len(ta))):
        for index, ((o, c, raw), (_, _, rawB)) in enumerate(zip(ta[level], tb[level])):
            if o < previous:
                problems.append(f'{name}: level {level} tile {index} at {o}, before the previous tile')
            previous = o
            if struct.unpack('<I', da[o - 4:o])[0] != c or da[o + c:o + c + 4] != raw[-4:]:
                problems.append(f'{name}: level {level} tile {index}: leader or trailer wrong')
            if zlib.decompress(raw) != zlib.decompress(rawB):
                problems.append(f'{name}: level {level} tile {index}: inflated bytes differ from GDAL\'s')
            elif raw != rawB:
                problems.append(f'{name}: level {level} tile {index}: compressed bytes differ from GDAL\'s (same pixels)')
    aux = [p + '.aux.xml' for p in (ours, theirs)]
    texts = [open(p).read() if os.path.exists(p) else None for p in aux]
    if texts[0] != texts[1]:
        problems.append(f'{name}: .aux.xml {texts[0]!r} vs GDAL\'s {texts[1]!r}')

cases = json.load(open(sys.argv[1]))['cases']
problems = []
for c in cases:
    check(c['ours'], c['gdal'], problems, c.get('layout', 'cog') == 'cog')
json.dump({'problems': problems, 'checked': len(cases)}, open(sys.argv[2], 'w'))
"""#
}
