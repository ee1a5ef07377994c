/**
 * EO metadata of EO-WCS coverages (OGC 10-140r1 §6.3): a minimal eop:EarthObservation (EOP 2.0,
 * OGC 10-157r3, the version EO-WCS 1.0's schema imports) with the phenomenon time, the footprint
 * (WGS 84, lat/lon) and the identifiers; and the footprint and time period of dataset series.
 */
import { el, type XmlElement } from '../../core/ows/index.js';
import type { Bbox, CoverageDescription } from '../coverages/types.js';
import { num } from './gml.js';

const EPSG_4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';

type Ring = Array<[number, number]>;

function bboxRing(b: Bbox): Ring {
  return [
    [b[0], b[1]],
    [b[2], b[1]],
    [b[2], b[3]],
    [b[0], b[3]],
    [b[0], b[1]],
  ];
}

/** Outer rings (lon/lat) of a GeoJSON Polygon or MultiPolygon; the bbox when there is none. */
export function footprintRings(d: Pick<CoverageDescription, 'footprint' | 'wgs84Bbox'>): Ring[] {
  const f = d.footprint;
  const isRing = (r: unknown): r is Ring => Array.isArray(r) && r.length >= 4 && r.every((p) => Array.isArray(p) && p.length >= 2 && p.every((c) => typeof c === 'number'));
  if (f?.type === 'Polygon' && Array.isArray(f.coordinates) && isRing(f.coordinates[0])) return [f.coordinates[0]];
  if (f?.type === 'MultiPolygon' && Array.isArray(f.coordinates)) {
    const rings = (f.coordinates as unknown[]).map((p) => (Array.isArray(p) ? p[0] : undefined)).filter(isRing);
    if (rings.length > 0) return rings;
  }
  return [bboxRing(d.wgs84Bbox)];
}

export function footprintXml(gmlId: string, d: Pick<CoverageDescription, 'footprint' | 'wgs84Bbox'>): XmlElement {
  return el(
    'eop:Footprint',
    { 'gml:id': `${gmlId}_footprint` },
    el(
      'eop:multiExtentOf',
      null,
      el(
        'gml:MultiSurface',
        { 'gml:id': `${gmlId}_multisurface`, srsName: EPSG_4326 },
        footprintRings(d).map((ring, i) =>
          el(
            'gml:surfaceMember',
            null,
            el(
              'gml:Polygon',
              { 'gml:id': `${gmlId}_polygon${i}` },
              el('gml:exterior', null, el('gml:LinearRing', null, el('gml:posList', null, ring.map(([lon, lat]) => `${num(lat)} ${num(lon)}`).join(' ')))),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The time period a coverage covers: its first and last instants, else its update time. */
export function timePeriodOf(d: Pick<CoverageDescription, 'time' | 'updated'>): { begin: string; end: string } {
  const values = d.time?.values ?? [];
  if (values.length === 0) return { begin: d.updated, end: d.updated };
  return { begin: values[0]!, end: values[values.length - 1]! };
}

export function timePeriodXml(gmlId: string, period: { begin: string; end: string }): XmlElement {
  return el('gml:TimePeriod', { 'gml:id': gmlId }, el('gml:beginPosition', null, period.begin), el('gml:endPosition', null, period.end));
}

/** wcseo:EOMetadata of a granule (a RectifiedDataset). */
export function eoMetadataXml(d: CoverageDescription): XmlElement {
  const id = d.id;
  const period = timePeriodOf(d);
  return el(
    'wcseo:EOMetadata',
    null,
    el(
      'eop:EarthObservation',
      { 'gml:id': `${id}_eop` },
      el('om:phenomenonTime', null, timePeriodXml(`${id}_phenomenonTime`, period)),
      el('om:resultTime', null, el('gml:TimeInstant', { 'gml:id': `${id}_resultTime` }, el('gml:timePosition', null, period.end))),
      el('om:procedure'),
      el('om:observedProperty'),
      el('om:featureOfInterest', null, footprintXml(id, d)),
      el('om:result'),
      el(
        'eop:metaDataProperty',
        null,
        el(
          'eop:EarthObservationMetaData',
          null,
          el('eop:identifier', null, d.product ?? id),
          d.collection !== undefined && el('eop:parentIdentifier', null, d.collection),
          el('eop:acquisitionType', null, 'NOMINAL'),
          el('eop:status', null, 'ARCHIVED'),
        ),
      ),
    ),
  );
}
