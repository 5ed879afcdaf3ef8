#!/usr/bin/python3
"""The peer of `kubuqi-monitor ldn` for Scripts/bench/ldn.sh: vectorised NumPy computing only the
productivity trajectories (Theil-Sen slope and Mann-Kendall Z per pixel) over the trajectory
windows of each period, reading the stack with GDAL (all of it, once) and writing nothing.
Usage: ldn_trend_numpy.py STACK.tif FIRST_YEAR Y0-Y1 [Y0-Y1 ...]   (e.g. 2000 2000-2013 2003-2018 2009-2024)
Formulas as Scripts/bench/trend_numpy.py (S, tie-corrected Var(S), Z = (S - sign S)/sqrt(Var))."""
import sys, time
import numpy as np
from osgeo import gdal

stack_path, first = sys.argv[1], int(sys.argv[2])
windows = [tuple(int(y) for y in w.split("-")) for w in sys.argv[3:]]
ds = gdal.Open(stack_path)
x = ds.ReadAsArray().astype(np.float32)
years, h, w = x.shape
x = x.reshape(years, h * w)
start = time.perf_counter()
for y0, y1 in windows:
    v_all = x[y0 - first:y1 - first + 1]
    n = v_all.shape[0]
    I, J = np.triu_indices(n, 1)
    slope = np.empty(h * w, np.float32); z = np.empty(h * w, np.float32)
    for a in range(0, h * w, 20000):
        v = v_all[:, a:a + 20000]
        d = v[J] - v[I]
        slope[a:a + 20000] = np.median(d / (J - I)[:, None], axis=0)
        s = np.sign(d).sum(axis=0)
        srt = np.sort(v, axis=0)
        ties = np.zeros(v.shape[1]); run = np.ones(v.shape[1])
        for k in range(1, n):
            same = srt[k] == srt[k - 1]
            ties += np.where(~same, run * (run - 1) * (2 * run + 5), 0)
            run = np.where(same, run + 1, 1)
        ties += run * (run - 1) * (2 * run + 5)
        var = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
        z[a:a + 20000] = np.where(s > 0, (s - 1) / np.sqrt(var), np.where(s < 0, (s + 1) / np.sqrt(var), 0))
print(f"numpy trajectories: {h * w} pixels, windows {windows}: {time.perf_counter() - start:.2f} s after reading")
