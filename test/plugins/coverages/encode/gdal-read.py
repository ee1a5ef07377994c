"""Reads GeoTIFFs with GDAL (libtiff) and prints what the encoder tests check, as JSON.

Pixels are reported as SHA-256 digests of each band's samples in little-endian bytes of the
band's own type, so the tests compare them exactly with the arrays they encoded. Each overview
is compared with the 2x2 mean of valid pixels of the level above it (max absolute difference).
"""
import hashlib
import json
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def digest(array):
    return hashlib.sha256(np.ascontiguousarray(array).astype(array.dtype.newbyteorder('<')).tobytes()).hexdigest()


def mean_error(parent, child, nodata):
    """Largest |child - mean of its valid 2x2 parents| and whether empty blocks became nodata."""
    h, w = child.shape
    p = parent.astype(np.float64)
    valid = np.ones(p.shape, bool) if nodata is None else ~((np.isnan(p)) if np.isnan(nodata) else (p == nodata))
    pad_h, pad_w = 2 * h - p.shape[0], 2 * w - p.shape[1]
    p = np.pad(p, ((0, pad_h), (0, pad_w)))
    valid = np.pad(valid, ((0, pad_h), (0, pad_w)))
    s = (np.where(valid, p, 0)).reshape(h, 2, w, 2).sum(axis=(1, 3))
    n = valid.reshape(h, 2, w, 2).sum(axis=(1, 3))
    c = child.astype(np.float64)
    has = n > 0
    err = float(np.max(np.abs(c[has] - s[has] / n[has]))) if has.any() else 0.0
    empty_ok = True
    if nodata is not None and (~has).any():
        empty = c[~has]
        empty_ok = bool(np.all(np.isnan(empty)) if np.isnan(nodata) else np.all(empty == nodata))
    return err, empty_ok


def read(path):
    ds = gdal.Open(path)
    out = {
        'size': [ds.RasterXSize, ds.RasterYSize],
        'geotransform': list(ds.GetGeoTransform()),
        'epsg': None,
        'imageStructure': ds.GetMetadata('IMAGE_STRUCTURE'),
        'metadata': ds.GetMetadata(),
        'bands': [],
    }
    srs = ds.GetSpatialRef()
    if srs is not None:
        out['epsg'] = srs.GetAuthorityCode(None)
    for b in range(1, ds.RasterCount + 1):
        band = ds.GetRasterBand(b)
        data = band.ReadAsArray()
        nodata = band.GetNoDataValue()
        info = {
            'dtype': str(data.dtype),
            'sha256': digest(data),
            'nodata': 'nan' if nodata is not None and np.isnan(nodata) else nodata,
            'description': band.GetDescription(),
            'unit': band.GetUnitType(),
            'colorInterpretation': gdal.GetColorInterpretationName(band.GetColorInterpretation()),
            'block': band.GetBlockSize(),
            'overviews': [],
            # GDAL's GMF_* flags: 2 (GMF_PER_DATASET) for an internal mask, 1 (GMF_ALL_VALID), 8 (GMF_NODATA).
            'maskFlags': band.GetMaskFlags(),
            'maskSha256': digest(band.GetMaskBand().ReadAsArray()) if band.GetMaskFlags() == gdal.GMF_PER_DATASET else None,
        }
        parent = data
        for i in range(band.GetOverviewCount()):
            ovr = band.GetOverview(i)
            child = ovr.ReadAsArray()
            err, empty_ok = mean_error(parent, child, nodata)
            overview = {'size': [ovr.XSize, ovr.YSize], 'block': ovr.GetBlockSize(), 'meanError': err, 'emptyIsNodata': empty_ok}
            if ovr.GetMaskFlags() == gdal.GMF_PER_DATASET:
                mask = ovr.GetMaskBand()
                overview['mask'] = {'size': [mask.XSize, mask.YSize], 'valid': int((mask.ReadAsArray() == 255).sum())}
            info['overviews'].append(overview)
            parent = child
        out['bands'].append(info)
    return out


if __name__ == '__main__':
    # Several files per run: importing numpy and GDAL is most of the time.
    print(json.dumps({path: read(path) for path in sys.argv[1:]}))
