"""A 4096 x 4096 two-band uint16 COG (red, nir) in EPSG:32631, 10 m cells, for the WCPS benchmark.

usage: make_scene.py OUT.tif
"""
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
size = 4096
rows, cols = np.mgrid[0:size, 0:size]
red = (800 + 600 * np.sin(cols / 97.0) * np.cos(rows / 131.0) + (cols * 7 + rows * 3) % 211).astype(np.uint16)
nir = (2500 + 1200 * np.cos(cols / 53.0 + rows / 71.0) + (cols * 5 + rows * 11) % 307).astype(np.uint16)
mem = gdal.GetDriverByName('MEM').Create('', size, size, 2, gdal.GDT_UInt16)
mem.SetGeoTransform((500000, 10, 0, 4700000, 0, -10))
srs = osr.SpatialReference()
srs.ImportFromEPSG(32631)
mem.SetProjection(srs.ExportToWkt())
for i, (a, name) in enumerate([(red, 'red'), (nir, 'nir')]):
    band = mem.GetRasterBand(i + 1)
    band.WriteArray(a)
    band.SetDescription(name)
gdal.GetDriverByName('COG').CreateCopy(sys.argv[1], mem, options=['COMPRESS=DEFLATE', 'BLOCKSIZE=512', 'OVERVIEWS=NONE'])
