/**
 * A feature's geometry moved between CRSs (x/y in and out), for GetFeatureInfo's GeoJSON, which
 * is CRS:84 (RFC 7946). A geometry with a position that has no image there becomes null rather
 * than a GeoJSON with NaN in it.
 */
import { resolveCrs, transformPoints } from '../../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../../core/filter/index.js';

type Position = number[];

function mapCoordinates(c: unknown, depth: number, f: (p: Position) => Position): unknown {
  return depth === 0 ? f(c as Position) : (c as unknown[]).map((x) => mapCoordinates(x, depth - 1, f));
}

const DEPTH: Record<Exclude<GeoJSONGeometry['type'], 'GeometryCollection'>, number> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };

export function geometryIn(g: GeoJSONGeometry, from: string, to: string): GeoJSONGeometry | null {
  if (resolveCrs(from).id === resolveCrs(to).id) return g;
  let ok = true;
  const move = (geometry: GeoJSONGeometry): GeoJSONGeometry => {
    if (geometry.type === 'GeometryCollection') return { type: 'GeometryCollection', geometries: (geometry.geometries ?? []).map(move) };
    return {
      type: geometry.type,
      coordinates: mapCoordinates(geometry.coordinates, DEPTH[geometry.type], (p) => {
        const [x, y] = transformPoints([[p[0]!, p[1]!]], from, to)[0]!;
        if (Number.isNaN(x)) ok = false;
        return [x, y];
      }),
    } as GeoJSONGeometry;
  };
  const out = move(g);
  return ok ? out : null;
}
