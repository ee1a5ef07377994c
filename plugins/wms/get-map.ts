/**
 * GetMap (WMS 1.3.0 §7.3; 1.1.1 §7.2): the map part (map-request.ts), FORMAT, TRANSPARENT,
 * BGCOLOR and EXCEPTIONS, drawn by the coverages engine with the layers in LAYERS order (the
 * first at the bottom) and each TIME list item of a layer drawn in time order, later on top.
 * A map of raster layers only is one call to the engine, as it always was. A map with vector
 * layers is composed (compose-map.ts): each run of consecutive raster layers drawn by the engine
 * as a transparent PNG, each vector layer drawn by vector/render.ts, stacked in LAYERS order.
 * With EXCEPTIONS=INIMAGE or BLANK, an error is answered as an image (exception-image.ts) when
 * the image's own parameters (FORMAT, WIDTH, HEIGHT) were valid; otherwise as XML.
 */
import { describeError, invalidParameterValue, type KvpParams } from '../../core/ows/index.js';
import { composeMap, mapLayersOf } from './compose-map.js';
import type { WmsEnv, WmsRequest, WmsResponse } from './env.js';
import { exceptionImage, type ImageFrame } from './exception-image.js';
import { asMeridianError, translateEngineError } from './exceptions.js';
import { exceptionsModeOf, imageFormatOf } from './formats.js';
import { mapSize, parseMapPart } from './map-request.js';
import { PROFILES } from './versions.js';

/** BGCOLOR: 0xRRGGBB (the standard's form), or #RRGGBB; white by default. */
export function parseBgcolor(kvp: KvpParams): number {
  const value = kvp.optional('BGCOLOR')?.trim();
  if (value === undefined || value === '') return 0xffffff;
  const m = /^(?:0x|#)([0-9a-f]{6})$/i.exec(value);
  if (!m) throw invalidParameterValue('BGCOLOR', `BGCOLOR must be a colour 0xRRGGBB; got '${value}'`);
  return parseInt(m[1]!, 16);
}

/** The image an exception may be drawn into, when the request's image parameters are valid. */
function imageFrameOf(kvp: KvpParams, env: WmsEnv): ImageFrame | undefined {
  try {
    return {
      format: imageFormatOf(kvp.required('FORMAT')),
      width: mapSize(kvp, 'WIDTH', env.maxWidth),
      height: mapSize(kvp, 'HEIGHT', env.maxHeight),
      transparent: kvp.optionalBoolean('TRANSPARENT', false) ?? false,
      bgcolor: parseBgcolor(kvp),
      quality: env.config.quality,
    };
  } catch {
    return undefined;
  }
}

export async function getMap(request: WmsRequest, env: WmsEnv): Promise<WmsResponse> {
  const { kvp, version } = request;
  const mode = exceptionsModeOf(kvp.optional('EXCEPTIONS'), version);
  const crsParam = PROFILES[version].crsParam;
  try {
    const format = imageFormatOf(kvp.required('FORMAT'));
    const part = await parseMapPart(kvp, version, env, { stylesRequired: true });
    const transparent = kvp.optionalBoolean('TRANSPARENT', false) ?? false;
    const bgcolor = parseBgcolor(kvp);
    if (part.layers.some((l) => l.kind === 'vector')) {
      const out = await composeMap(part, { format, transparent, bgcolor, quality: env.config.quality }, env);
      return { contentType: out.contentType, body: out.body };
    }
    const layers = mapLayersOf(part.layers.filter((l) => l.kind === 'raster'));
    // Sent once: the engine may write it into a buffer it reuses, given back when the response is over.
    const out = await env.coverages.map({ layers, target: part.grid, format, transparent, bgcolor, quality: env.config.quality, transientBody: true }, env.subject);
    if (out.release) env.ctx.res.once('close', out.release);
    return { contentType: out.contentType, body: out.body };
  } catch (thrown) {
    const err = translateEngineError(thrown, { layer: 'LAYERS', style: 'STYLES', crs: crsParam, format: 'FORMAT' });
    const frame = mode === 'xml' ? undefined : imageFrameOf(kvp, env);
    const e = asMeridianError(err);
    // Authentication and authorisation answers keep their status and challenge.
    if (!frame || e.status === 401 || e.status === 403) throw err;
    if (e.status >= 500 && e.status !== 501) env.logger.error({ err: thrown, reqId: env.ctx.state.requestId }, 'GetMap failed');
    const d = describeError(e);
    const code = version === '1.1.1' && d.code === 'InvalidCRS' ? 'InvalidSRS' : d.code;
    const message = code === 'NoApplicableCode' ? d.message : `${code}: ${d.message}`;
    const image = await exceptionImage(frame, mode === 'inimage' ? message : undefined);
    return { contentType: image.contentType, body: image.body };
  }
}
