/**
 * GetFeatureInfo (WMS 1.3.0 §7.4; 1.1.1 §7.3): the map part of the GetMap it was drawn with
 * (STYLES and FORMAT may be left out), QUERY_LAYERS (each among LAYERS and queryable), INFO_FORMAT
 * (required in 1.3.0, text/plain by default in 1.1.1), I/J (X/Y in 1.1.1: the pixel, from the
 * top left, of a map WIDTH x HEIGHT; outside it is InvalidPoint) and FEATURE_COUNT. A raster
 * layer's values are read at the centre of that pixel by the engine (pointValues), at full
 * resolution; a vector layer answers the features drawn under the pixel, within
 * featureInfoTolerance pixels, topmost first, FEATURE_COUNT (default 1) at most (vector/hit-test.ts).
 */
import { missingParameterValue, OwsException, transformPoint, type KvpParams } from '../../core/ows/index.js';
import type { WmsEnv, WmsRequest, WmsResponse } from './env.js';
import { translateEngineError } from './exceptions.js';
import { encodeFeatureInfo, type LayerInfo } from './feature-info-formats.js';
import { infoFormatOf } from './formats.js';
import { parseMapPart } from './map-request.js';
import { featuresAt } from './vector/hit-test.js';
import { spanOf } from './time-dimension.js';
import { PROFILES } from './versions.js';

/** I or J (X or Y): an integer pixel index inside the map; anything else is InvalidPoint. */
function pixelIndex(kvp: KvpParams, name: string, size: number): number {
  const value = kvp.optional(name);
  if (value === undefined || value.trim() === '') throw missingParameterValue(name);
  const n = Number(value.trim());
  if (!/^[+-]?\d+$/.test(value.trim()) || n < 0 || n >= size) {
    throw new OwsException('InvalidPoint', `${name} must be a pixel index from 0 to ${size - 1}; got '${value}'`, { locator: name });
  }
  return n;
}

export async function getFeatureInfo(request: WmsRequest, env: WmsEnv): Promise<WmsResponse> {
  const { kvp, version } = request;
  const profile = PROFILES[version];
  try {
    const part = await parseMapPart(kvp, version, env, { stylesRequired: false });
    const queryNames = kvp.list('QUERY_LAYERS', { required: true }).map((n) => n.trim());
    const infoFormatValue = version === '1.3.0' ? kvp.required('INFO_FORMAT') : (kvp.optional('INFO_FORMAT') || 'text/plain');
    const format = infoFormatOf(infoFormatValue);
    const featureCount = kvp.optionalInt('FEATURE_COUNT', { min: 1 }) ?? 1;
    const column = pixelIndex(kvp, profile.columnParam, part.width);
    const row = pixelIndex(kvp, profile.rowParam, part.height);

    const queried = queryNames.map((name) => {
      const layer = part.layers.find((l) => l.id === name);
      if (!layer) throw new OwsException('LayerNotDefined', `QUERY_LAYERS names '${name}', which is not among LAYERS`, { locator: 'QUERY_LAYERS' });
      if (env.config.layers[name]?.queryable === false) throw new OwsException('LayerNotQueryable', `Layer '${name}' is not queryable`, { locator: 'QUERY_LAYERS' });
      return layer;
    });

    const [minx, miny, maxx, maxy] = part.bbox;
    const x = minx + ((column + 0.5) * (maxx - minx)) / part.width;
    const y = maxy - ((row + 0.5) * (maxy - miny)) / part.height;
    const infos: LayerInfo[] = await Promise.all(
      queried.map(async (layer): Promise<LayerInfo> => {
        if (layer.kind === 'vector') {
          const map = { crs: part.crs.crs, bbox: part.bbox, width: part.width, height: part.height };
          const source = { features: env.features!, subject: env.subject, maxFeatures: env.config.vectorMaxFeatures };
          const features = await featuresAt(layer, map, source, { column, row }, env.config.featureInfoTolerance, featureCount);
          return { kind: 'vector', layer: layer.collection, features };
        }
        const time = spanOf(layer.times);
        const result = await env.coverages.pointValues({ coverage: layer.coverage.id, crs: part.grid.crs, x, y, ...(time ? { time } : {}) }, env.subject);
        return { kind: 'raster', layer: layer.coverage, result };
      }),
    );
    const lonLat = transformPoint([x, y], part.crs, 'OGC:CRS84');
    const out = encodeFeatureInfo(format, infos, { lonLat: Number.isFinite(lonLat[0]) ? lonLat : undefined });
    return { contentType: out.contentType, body: out.body };
  } catch (thrown) {
    throw translateEngineError(thrown, { layer: 'QUERY_LAYERS', style: 'STYLES', crs: profile.crsParam, format: 'INFO_FORMAT' });
  }
}
