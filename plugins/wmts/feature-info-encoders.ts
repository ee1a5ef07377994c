/**
 * GetFeatureInfo bodies. WMTS 1.0.0 leaves their content to the server: application/json is a
 * GeoJSON FeatureCollection (one Point feature at the pixel centre, none outside the data),
 * text/xml a wmts:FeatureInfoResponse whose AnyContent holds the values, text/plain and
 * text/html the same values for people.
 */
import { el, escapeXmlText, serializeXml } from '../../core/ows/index.js';
import type { PointValues } from '../coverages/types.js';
import { WMTS_NS } from './capabilities.js';
import type { InfoFormat } from './config.js';

export const FEATURE_INFO_NS = 'urn:meridian:wmts:1.0:featureInfo';

export interface FeatureInfo {
  layer: string;
  title: string;
  tileMatrixSet: string;
  tileMatrix: string;
  tileRow: number;
  tileCol: number;
  i: number;
  j: number;
  /** The pixel centre in the set's CRS (x/y order). */
  point: { crs: string; x: number; y: number };
  lonLat?: [number, number];
  values: PointValues;
}

function bands(info: FeatureInfo): Array<{ band: string; value: number | null; unit?: string }> {
  return info.values.values ?? [];
}

function json(info: FeatureInfo): string {
  const location = { tileMatrixSet: info.tileMatrixSet, tileMatrix: info.tileMatrix, tileRow: info.tileRow, tileCol: info.tileCol, i: info.i, j: info.j };
  const features =
    info.values.values === null
      ? []
      : [
          {
            type: 'Feature',
            id: `${info.layer}.${info.tileMatrixSet}.${info.tileMatrix}.${info.tileRow}.${info.tileCol}.${info.j}.${info.i}`,
            geometry: info.lonLat ? { type: 'Point', coordinates: info.lonLat } : null,
            properties: {
              layer: info.layer,
              ...(info.values.time !== undefined && { time: info.values.time }),
              ...(info.values.product !== undefined && { product: info.values.product }),
              values: Object.fromEntries(bands(info).map((b) => [b.band, b.value])),
              ...(bands(info).some((b) => b.unit) && { units: Object.fromEntries(bands(info).filter((b) => b.unit).map((b) => [b.band, b.unit])) }),
              ...(info.values.pixel && { pixel: info.values.pixel }),
              ...location,
            },
          },
        ];
  return JSON.stringify({ type: 'FeatureCollection', features });
}

function plain(info: FeatureInfo): string {
  const lines = [
    `Layer: ${info.layer} (${info.title})`,
    `Tile: ${info.tileMatrixSet} ${info.tileMatrix}/${info.tileRow}/${info.tileCol}, pixel I=${info.i} J=${info.j}`,
    info.lonLat ? `Point: ${info.lonLat[0]} ${info.lonLat[1]} (CRS84)` : `Point: ${info.point.x} ${info.point.y} (${info.point.crs})`,
  ];
  if (info.values.time) lines.push(`Time: ${info.values.time}`);
  if (info.values.values === null) lines.push('No data at this point');
  else for (const b of bands(info)) lines.push(`${b.band} = ${b.value === null ? 'nodata' : b.value}${b.unit ? ` ${b.unit}` : ''}`);
  return `${lines.join('\n')}\n`;
}

function html(info: FeatureInfo): string {
  const e = escapeXmlText;
  const rows =
    info.values.values === null
      ? '<tr><td colspan="2">No data at this point</td></tr>'
      : bands(info)
          .map((b) => `<tr><th>${e(b.band)}</th><td>${b.value === null ? 'nodata' : b.value}${b.unit ? ` ${e(b.unit)}` : ''}</td></tr>`)
          .join('');
  const where = info.lonLat ? `${info.lonLat[0]}, ${info.lonLat[1]}` : `${info.point.x}, ${info.point.y}`;
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${e(info.title)}</title></head><body>`,
    `<table><caption>${e(info.title)} (${e(info.layer)}) at ${e(where)}${info.values.time ? `, ${e(info.values.time)}` : ''}</caption>${rows}</table>`,
    '</body></html>',
  ].join('\n');
}

function xml(info: FeatureInfo): string {
  const root = el(
    'FeatureInfoResponse',
    { xmlns: WMTS_NS },
    el(
      'AnyContent',
      null,
      el(
        'mer:PixelValues',
        { 'xmlns:mer': FEATURE_INFO_NS, layer: info.layer, tileMatrixSet: info.tileMatrixSet, tileMatrix: info.tileMatrix, tileRow: info.tileRow, tileCol: info.tileCol, i: info.i, j: info.j },
        el('mer:Point', { crs: info.point.crs }, `${info.point.x} ${info.point.y}`),
        info.lonLat && el('mer:Point', { crs: 'urn:ogc:def:crs:OGC:1.3:CRS84' }, `${info.lonLat[0]} ${info.lonLat[1]}`),
        info.values.time !== undefined && el('mer:Time', null, info.values.time),
        bands(info).map((b) => el('mer:Band', { name: b.band, uom: b.unit, nodata: b.value === null ? 'true' : undefined }, b.value === null ? '' : String(b.value))),
      ),
    ),
  );
  return serializeXml(root);
}

export function encodeFeatureInfo(info: FeatureInfo, format: InfoFormat): { contentType: string; body: string } {
  switch (format) {
    case 'application/json':
      return { contentType: 'application/json', body: json(info) };
    case 'text/plain':
      return { contentType: 'text/plain; charset=UTF-8', body: plain(info) };
    case 'text/html':
      return { contentType: 'text/html; charset=UTF-8', body: html(info) };
    case 'text/xml':
      return { contentType: 'text/xml; charset=UTF-8', body: xml(info) };
  }
}
