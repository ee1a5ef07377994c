# Writes the coverages benchmark's two Cloud Optimized GeoTIFFs from a procedural pattern:
#   procedural-cogs.py OUT_DIR RGB_SIZE DEM_SIZE ORIGIN_X ORIGIN_Y EXTENT_M
# rgb.tif: RGB uint8, deflate + horizontal predictor; dem.tif: float32 heights (m), deflate +
# floating-point predictor. Both in EPSG:32631 over the same square extent, with the COG
# driver's overviews. The pattern is smooth fields plus texture plus a little seeded noise, so
# tiles compress like imagery (neither flat nor random). Run with /usr/bin/python3 (python3-gdal).
import os
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()

out_dir, rgb_size, dem_size, origin_x, origin_y, extent = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
ROWS = 512  # rows written per block: bounded memory whatever the size


def srs_wkt():
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32631)
    return srs.ExportToWkt()


def heights(x, y, rng):
    """Terrain in metres at map coordinates normalised to 0..1: ridges, valleys, fine relief."""
    h = 900 + 700 * np.sin(x * 7.1 + 0.3) * np.cos(y * 5.3 - 0.7)
    h += 350 * np.sin((x + y) * 23.0) * np.sin((x - 2 * y) * 17.0)
    h += 60 * np.sin(x * 181.0 + np.sin(y * 97.0) * 2.0) * np.cos(y * 163.0)
    h += rng.normal(0.0, 1.5, size=h.shape)
    return h.astype(np.float32)


def write(path, size, bands, dtype, fill):
    """A tiled GTiff scratch file filled block by block, then translated to a COG at `path`."""
    scratch = path + '.scratch.tif'
    ds = gdal.GetDriverByName('GTiff').Create(scratch, size, size, bands, dtype, ['TILED=YES', 'BLOCKXSIZE=512', 'BLOCKYSIZE=512'])
    pixel = extent / size
    ds.SetGeoTransform([origin_x, pixel, 0, origin_y, 0, -pixel])
    ds.SetProjection(srs_wkt())
    rng = np.random.default_rng(20240601)
    cols = (np.arange(size, dtype=np.float64) + 0.5) / size
    for row in range(0, size, ROWS):
        n = min(ROWS, size - row)
        rows = (np.arange(row, row + n, dtype=np.float64) + 0.5) / size
        x, y = np.meshgrid(cols, rows)
        for b, values in enumerate(fill(x, y, rng)):
            ds.GetRasterBand(b + 1).WriteArray(values, 0, row)
    interpretations = [gdal.GCI_RedBand, gdal.GCI_GreenBand, gdal.GCI_BlueBand] if bands == 3 else [gdal.GCI_GrayIndex]
    for b, interpretation in enumerate(interpretations):
        ds.GetRasterBand(b + 1).SetColorInterpretation(interpretation)
    ds.FlushCache()
    ds = None
    # PREDICTOR=YES: horizontal differencing for integers, the floating-point predictor for floats.
    gdal.Translate(path + '.part', scratch, format='COG', creationOptions=['COMPRESS=DEFLATE', 'PREDICTOR=YES', 'BLOCKSIZE=512', 'OVERVIEWS=AUTO', 'NUM_THREADS=2'])
    os.replace(path + '.part', path)
    os.remove(scratch)


def rgb(x, y, rng):
    h = heights(x, y, rng)
    land = np.clip((h - 200) / 1800, 0, 1)
    texture = 18 * np.sin(x * 911.0) * np.sin(y * 877.0) + rng.normal(0, 4, size=h.shape)
    r = 60 + 120 * land + texture
    g = 110 + 70 * np.sin(y * 41.0 + x * 13.0) * (1 - land) + 40 * land + texture
    b = 140 - 90 * land + texture * 0.5
    return [np.clip(c, 0, 255).astype(np.uint8) for c in (r, g, b)]


def dem(x, y, rng):
    return [heights(x, y, rng)]


write(os.path.join(out_dir, 'rgb.tif'), rgb_size, 3, gdal.GDT_Byte, rgb)
write(os.path.join(out_dir, 'dem.tif'), dem_size, 1, gdal.GDT_Float32, dem)
