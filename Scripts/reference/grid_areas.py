#!/usr/bin/env python3
"""Independent reference areas for Tests/KubuqiGDALTests/GridAreaTests.swift.

For each test grid, the region's outline is densified (2000 points a side,
straight lines in the CRS's own coordinates), transformed to the CRS's
geographic CRS with pyproj and measured with pyproj.Geod.polygon_area_perimeter
on the CRS's ellipsoid (Karney's algorithm). pyproj bundles its own PROJ.
For Web Mercator and geographic grids, whose outlines are parallels and
meridians, the closed-form area of the ellipsoidal quadrangle (authalic
latitude, Snyder 1987 eq. 3-12) is printed as well.

Run: pip install pyproj && python3 Scripts/reference/grid_areas.py
"""
import math
from pyproj import CRS, Geod, Transformer

GRIDS = [
    ("3857", 3857, [12_000_000, 100, 0, 5_620_000, 0, -100], 200, 200),
    ("32649-small", 32649, [600_000, 30, 0, 4_470_000, 0, -30], 100, 100),
    ("32649-edge", 32649, [200_000, 1000, 0, 4_500_000, 0, -1000], 50, 50),
    ("3035", 3035, [4_321_000, 1000, 0, 3_210_000, 0, -1000], 30, 30),
    ("6933", 6933, [10_000_000, 1000, 0, 5_000_000, 0, -1000], 30, 30),
    ("4326", 4326, [100, 0.01, 0, 40, 0, -0.01], 100, 100),
]

def outline(t, w, h, n=2000):
    pts = []
    for (c0, r0, c1, r1) in [(0, 0, w, 0), (w, 0, w, h), (w, h, 0, h), (0, h, 0, 0)]:
        for i in range(n):
            c = c0 + (c1 - c0) * i / n
            r = r0 + (r1 - r0) * i / n
            pts.append((t[0] + c * t[1] + r * t[2], t[3] + c * t[4] + r * t[5]))
    return pts

def quadrangle(lat1, lat2, dlon, a, invf):
    f = 1 / invf
    e2 = f * (2 - f)
    e = math.sqrt(e2)
    def q(phi):
        s = math.sin(math.radians(phi))
        return s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)
    b2 = a * a * (1 - e2)
    return abs(b2 * math.radians(dlon) / 2 * (q(lat2) - q(lat1)))

for name, epsg, t, w, h in GRIDS:
    crs = CRS.from_epsg(epsg)
    ell = crs.ellipsoid
    geod = Geod(a=ell.semi_major_metre, rf=ell.inverse_flattening)
    pts = outline(t, w, h)
    if crs.is_geographic:
        lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    else:
        tr = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
        lons, lats = tr.transform([p[0] for p in pts], [p[1] for p in pts])
    area, _ = geod.polygon_area_perimeter(lons, lats)
    line = f"{name}: geodesic {abs(area) / 1e6:.9f} km2"
    if epsg in (3857, 4326):
        if epsg == 3857:
            tr = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
            lon0, lat0 = tr.transform(t[0], t[3])
            lon1, lat1 = tr.transform(t[0] + w * t[1], t[3] + h * t[5])
        else:
            lon0, lat0, lon1, lat1 = t[0], t[3], t[0] + w * t[1], t[3] + h * t[5]
        line += f", quadrangle {quadrangle(lat1, lat0, lon1 - lon0, ell.semi_major_metre, ell.inverse_flattening) / 1e6:.9f} km2"
    print(line)

# The planted patches of the fixtures (Fixtures/truth/*.tif, EPSG:32649, 30 m): their true areas,
# pixel by pixel (each pixel's outline measured as above, 50 points a side). The masks are read
# through the gdal_translate command (AAIGrid text), so no GDAL Python bindings are needed.
def fixture_truth(root="Fixtures/truth"):
    import os, subprocess, tempfile
    crs = CRS.from_epsg(32649)
    geod = Geod(ellps="WGS84")
    tr = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    for name in ["degradation", "restoration"]:
        with tempfile.TemporaryDirectory() as d:
            asc = os.path.join(d, "m.asc")
            subprocess.run(["gdal_translate", "-q", "-of", "AAIGrid", f"{root}/{name}.tif", asc], check=True)
            lines = open(asc).read().split("\n")
        head = {l.split()[0].lower(): float(l.split()[1]) for l in lines[:6] if l.strip()}
        rows = [list(map(float, l.split())) for l in lines[6:] if l.strip()]
        x0, size = head["xllcorner"], head["cellsize"]
        y0 = head["yllcorner"] + size * len(rows)
        total, n = 0.0, 0
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v != 1:
                    continue
                pts = outline([x0 + c * size, size, 0, y0 - r * size, 0, -size], 1, 1, 50)
                lons, lats = tr.transform([p[0] for p in pts], [p[1] for p in pts])
                total += abs(geod.polygon_area_perimeter(lons, lats)[0])
                n += 1
        print(f"fixtures {name}: {n} pixels, {total / 1e6:.9f} km2 ({total / 1e4:.6f} ha)")

fixture_truth()
