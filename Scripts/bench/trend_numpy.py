#!/usr/bin/env python3
"""Theil-Sen slope and Mann-Kendall Z of every pixel of a yearly stack, vectorised with NumPy:
the comparison for `kubuqi-bench trend`. Usage: trend_numpy.py STACK.tif KUBUQI_OUT.f32

Prints the NumPy time and the largest differences from kubuqi-monitor's results.
Mann-Kendall: S = sum sign(x_j - x_i); Var(S) = [n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18 over tie
groups; Z = (S - sign(S)) / sqrt(Var). Theil-Sen: median of (x_j - x_i) / (j - i).
"""
import sys, time
import numpy as np
from osgeo import gdal

stack_path, ours_path = sys.argv[1], sys.argv[2]
ds = gdal.Open(stack_path)
x = ds.ReadAsArray().astype(np.float32)          # (years, rows, cols)
n, h, w = x.shape
x = x.reshape(n, h * w)
pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
I = np.array([p[0] for p in pairs]); J = np.array([p[1] for p in pairs])

start = time.perf_counter()
slope = np.empty(h * w, np.float32); z = np.empty(h * w, np.float32)
chunk = 20000
for a in range(0, h * w, chunk):
    v = x[:, a:a + chunk]
    d = v[J] - v[I]                                  # (pairs, pixels)
    slope[a:a + chunk] = np.median(d / (J - I)[:, None], axis=0)
    s = np.sign(d).sum(axis=0)
    srt = np.sort(v, axis=0)
    ties = np.zeros(v.shape[1]); run = np.ones(v.shape[1])
    for k in range(1, n):
        same = srt[k] == srt[k - 1]
        ended = ~same
        ties += np.where(ended, run * (run - 1) * (2 * run + 5), 0)
        run = np.where(same, run + 1, 1)
    ties += run * (run - 1) * (2 * run + 5)
    var = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    z[a:a + chunk] = np.where(s > 0, (s - 1) / np.sqrt(var), np.where(s < 0, (s + 1) / np.sqrt(var), 0))
elapsed = time.perf_counter() - start

ours = np.fromfile(ours_path, dtype=np.float32)
our_slope, our_z = ours[:h * w], ours[h * w:]
print(f"numpy: {h*w} pixels x {n} years in {elapsed:.3f} s (single-threaded NumPy {np.__version__})")
print(f"max |slope difference| = {np.nanmax(np.abs(our_slope - slope)):.6g}, max |Z difference| = {np.nanmax(np.abs(our_z - z)):.6g}")
