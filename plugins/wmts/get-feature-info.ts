/**
 * GetFeatureInfo (07-057r7 §7.3): the layer's values under pixel (I, J) of a tile, read by the
 * coverages engine at that pixel's centre in the set's CRS, in the InfoFormat asked for.
 */
import type { Subject } from '../../core/auth/types.js';
import { invalidParameterValue, OwsException, transformPoint } from '../../core/ows/index.js';
import type { InfoFormat } from './config.js';
import type { WmtsEnv, WmtsResponse } from './context.js';
import { engineCall } from './engine-errors.js';
import { encodeFeatureInfo, type FeatureInfo } from './feature-info-encoders.js';
import { bareMime } from './formats.js';
import type { GetFeatureInfoRequest } from './requests.js';
import { resolveTile } from './resolve.js';
import { pixelCentre } from './tile-matrix-sets.js';

function pixelIndex(written: string, locator: 'I' | 'J', size: number): number {
  const text = written.trim();
  if (!/^[+-]?\d+$/.test(text)) throw invalidParameterValue(locator, `${locator} must be an integer; got '${written}'`);
  const n = Number(text);
  if (n < 0 || n >= size) throw new OwsException('PointIJOutOfRange', `${locator} ${n} is outside the tile (0 to ${size - 1})`, { locator, status: 400 });
  return n;
}

function resolveInfoFormat(env: WmtsEnv, written: string): InfoFormat {
  const mime = bareMime(written);
  const offered = env.config.infoFormats.find((f) => f === mime);
  if (!offered) throw invalidParameterValue('InfoFormat', `InfoFormat '${written}' is not offered; formats are ${env.config.infoFormats.join(', ') || 'none'}`);
  return offered;
}

export async function getFeatureInfo(request: GetFeatureInfoRequest, env: WmtsEnv, subject: Subject): Promise<WmtsResponse> {
  const tile = await resolveTile(env, request, subject, { needsFormat: request.binding === 'kvp' });
  const j = pixelIndex(request.j, 'J', tile.matrix.tileHeight);
  const i = pixelIndex(request.i, 'I', tile.matrix.tileWidth);
  const infoFormat = resolveInfoFormat(env, request.infoFormat);
  const [x, y] = pixelCentre(tile.matrix, tile.row, tile.col, i, j);
  const values = await engineCall(() =>
    env.coverages.pointValues({ coverage: tile.layer.id, crs: tile.set.crs.id, x, y, time: tile.time ? { begin: tile.time, end: tile.time } : undefined }, subject),
  );
  const [lon, lat] = transformPoint([x, y], tile.set.crs, 'OGC:CRS84');
  const info: FeatureInfo = {
    layer: tile.layer.id,
    title: tile.layer.title,
    tileMatrixSet: tile.set.id,
    tileMatrix: tile.matrix.id,
    tileRow: tile.row,
    tileCol: tile.col,
    i,
    j,
    point: { crs: tile.set.supportedCrs, x, y },
    lonLat: Number.isFinite(lon) && Number.isFinite(lat) ? [lon, lat] : undefined,
    values,
  };
  const encoded = encodeFeatureInfo(info, infoFormat);
  return { contentType: encoded.contentType, body: encoded.body, headers: { 'Cache-Control': 'no-cache' } };
}
