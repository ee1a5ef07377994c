/**
 * GetFeatureInfo answers: the pixel values per band of each queried layer under the point, in
 * text/plain, application/json (a GeoJSON FeatureCollection, one Feature per layer with data,
 * at the point in CRS:84), text/html (a table per layer) or text/xml (un-namespaced
 * GetFeatureInfoResponse/Layer/Band). A layer with no data there has no values (JSON: no feature).
 */
import { el, escapeXmlAttr, escapeXmlText, serializeXml } from '../../core/ows/index.js';
import type { CoverageDescription, PointValues } from '../coverages/types.js';
import type { InfoFormat } from './formats.js';

export interface LayerInfo {
  layer: CoverageDescription;
  result: PointValues;
}

export interface InfoPoint {
  /** The point in CRS:84, when it transforms. */
  lonLat?: [number, number];
}

function plain(infos: readonly LayerInfo[]): string {
  const lines: string[] = [];
  for (const { layer, result } of infos) {
    lines.push(`Layer '${layer.id}' (${layer.title})`);
    if (result.pixel) lines.push(`  pixel: column ${result.pixel.column}, row ${result.pixel.row}`);
    if (result.time) lines.push(`  time: ${result.time}`);
    if (result.product) lines.push(`  product: ${result.product}`);
    if (!result.values) lines.push('  no data');
    else for (const v of result.values) lines.push(`  ${v.band} = ${v.value === null ? 'no data' : v.value}${v.unit ? ` ${v.unit}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function json(infos: readonly LayerInfo[], point: InfoPoint): string {
  const features = infos
    .filter(({ result }) => result.values !== null)
    .map(({ layer, result }) => ({
      type: 'Feature',
      id: layer.id,
      geometry: point.lonLat ? { type: 'Point', coordinates: point.lonLat } : null,
      properties: {
        layer: layer.id,
        ...Object.fromEntries(result.values!.map((v) => [v.band, v.value])),
        ...(result.pixel ? { pixel_column: result.pixel.column, pixel_row: result.pixel.row } : {}),
        ...(result.time ? { time: result.time } : {}),
        ...(result.product ? { product: result.product } : {}),
      },
    }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}

function html(infos: readonly LayerInfo[]): string {
  const e = escapeXmlText;
  const tables = infos.map(({ layer, result }) => {
    const caption = `<caption>${e(layer.title)} (${e(layer.id)})</caption>`;
    const meta = [
      result.pixel ? `<tr><th>pixel</th><td>column ${result.pixel.column}, row ${result.pixel.row}</td></tr>` : '',
      result.time ? `<tr><th>time</th><td>${e(result.time)}</td></tr>` : '',
      result.product ? `<tr><th>product</th><td>${e(result.product)}</td></tr>` : '',
    ].join('');
    const rows = result.values
      ? result.values.map((v) => `<tr><th>${e(v.band)}</th><td>${v.value === null ? 'no data' : v.value}${v.unit ? ` ${e(v.unit)}` : ''}</td></tr>`).join('')
      : '<tr><td colspan="2">no data</td></tr>';
    return `<table class="featureInfo" data-layer="${escapeXmlAttr(layer.id)}">${caption}${meta}${rows}</table>`;
  });
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>GetFeatureInfo</title></head><body>${tables.join('')}</body></html>\n`;
}

function xml(infos: readonly LayerInfo[]): string {
  return serializeXml(
    el(
      'GetFeatureInfoResponse',
      null,
      infos.map(({ layer, result }) =>
        el(
          'Layer',
          { name: layer.id, title: layer.title },
          (result.pixel || result.time || result.product) &&
            el('Pixel', { column: result.pixel?.column, row: result.pixel?.row, time: result.time, product: result.product }),
          (result.values ?? []).map((v) => el('Band', { name: v.band, unit: v.unit }, v.value === null ? '' : String(v.value))),
        ),
      ),
    ),
  );
}

export function encodeFeatureInfo(format: InfoFormat, infos: readonly LayerInfo[], point: InfoPoint): { contentType: string; body: string } {
  switch (format) {
    case 'text/plain':
      return { contentType: 'text/plain; charset=UTF-8', body: plain(infos) };
    case 'application/json':
      return { contentType: 'application/json', body: json(infos, point) };
    case 'text/html':
      return { contentType: 'text/html; charset=UTF-8', body: html(infos) };
    case 'text/xml':
      return { contentType: 'text/xml; charset=UTF-8', body: xml(infos) };
  }
}
