#!/usr/bin/env python3
"""Builds `ldn` configs on the real MODIS NDVI stacks of ../shared/data/real (04_modis_ndvi_multiyear_timeseries:
Somalia MOD13C1, Atacama Bdesert and central Chile MegaDrought MOD13Q1) for the session 17 audit
(docs/ldn-method.md, "Audit against the sources"). Land cover: the block of the real ESA CCI pair of
07_landcover_multi_year with the most changes (real codes and transitions), placed on each NDVI grid; SOC 40 t/ha
with one nodata pixel. Then, per case:

    kubuqi-monitor ldn --config OUT/CASE/ldn.toml -o OUT/CASE/out
    python Scripts/reference/sdg_15_3_1.py OUT/CASE/ldn.toml OUT/CASE/out     # exit 0: every pixel and table agrees

    python ldn_real_configs.py OUT [REAL_DIR]

Session 18: beside each ldn.toml (the default trends-earth windows) an ldn-period.toml ([windows] preset = "period")
and, for Bdesert, ldn-custom.toml (period windows with [windows.reporting-2016-2020] trajectory, performance and state
set), which sdg_15_3_1.py reads as well (docs/ldn-method.md, "Reporting periods' sub-indicators (session 18)").
"""
import os
import sys

import numpy as np
from osgeo import gdal
gdal.UseExceptions()
OUT = sys.argv[1]
R = (sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/data/real')) + '/'
os.makedirs(OUT, exist_ok=True)
os.chdir(OUT)
conr=gdal.Open(R+'07_landcover_multi_year/ConR_land_cover_ex_ESACCI_LC_1km_2layers.tif')
a1=conr.GetRasterBand(1).ReadAsArray(); a2=conr.GetRasterBand(2).ReadAsArray()
# the 8x8 / 5x5 block with the most changes (real ESA CCI codes and transitions, placed on the NDVI grid)
def block(k):
    best=None
    for r in range(0,a1.shape[0]-k,k):
        for c in range(0,a1.shape[1]-k,k):
            ch=(a1[r:r+k,c:c+k]!=a2[r:r+k,c:c+k]).sum(); nc=len(np.unique(a1[r:r+k,c:c+k]))
            sc=ch*10+nc
            if best is None or sc>best[0]: best=(sc,r,c)
    _,r,c=best
    return a1[r:r+k,c:c+k], a2[r:r+k,c:c+k], (r,c)
def like(src, path, arr, dtype=gdal.GDT_Byte, nodata=None):
    s=gdal.Open(src); d=gdal.GetDriverByName('GTiff').Create(path, s.RasterXSize, s.RasterYSize, 1, dtype)
    d.SetGeoTransform(s.GetGeoTransform()); d.SetProjection(s.GetProjection())
    b=d.GetRasterBand(1)
    if nodata is not None: b.SetNoDataValue(nodata)
    b.WriteArray(arr); d=None
cases={'somalia':(R+'04_modis_ndvi_multiyear_timeseries/bfast_modisraster_somalia_MOD13C1_NDVI_2000_2012.tif',5,'[2001, 2008]','[[2009, 2011]]',2001,2011),
       'bdesert':(R+'04_modis_ndvi_multiyear_timeseries/npphen_Bdesert_MOD13Q1_NDVI_2000_2021.tif',8,'[2001, 2015]','[[2016, 2020]]',2001,2018),
       'megadrought':(R+'04_modis_ndvi_multiyear_timeseries/npphen_MegaDrought_MOD13Q1_NDVI_2000_2021.tif',8,'[2001, 2015]','[[2016, 2020]]',2001,2018)}
for name,(stack,k,base,rep,y0,y1) in cases.items():
    os.makedirs(name,exist_ok=True)
    b1,b2,rc=block(k)
    like(stack, f'{name}/lc{y0}.tif', b1); like(stack, f'{name}/lc{y1}.tif', b2)
    soc=np.full((k,k),40,np.float32); soc[0,0]=-32768; soc[1,1]=95
    like(stack, f'{name}/soc.tif', soc, gdal.GDT_Float32, -32768)
    open(f'{name}/ldn.toml','w').write(f'''# real MODIS NDVI ({os.path.basename(stack)}); ESA CCI codes of ConR block {rc} ({k}x{k}) on its grid
[productivity]
stack = "{stack}"
scale = 0.0001

[landcover]
maps = {{ {y0} = "lc{y0}.tif", {y1} = "lc{y1}.tif" }}

[soc]
baseline = "soc.tif"
climate = "tropical-dry"

[periods]
baseline = {base}
reporting = {rep}
''')
    text = open(f'{name}/ldn.toml').read()
    open(f'{name}/ldn-period.toml', 'w').write(text.replace('[periods]', '[windows]\npreset = "period"\n\n[periods]'))
    if name == 'bdesert':
        open(f'{name}/ldn-custom.toml', 'w').write(text.replace('[periods]', '[windows]\npreset = "period"\n[windows.reporting-2016-2020]\n'
            'trajectory = [2005, 2020]\nperformance = [2012, 2020]\nstate = [[2003, 2014], [2018, 2020]]\n\n[periods]'))
    print(name, rc, 'changes', int((b1!=b2).sum()), 'codes', sorted(set(b1.ravel())|set(b2.ravel())))
