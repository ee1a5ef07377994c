/**
 * Where a GeoTIFF's pixels are: its CRS as 'EPSG:nnnn' from the GeoKeys, and its geotransform from
 * ModelPixelScale + ModelTiepoint or ModelTransformation (GeoTIFF 1.1, OGC 19-008r4), pixel-corner
 * based whatever RasterPixelIsPoint says.
 */
import type { ImageFileDirectory } from 'geotiff';
import type { GeoTransform } from '../types.js';
import { Tag, tagNumbers, UnsupportedTiff } from './tiff-image.js';

const GeoKey = {
  GTModelType: 1024,
  GTRasterType: 1025,
  GeographicType: 2048,
  ProjectedCSType: 3072,
} as const;
const ModelType = { Projected: 1, Geographic: 2, Geocentric: 3 } as const;
const RASTER_PIXEL_IS_POINT = 2;
const USER_DEFINED = 32767;

/** GeoKeys whose value is stored in the directory itself (all the SHORT keys this reader needs). */
export function readGeoKeys(ifd: ImageFileDirectory): Map<number, number> {
  const keys = new Map<number, number>();
  const dir = tagNumbers(ifd, Tag.GeoKeyDirectory);
  if (!dir || dir.length < 4) return keys;
  const count = dir[3]!;
  for (let i = 0; i < count; i++) {
    const at = 4 + i * 4;
    if (at + 3 >= dir.length) break;
    const [key, location, , value] = [dir[at]!, dir[at + 1]!, dir[at + 2]!, dir[at + 3]!];
    if (location === 0) keys.set(key, value);
  }
  return keys;
}

export function crsOf(geoKeys: Map<number, number>): string {
  if (geoKeys.size === 0) throw new UnsupportedTiff('the file has no GeoKeys: it is not georeferenced');
  const model = geoKeys.get(GeoKey.GTModelType);
  const projected = geoKeys.get(GeoKey.ProjectedCSType);
  const geographic = geoKeys.get(GeoKey.GeographicType);
  if (model === ModelType.Geocentric) throw new UnsupportedTiff('a geocentric model (GTModelTypeGeoKey 3) cannot georeference a raster');
  const usesProjected = model === ModelType.Projected || (model === undefined && projected !== undefined);
  const [code, keyName] = usesProjected ? [projected, 'ProjectedCSTypeGeoKey'] : [geographic, 'GeographicTypeGeoKey'];
  if (code === USER_DEFINED || code === undefined) {
    throw new UnsupportedTiff(
      `its CRS is user-defined (${keyName} ${code === undefined ? 'absent' : '32767'}) and has no EPSG code; ` +
      'give the file an EPSG CRS (gdalwarp -t_srs EPSG:nnnn, or gdal_edit.py -a_srs EPSG:nnnn when it is the same CRS)',
    );
  }
  if (!(code > 0 && code < USER_DEFINED)) throw new UnsupportedTiff(`${keyName} ${code} is not an EPSG code`);
  return `EPSG:${code}`;
}

export function geoTransformOf(ifd: ImageFileDirectory, geoKeys: Map<number, number>): GeoTransform {
  let t: GeoTransform;
  const matrix = tagNumbers(ifd, Tag.ModelTransformation);
  const scale = tagNumbers(ifd, Tag.ModelPixelScale);
  const tiepoints = tagNumbers(ifd, Tag.ModelTiepoint);
  if (matrix && matrix.length >= 16) {
    // Row-major 4x4: x = m0*col + m1*row + m3, y = m4*col + m5*row + m7.
    t = [matrix[3]!, matrix[0]!, matrix[1]!, matrix[7]!, matrix[4]!, matrix[5]!];
  } else if (scale && scale.length >= 2 && tiepoints && tiepoints.length >= 6) {
    const [i, j, , x, y] = tiepoints as [number, number, number, number, number];
    const [sx, sy] = scale as [number, number];
    t = [x - i * sx, sx, 0, y + j * sy, 0, -sy];
  } else if (tiepoints && tiepoints.length > 6) {
    throw new UnsupportedTiff('the file is georeferenced by ground control points only; warp it to a grid first (gdalwarp)');
  } else {
    throw new UnsupportedTiff('the file has no ModelPixelScale/ModelTiepoint nor ModelTransformation: it is not georeferenced');
  }
  if (t[1] === 0 || t[5] === 0 || !t.every(Number.isFinite)) throw new UnsupportedTiff(`degenerate geotransform [${t.join(', ')}]`);
  if (geoKeys.get(GeoKey.GTRasterType) === RASTER_PIXEL_IS_POINT) {
    // The model point is the pixel's centre: move the origin to its corner.
    t[0] -= 0.5 * t[1] + 0.5 * t[2];
    t[3] -= 0.5 * t[4] + 0.5 * t[5];
  }
  return t;
}

/** An overview's transform: same origin and area, pixels as much coarser as it has fewer of them. */
export function scaleTransform(t: GeoTransform, fullWidth: number, fullHeight: number, width: number, height: number): GeoTransform {
  const rx = fullWidth / width;
  const ry = fullHeight / height;
  return [t[0], t[1] * rx, t[2] * ry, t[3], t[4] * rx, t[5] * ry];
}
