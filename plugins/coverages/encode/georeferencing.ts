/**
 * GeoTIFF georeferencing of a grid (OGC GeoTIFF 1.1): where pixel (0, 0) is and how big pixels
 * are (ModelPixelScale + ModelTiepoint, or ModelTransformation when the grid is rotated or
 * south-up), and the CRS as EPSG codes in the GeoKeyDirectory. Pixels are areas (GDAL's
 * geotransform names pixel corners, which is what PixelIsArea means).
 */
// The registry module itself rather than core/ows/index.js: workers encoding GeoTIFFs need no XML toolkit.
import { lookupCrs } from '../../../core/ows/crs/registry.js';
import { CoverageError } from '../errors.js';
import type { GeoTransform, Grid } from '../types.js';
import type { IfdEntry } from './ifd.js';
import { FieldType, GeoKey, ModelType, RASTER_PIXEL_IS_AREA, Tag } from './tiff-tags.js';

export interface GeoTiffCrs {
  model: 'projected' | 'geographic';
  /** The EPSG code written in ProjectedCSTypeGeoKey or GeographicTypeGeoKey. */
  epsg: number;
}

/** The OGC longitude/latitude CRSs are the EPSG datums' geographic CRSs in x/y order, which is all a GeoTIFF says. */
const OGC_GEOGRAPHIC: Record<string, number> = { CRS84: 4326, CRS84h: 4326, CRS83: 4269, CRS27: 4267 };

/** The EPSG code and model type for a CRS id, or an InvalidCrs error when a GeoTIFF cannot say it by code. */
export function geoTiffCrs(crsId: string): GeoTiffCrs {
  const ref = lookupCrs(crsId);
  if (!ref) throw new CoverageError('InvalidCrs', `Unknown CRS '${crsId}'`);
  const { crs } = ref;
  if (crs.authority === 'OGC') {
    const epsg = OGC_GEOGRAPHIC[crs.code];
    if (epsg !== undefined) return { model: 'geographic', epsg };
  } else if (crs.authority === 'EPSG') {
    const epsg = Number(crs.code);
    // GeoKey values are SHORTs; 32767 means user-defined, which a code cannot be.
    if (Number.isInteger(epsg) && epsg > 0 && epsg < 32767) {
      if (crs.kind === 'geographic' || crs.kind === 'geographic-3d') return { model: 'geographic', epsg };
      if (crs.kind === 'projected') return { model: 'projected', epsg };
    }
  }
  throw new CoverageError('InvalidCrs', `CRS '${crsId}' (${crs.name}) cannot be written in a GeoTIFF: only geographic and projected EPSG CRSs can`);
}

/** True when the transform is north-up with no rotation, so scale and tiepoint can say it. */
function isNorthUp(t: GeoTransform): boolean {
  return t[2] === 0 && t[4] === 0 && t[1] > 0 && t[5] < 0;
}

/** The georeferencing tags of a grid, for the full-resolution IFD. */
export function georeferencingEntries(grid: Grid): IfdEntry[] {
  const t = grid.transform;
  if (!t.every(Number.isFinite) || t[1] * t[5] - t[2] * t[4] === 0) {
    throw new CoverageError('InvalidGrid', `The grid's geotransform [${t.join(', ')}] is not invertible`);
  }
  const crs = geoTiffCrs(grid.crs);
  const entries: IfdEntry[] = [];
  if (isNorthUp(t)) {
    entries.push({ tag: Tag.ModelPixelScale, type: FieldType.DOUBLE, values: [t[1], -t[5], 0] });
    entries.push({ tag: Tag.ModelTiepoint, type: FieldType.DOUBLE, values: [0, 0, 0, t[0], t[3], 0] });
  } else {
    entries.push({
      tag: Tag.ModelTransformation,
      type: FieldType.DOUBLE,
      values: [t[1], t[2], 0, t[0], t[4], t[5], 0, t[3], 0, 0, 0, 0, 0, 0, 0, 1],
    });
  }
  const keys: Array<[number, number]> = [
    [GeoKey.GTModelType, crs.model === 'projected' ? ModelType.projected : ModelType.geographic],
    [GeoKey.GTRasterType, RASTER_PIXEL_IS_AREA],
    [crs.model === 'projected' ? GeoKey.ProjectedCSType : GeoKey.GeographicType, crs.epsg],
  ];
  // Header: directory version 1, key revision 1.0, key count; then each key: id, location
  // (0: the value is in the entry), count, value.
  const directory = [1, 1, 0, keys.length];
  for (const [id, value] of keys) directory.push(id, 0, 1, value);
  entries.push({ tag: Tag.GeoKeyDirectory, type: FieldType.SHORT, values: directory });
  return entries;
}
