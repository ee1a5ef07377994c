/**
 * GetLegendGraphic (SLD 1.1 profile of WMS, OGC 05-078r4 §10.2; the KVP GeoServer and QGIS
 * send): LAYER (required), STYLE (the layer's default when absent or empty), FORMAT (image/png
 * when absent), WIDTH and HEIGHT (the engine's size when absent). SLD, SLD_BODY, RULE, SCALE
 * and SLD_VERSION are not used: the legend is the one of the named style.
 */
import { missingParameterValue, OwsException } from '../../core/ows/index.js';
import type { WmsEnv, WmsRequest, WmsResponse } from './env.js';
import { translateEngineError } from './exceptions.js';
import { imageFormatOf } from './formats.js';
import { resolveLayers } from './map-request.js';

const MAX_LEGEND_SIDE = 2048;

export async function getLegendGraphic(request: WmsRequest, env: WmsEnv): Promise<WmsResponse> {
  const { kvp } = request;
  try {
    const name = kvp.optional('LAYER');
    if (name === undefined || name.trim() === '') throw missingParameterValue('LAYER');
    const [coverage] = await resolveLayers([name], env, 'LAYER');
    const style = kvp.optional('STYLE')?.trim() || undefined;
    if (style !== undefined && !coverage!.styles.some((s) => s.name === style)) {
      throw new OwsException('StyleNotDefined', `Layer '${coverage!.id}' has no style '${style}'; styles: ${coverage!.styles.map((s) => s.name).join(', ')}`, { locator: 'STYLE' });
    }
    const formatValue = kvp.optional('FORMAT');
    const format = formatValue === undefined || formatValue.trim() === '' ? 'png' : imageFormatOf(formatValue);
    const width = kvp.optionalInt('WIDTH', { min: 1, max: MAX_LEGEND_SIDE });
    const height = kvp.optionalInt('HEIGHT', { min: 1, max: MAX_LEGEND_SIDE });
    const out = await env.coverages.legend({ coverage: coverage!.id, style, format, ...(width ? { width } : {}), ...(height ? { height } : {}) }, env.subject);
    return { contentType: out.contentType, body: out.body };
  } catch (thrown) {
    throw translateEngineError(thrown, { layer: 'LAYER', style: 'STYLE', crs: 'CRS', format: 'FORMAT' });
  }
}
