/**
 * GeoRSS Simple for a footprint, latitude first as GeoRSS writes it: georss:point, georss:line,
 * georss:polygon (the outer ring). OGC 10-032r8's GeoRSS grammar has no multi-geometries, so a
 * MultiPolygon, MultiPoint, MultiLineString or collection is given as its bounding box
 * (georss:box, CEOS-BP-014E); the exact footprint is in the GeoJSON and metadata encodings.
 */
import { el, type XmlElement } from '../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../core/filter/index.js';

/** A number as xsd:decimal (never in exponent notation). */
export function decimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}

const latLon = (positions: number[][]) => positions.map((p) => `${decimal(p[1]!)} ${decimal(p[0]!)}`).join(' ');

/** south west north east (GeoRSS box order) of an x/y bbox. */
export function georssBox(bbox: readonly number[]): XmlElement {
  const [w, s, e, n] = bbox;
  return el('georss:box', null, `${decimal(s!)} ${decimal(w!)} ${decimal(n!)} ${decimal(e!)}`);
}

export function georss(geometry: GeoJSONGeometry | null | undefined, bbox: readonly number[] | undefined): XmlElement | null {
  if (!geometry) return bbox ? georssBox(bbox) : null;
  switch (geometry.type) {
    case 'Point':
      return el('georss:point', null, latLon([geometry.coordinates as number[]]));
    case 'LineString':
      return el('georss:line', null, latLon(geometry.coordinates as number[][]));
    case 'Polygon':
      return el('georss:polygon', null, latLon((geometry.coordinates as number[][][])[0]!));
    default:
      return bbox ? georssBox(bbox) : null;
  }
}

/** The union of bboxes (x/y), undefined for none. */
export function unionBbox(boxes: ReadonlyArray<readonly number[] | undefined>): [number, number, number, number] | undefined {
  let out: [number, number, number, number] | undefined;
  for (const b of boxes) {
    if (!b) continue;
    if (!out) out = [b[0]!, b[1]!, b[2]!, b[3]!];
    else out = [Math.min(out[0], b[0]!), Math.min(out[1], b[1]!), Math.max(out[2], b[2]!), Math.max(out[3], b[3]!)];
  }
  return out;
}
