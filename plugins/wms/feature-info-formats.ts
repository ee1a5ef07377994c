/**
 * GetFeatureInfo answers, per queried layer in QUERY_LAYERS order: a raster layer's pixel values
 * per band under the point, a vector layer's features found there with their attributes. In
 * text/plain; application/json (a GeoJSON FeatureCollection: one Feature per raster layer with
 * data, at the point in CRS:84, and each vector feature found, its geometry in CRS:84 and the
 * foreign member `layer` naming its layer); text/html (a table per layer); or text/xml
 * (un-namespaced GetFeatureInfoResponse/Layer with Band elements, or Feature/Attribute ones).
 * A raster layer with no data there has no values (JSON: no feature).
 */
import { el, escapeXmlAttr, escapeXmlText, serializeXml } from '../../core/ows/index.js';
import type { CoverageDescription, PointValues } from '../coverages/types.js';
import type { CollectionDescription, Feature } from '../features/types.js';
import type { InfoFormat } from './formats.js';
import { geometryIn } from './vector/geojson.js';

export type LayerInfo =
  | { kind: 'raster'; layer: CoverageDescription; result: PointValues }
  /** Features with their geometries in the collection's storage CRS. */
  | { kind: 'vector'; layer: CollectionDescription; features: Feature[] };

export interface InfoPoint {
  /** The point in CRS:84, when it transforms. */
  lonLat?: [number, number];
}

/** An attribute value as text. */
function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function plain(infos: readonly LayerInfo[]): string {
  const lines: string[] = [];
  for (const info of infos) {
    lines.push(`Layer '${info.layer.id}' (${info.layer.title})`);
    if (info.kind === 'vector') {
      if (info.features.length === 0) lines.push('  no features');
      for (const f of info.features) {
        lines.push(`  Feature ${f.id}`);
        for (const [name, value] of Object.entries(f.properties)) lines.push(`    ${name} = ${value === null || value === undefined ? 'null' : text(value)}`);
      }
      continue;
    }
    const { result } = info;
    if (result.pixel) lines.push(`  pixel: column ${result.pixel.column}, row ${result.pixel.row}`);
    if (result.time) lines.push(`  time: ${result.time}`);
    if (result.product) lines.push(`  product: ${result.product}`);
    if (!result.values) lines.push('  no data');
    else for (const v of result.values) lines.push(`  ${v.band} = ${v.value === null ? 'no data' : v.value}${v.unit ? ` ${v.unit}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function json(infos: readonly LayerInfo[], point: InfoPoint): string {
  const features = infos.flatMap((info): object[] => {
    if (info.kind === 'vector') {
      return info.features.map((f) => ({
        type: 'Feature',
        id: f.id,
        layer: info.layer.id,
        geometry: f.geometry ? geometryIn(f.geometry, info.layer.crs, 'OGC:CRS84') : null,
        properties: f.properties,
      }));
    }
    const { layer, result } = info;
    if (result.values === null) return [];
    return [
      {
        type: 'Feature',
        id: layer.id,
        geometry: point.lonLat ? { type: 'Point', coordinates: point.lonLat } : null,
        properties: {
          layer: layer.id,
          ...Object.fromEntries(result.values.map((v) => [v.band, v.value])),
          ...(result.pixel ? { pixel_column: result.pixel.column, pixel_row: result.pixel.row } : {}),
          ...(result.time ? { time: result.time } : {}),
          ...(result.product ? { product: result.product } : {}),
        },
      },
    ];
  });
  return JSON.stringify({ type: 'FeatureCollection', features });
}

function vectorTable(layer: CollectionDescription, features: readonly Feature[]): string {
  const e = escapeXmlText;
  const caption = `<caption>${e(layer.title)} (${e(layer.id)})</caption>`;
  const names = [...new Set(features.flatMap((f) => Object.keys(f.properties)))];
  const head = `<tr><th>id</th>${names.map((n) => `<th>${e(n)}</th>`).join('')}</tr>`;
  const rows =
    features.length === 0
      ? '<tr><td>no features</td></tr>'
      : features.map((f) => `<tr><td>${e(f.id)}</td>${names.map((n) => `<td>${e(text(f.properties[n]))}</td>`).join('')}</tr>`).join('');
  return `<table class="featureInfo" data-layer="${escapeXmlAttr(layer.id)}">${caption}${features.length > 0 ? head : ''}${rows}</table>`;
}

function html(infos: readonly LayerInfo[]): string {
  const e = escapeXmlText;
  const tables = infos.map((info) => {
    if (info.kind === 'vector') return vectorTable(info.layer, info.features);
    const { layer, result } = info;
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
      infos.map((info) => {
        if (info.kind === 'vector') {
          return el(
            'Layer',
            { name: info.layer.id, title: info.layer.title },
            info.features.map((f) => el('Feature', { id: f.id }, Object.entries(f.properties).map(([name, value]) => el('Attribute', { name }, text(value))))),
          );
        }
        const { layer, result } = info;
        return el(
          'Layer',
          { name: layer.id, title: layer.title },
          (result.pixel || result.time || result.product) &&
            el('Pixel', { column: result.pixel?.column, row: result.pixel?.row, time: result.time, product: result.product }),
          (result.values ?? []).map((v) => el('Band', { name: v.band, unit: v.unit }, v.value === null ? '' : String(v.value))),
        );
      }),
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
