/**
 * GetLegendGraphic (SLD 1.1 profile of WMS, OGC 05-078r4 §10.2; the KVP GeoServer and QGIS
 * send): LAYER (required), STYLE (the layer's default when absent or empty), FORMAT (image/png
 * when absent), WIDTH and HEIGHT (the engine's size when absent). SLD, SLD_BODY, RULE, SCALE
 * and SLD_VERSION are not used: the legend is the one of the named style. A vector layer's
 * legend is drawn here (vector/legend.ts): a swatch and title per rule, at its natural size
 * unless WIDTH/HEIGHT say otherwise.
 */
import sharp from 'sharp';
import { missingParameterValue } from '../../core/ows/index.js';
import type { ImageFormat } from '../coverages/types.js';
import type { WmsEnv, WmsRequest, WmsResponse } from './env.js';
import { translateEngineError } from './exceptions.js';
import { IMAGE_MIME, imageFormatOf } from './formats.js';
import { checkStyle, resolveLayers } from './map-request.js';
import { legendSvg } from './vector/legend.js';

const MAX_LEGEND_SIDE = 2048;

/** A legend drawn as SVG, in the asked format (JPEG on white). */
async function encodeLegend(svg: Buffer, format: ImageFormat, quality: number): Promise<Buffer> {
  const image = sharp(svg, { density: 72 });
  if (format === 'jpeg') return image.flatten({ background: '#ffffff' }).jpeg({ quality }).toBuffer();
  if (format === 'webp') return image.webp({ quality }).toBuffer();
  return image.png().toBuffer();
}

export async function getLegendGraphic(request: WmsRequest, env: WmsEnv): Promise<WmsResponse> {
  const { kvp } = request;
  try {
    const name = kvp.optional('LAYER');
    if (name === undefined || name.trim() === '') throw missingParameterValue('LAYER');
    const layer = (await resolveLayers([name], env, 'LAYER'))[0]!;
    const style = checkStyle(layer, kvp.optional('STYLE')?.trim() || undefined, 'STYLE');
    const formatValue = kvp.optional('FORMAT');
    const format = formatValue === undefined || formatValue.trim() === '' ? 'png' : imageFormatOf(formatValue);
    const width = kvp.optionalInt('WIDTH', { min: 1, max: MAX_LEGEND_SIDE });
    const height = kvp.optionalInt('HEIGHT', { min: 1, max: MAX_LEGEND_SIDE });
    if (layer.kind === 'vector') {
      const vectorStyle = layer.styles.find((s) => s.name === style) ?? layer.styles[0]!;
      const { svg } = legendSvg(vectorStyle, layer.collection.geometryType, { width, height });
      return { contentType: IMAGE_MIME[format], body: await encodeLegend(svg, format, env.config.quality) };
    }
    const out = await env.coverages.legend({ coverage: layer.id, style, format, ...(width ? { width } : {}), ...(height ? { height } : {}) }, env.subject);
    return { contentType: out.contentType, body: out.body };
  } catch (thrown) {
    throw translateEngineError(thrown, { layer: 'LAYER', style: 'STYLE', crs: 'CRS', format: 'FORMAT' });
  }
}
