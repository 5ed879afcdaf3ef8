#!/usr/bin/env python3
"""The peer of `kubuqi-monitor drought` in Scripts/bench/spi.sh: NOAA's climate-indices package
(2.0.1, pinned in Scripts/requirements-test.txt, run from .venv-test/) computing SPI-K with the
gamma distribution (Thom's approximation, as drought's default `--gamma-fit thom`) for every pixel
of a monthly precipitation series, calibrated on the whole record (drought's default calibration:
every full calendar year), read and written with GDAL's Python bindings.

Usage: spi_peer.py SERIES.tif OUTDIR [--scales 1,3,12] [--co "K=V K=V ..."] [--check DROUGHT_DIR]

SERIES: one band per month from a January (band descriptions YYYY-MM-DD, as `kubuqi-bench
make-precip` writes them), NaN or the band's nodata for missing months. For every scale K it
writes OUTDIR/spi-K.tif, Float32, one band per month, NaN nodata, with the creation options --co
(drought's output layout). The pixels of each strip of about 256 rows (whole output tile rows) are cut into chunks
computed in a pool of one process per core (`indices.spi` on each pixel's series, as the package's
own `process_climate_indices` applies it along the time axis in a process pool).

--check DROUGHT_DIR compares the layers written with drought's spi-K.tif (before timing). Two
differences are known and reported separately (docs/climate.md, "Difference from climate-indices"):
climate-indices divides a calendar month's zero count by the number of years of the record,
including the first year whose first K - 1 months have no sum; drought by the number of defined
sums (q = m / n). So in calendar months 1..K-1 with a zero sum in any year, the two differ by
design. Everywhere else they must agree within 1e-3 (Float32 outputs; drought sums in Float32 and
evaluates the incomplete gamma by series / continued fraction to 1e-13, the package by SciPy).
The check exits 1 if they do not, or if drought's or the peer's layer is NaN where the other is not.
"""
import os, sys, warnings
import multiprocessing
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
BOUND = 3.09


def parse(argv):
    if len(argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    series, out, scales, co, check = argv[0], argv[1], [1, 3, 12], [], None
    rest = argv[2:]
    while rest:
        a = rest.pop(0)
        if a == "--scales": scales = [int(s) for s in rest.pop(0).split(",")]
        elif a == "--co": co = rest.pop(0).split()
        elif a == "--check": check = rest.pop(0)
        else: sys.exit(f"spi_peer.py: unknown argument {a}")
    if not scales or any(k < 1 or k > 120 for k in scales):
        sys.exit("spi_peer.py: --scales must be integers from 1 to 120")
    return series, out, scales, co, check


def first_year(ds, path):
    """The record's first year from band 1's description (YYYY-01-DD); the record must start in January."""
    d = ds.GetRasterBand(1).GetDescription()
    if len(d) < 7 or not d[:4].isdigit() or d[4] != "-" or d[5:7] != "01":
        sys.exit(f"spi_peer.py: {path}: band 1 must be dated YYYY-01-DD (a January), not '{d}'")
    if ds.RasterCount % 12:
        sys.exit(f"spi_peer.py: {path}: {ds.RasterCount} bands is not whole years of months")
    return int(d[:4])


def spi_chunk(job):
    """SPI at every scale of a (months, pixels) chunk: a dict scale -> (months, pixels) float32."""
    values, scales, y0, y1 = job
    warnings.simplefilter("ignore")
    from climate_indices import indices, compute
    months, pixels = values.shape
    out = {k: np.empty((months, pixels), dtype=np.float32) for k in scales}
    for p in range(pixels):
        x = values[:, p].astype(np.float64)
        for k in scales:
            out[k][:, p] = indices.spi(x.copy(), k, indices.Distribution.gamma, y0, y0, y1, compute.Periodicity.monthly)
    return out


def run(series, outdir, scales, co):
    ds = gdal.Open(series)
    y0 = first_year(ds, series)
    months, width, height = ds.RasterCount, ds.RasterXSize, ds.RasterYSize
    y1 = y0 + months // 12 - 1
    nodata = [ds.GetRasterBand(b + 1).GetNoDataValue() for b in range(months)]
    os.makedirs(outdir, exist_ok=True)
    tiff = gdal.GetDriverByName("GTiff")
    outs = {}
    for k in scales:
        o = tiff.Create(f"{outdir}/spi-{k}.tif", width, height, months, gdal.GDT_Float32, co)
        o.SetGeoTransform(ds.GetGeoTransform()); o.SetProjection(ds.GetProjection())
        for b in range(months):
            band = o.GetRasterBand(b + 1)
            band.SetNoDataValue(float("nan")); band.SetDescription(ds.GetRasterBand(b + 1).GetDescription())
        outs[k] = o
    cores = os.cpu_count() or 1
    # Strips of whole output tile rows (about 256 rows): each output tile is encoded once.
    by = next((int(o.split("=")[1]) for o in co if o.upper().startswith("BLOCKYSIZE=")), 256)
    strip = by * -(-256 // by)
    with multiprocessing.Pool(cores) as pool:
        for row in range(0, height, strip):
            rows = min(strip, height - row)
            cube = ds.ReadAsArray(0, row, width, rows).astype(np.float32).reshape(months, rows * width)
            for b, nd in enumerate(nodata):
                if nd is not None and not np.isnan(nd):
                    cube[b][cube[b] == nd] = np.nan
            chunk = max(1, -(-rows * width // (cores * 8)))  # 8 chunks per core: balanced, little pickling
            jobs = [(cube[:, p:p + chunk], scales, y0, y1) for p in range(0, rows * width, chunk)]
            parts = pool.map(spi_chunk, jobs)
            for k in scales:
                layer = np.concatenate([part[k] for part in parts], axis=1).reshape(months, rows, width)
                for b in range(months):
                    outs[k].GetRasterBand(b + 1).WriteArray(layer[b], 0, row)
    for o in outs.values():
        o.FlushCache()
    outs.clear()
    return y0


def check_all(series, outdir, drought, scales):
    """Compares the peer's layers with drought's (see the module's documentation); exits 1 on a disagreement."""
    ds = gdal.Open(series)
    from scipy.stats import norm
    cube = ds.ReadAsArray().astype(np.float64)
    for b in range(ds.RasterCount):
        nd = ds.GetRasterBand(b + 1).GetNoDataValue()
        if nd is not None and not np.isnan(nd):
            cube[b][cube[b] == nd] = np.nan
    bad = False
    for k in scales:
        peer = gdal.Open(f"{outdir}/spi-{k}.tif").ReadAsArray().astype(np.float64)
        ours = gdal.Open(f"{drought}/spi-{k}.tif").ReadAsArray().astype(np.float64)
        if peer.shape != ours.shape:
            print(f"spi-{k}: shapes differ: peer {peer.shape}, drought {ours.shape}"); bad = True; continue
        nan_p, nan_o = np.isnan(peer), np.isnan(ours)
        # k-month sums (NaN for the first k - 1 months), then per pixel and calendar month whether a
        # zero sum occurs: in calendar months 1..k-1 such a pixel's q differs by design.
        c = np.cumsum(np.nan_to_num(cube, nan=0.0), axis=0)
        gaps = np.cumsum(np.isnan(cube), axis=0)
        sums, missing = c.copy(), gaps.copy()
        sums[k:] -= c[:-k]
        missing[k:] -= gaps[:-k]
        sums[missing > 0] = np.nan
        sums[:k - 1] = np.nan
        design = np.zeros(peer.shape, dtype=bool)
        for m in range(min(k - 1, 12)):
            zero = (sums[m::12] == 0).any(axis=0)  # (rows, cols)
            design[m::12] |= zero[None, :, :]
        both = ~nan_p & ~nan_o
        d = np.abs(peer - ours)
        clean = both & ~design
        worst = float(d[clean].max()) if clean.any() else 0.0
        worst_design = float(d[both & design].max()) if (both & design).any() else 0.0
        over = int((d[clean] > 1e-3).sum())
        # climate-indices 2.0.1 returns NaN at a zero sum (it sets zeros to NaN before the gamma CDF;
        # monocongo/climate_indices#533, fixed after 2.0.1 by giving them H = q). There the expected SPI
        # is the mixed distribution's Φ⁻¹(q), q = m / n of the calendar month's defined sums, bounded
        # (0 where the calendar month has no spread, below).
        zero_nan = nan_p & ~nan_o & (sums == 0)
        defined = ~np.isnan(sums)
        q = np.empty(sums.shape)
        for m in range(12):
            n = defined[m::12].sum(axis=0)
            q[m::12] = ((sums[m::12] == 0).sum(axis=0) / np.maximum(n, 1))[None, :, :]
        expected = np.clip(norm.ppf(q), -BOUND, BOUND)
        # A calendar month with fewer than two distinct positive sums has no gamma fit: drought's SPI
        # is 0 up to the calibration's largest sum (docs/climate.md), so 0 at its zero sums (e.g. a
        # month that never rains, q = 1, where Φ⁻¹(q) would give +3.09).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # all-NaN slices: no positive sum
            for m in range(12):
                pos = np.where(sums[m::12] > 0, sums[m::12], np.nan)
                spread = np.nanmin(pos, axis=0) < np.nanmax(pos, axis=0)
                expected[m::12][:, ~spread] = 0.0
        worst_zero = float(np.abs(ours - expected)[zero_nan].max()) if zero_nan.any() else 0.0
        over_zero = int((np.abs(ours - expected)[zero_nan] > 1e-3).sum())
        mismatch = int((nan_p != nan_o).sum()) - int(zero_nan.sum())
        print(f"spi-{k}: {int(clean.sum())} values compared with climate-indices, largest difference {worst:.2e}, {over} over 1e-3; "
              f"{int(zero_nan.sum())} zero sums (NaN in climate-indices 2.0.1) against Φ⁻¹(q): largest difference {worst_zero:.2e}, "
              f"{over_zero} over 1e-3; {mismatch} other NaN in one only; {int((both & design).sum())} values in calendar months "
              f"1..{k - 1} of pixels with a zero sum there (q differs by design) differ by up to {worst_design:.3f}")
        if over or over_zero or mismatch:
            bad = True
    if bad:
        sys.exit("spi_peer.py: the peer's SPI disagrees with drought's")


def main():
    series, outdir, scales, co, drought = parse(sys.argv[1:])
    run(series, outdir, scales, co)
    if drought:
        check_all(series, outdir, drought, scales)


if __name__ == "__main__":
    main()
