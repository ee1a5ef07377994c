"""Hillshade of a float32 grid by GDAL (gdaldem): the reference the renderer's hillshade is checked against.

usage: gdaldem-hillshade.py IN.f32 WIDTH HEIGHT DX DY AZIMUTH ALTITUDE ZFACTOR NODATA|none OUT.u8
IN.f32 holds WIDTH*HEIGHT little-endian float32 values, north row first; OUT.u8 gets the shade bytes.
"""
import os
import sys
import tempfile

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
src, width, height, dx, dy, azimuth, altitude, zfactor, nodata, out = sys.argv[1:]
width, height = int(width), int(height)
z = np.fromfile(src, dtype='<f4').reshape(height, width)
with tempfile.TemporaryDirectory() as tmp:
    dem = os.path.join(tmp, 'dem.tif')
    ds = gdal.GetDriverByName('GTiff').Create(dem, width, height, 1, gdal.GDT_Float32)
    ds.SetGeoTransform([500000, float(dx), 0, 4000000, 0, -float(dy)])
    band = ds.GetRasterBand(1)
    if nodata != 'none':
        band.SetNoDataValue(float(nodata))
    band.WriteArray(z)
    ds = None
    shade = os.path.join(tmp, 'shade.tif')
    gdal.DEMProcessing(shade, dem, 'hillshade', computeEdges=True, azimuth=float(azimuth),
                       altitude=float(altitude), zFactor=float(zfactor))
    gdal.Open(shade).ReadAsArray().astype(np.uint8).tofile(out)
