// The request sequences both servers answer: WFS 2.0.0 GetFeature of one layer with a BBOX and
// COUNT=100, over a fixed seeded list of boxes sized to hold a few hundred features each (so most
// answers are full pages), as GeoJSON or GML 3.2. The BBOX is in urn:ogc:def:crs:EPSG::4326,
// latitude first, the axis order that spelling means to both servers; answers come in that CRS.
import { seededRandom } from '../../../core/seeded-random.js';
import { EXTENT, type LayerInfo } from './data.js';

export type OutputFormat = 'geojson' | 'gml';

export const OUTPUT_FORMATS: Record<OutputFormat, { param: string; contentType: string }> = {
  geojson: { param: 'application/json', contentType: 'application/json' },
  // Both servers name GML 3.2 so in WFS 2.0 (MapServer answers text/xml; subtype="gml/3.2.1").
  gml: { param: 'application/gml+xml; version=3.2', contentType: '' },
};

export const PAGE = 100;
const CRS = 'urn:ogc:def:crs:EPSG::4326';

export interface BboxQuery {
  /** lon/lat box. */
  box: [number, number, number, number];
  /** The query string (without '?'), the same for both servers. */
  query: string;
}

/** Box sides in degrees: points are 500 per square degree, polygons 20. */
const SIDES: Record<LayerInfo['name'], [number, number]> = { points: [0.55, 0.85], polygons: [2.6, 4], big: [0.2, 0.4] };

export function bboxQueries(layer: LayerInfo, format: OutputFormat, count: number, seed: number): BboxQuery[] {
  const random = seededRandom(seed);
  const [minSide, maxSide] = SIDES[layer.name];
  const out: BboxQuery[] = [];
  for (let i = 0; i < count; i++) {
    const w = minSide + random() * (maxSide - minSide);
    const h = minSide + random() * (maxSide - minSide);
    const x = EXTENT.minLon + random() * (EXTENT.maxLon - EXTENT.minLon - w);
    const y = EXTENT.minLat + random() * (EXTENT.maxLat - EXTENT.minLat - h);
    const box: BboxQuery['box'] = [x, y, x + w, y + h];
    const bbox = [box[1], box[0], box[3], box[2]].map((v) => v.toFixed(5)).join(',');
    const params = new URLSearchParams({
      SERVICE: 'WFS',
      VERSION: '2.0.0',
      REQUEST: 'GetFeature',
      TYPENAMES: layer.name,
      BBOX: `${bbox},${CRS}`,
      SRSNAME: CRS,
      COUNT: String(PAGE),
      OUTPUTFORMAT: OUTPUT_FORMATS[format].param,
    });
    out.push({ box, query: params.toString() });
  }
  return out;
}

/** The whole layer in one GetFeature as GeoJSON (both servers' page limit is set above its size). */
export function exportQuery(layer: LayerInfo): string {
  return new URLSearchParams({ SERVICE: 'WFS', VERSION: '2.0.0', REQUEST: 'GetFeature', TYPENAMES: layer.name, COUNT: String(layer.features + 1), OUTPUTFORMAT: OUTPUT_FORMATS.geojson.param }).toString();
}
