/**
 * Geometries as the JSON formats' schemas accept them: STAC Items and 17-003 features allow no
 * GeometryCollection, and 17-003 positions are two-dimensional.
 */
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';

type Kind = 'point' | 'line' | 'polygon';
const KIND: Record<string, Kind> = { Point: 'point', MultiPoint: 'point', LineString: 'line', MultiLineString: 'line', Polygon: 'polygon', MultiPolygon: 'polygon' };

function parts(g: GeoJSONGeometry): Array<{ kind: Kind; coordinates: unknown }> {
  if (g.type === 'GeometryCollection') return (g.geometries ?? []).flatMap(parts);
  const kind = KIND[g.type]!;
  if (g.type.startsWith('Multi')) return (g.coordinates as unknown[]).map((c) => ({ kind, coordinates: c }));
  return [{ kind, coordinates: g.coordinates }];
}

/**
 * A GeometryCollection as one Multi* geometry of its highest dimension (a footprint's polygons
 * matter more than stray points or lines); other geometries unchanged. Null when nothing is left.
 */
export function withoutCollections(g: GeoJSONGeometry | null | undefined): GeoJSONGeometry | null {
  if (!g) return null;
  if (g.type !== 'GeometryCollection') return g;
  const all = parts(g);
  for (const kind of ['polygon', 'line', 'point'] as const) {
    const same = all.filter((p) => p.kind === kind).map((p) => p.coordinates);
    if (same.length === 0) continue;
    const single = { polygon: 'Polygon', line: 'LineString', point: 'Point' } as const;
    const multi = { polygon: 'MultiPolygon', line: 'MultiLineString', point: 'MultiPoint' } as const;
    return same.length === 1 ? { type: single[kind], coordinates: same[0] } : { type: multi[kind], coordinates: same };
  }
  return null;
}

/** Positions cut to x, y (17-003 allows no height). */
export function twoDimensional(g: GeoJSONGeometry | null): GeoJSONGeometry | null {
  if (!g) return null;
  const cut = (c: unknown): unknown => (Array.isArray(c) && typeof c[0] === 'number' ? c.slice(0, 2) : Array.isArray(c) ? c.map(cut) : c);
  if (g.type === 'GeometryCollection') return { type: g.type, geometries: (g.geometries ?? []).map((x) => twoDimensional(x)!) };
  return { type: g.type, coordinates: cut(g.coordinates) };
}

/** A bbox as a polygon (two, as a MultiPolygon, when minx > maxx crosses the antimeridian). */
export function bboxGeometry(bbox: readonly number[]): GeoJSONGeometry {
  const [minx, miny, maxx, maxy] = bbox as [number, number, number, number];
  const ring = (x1: number, x2: number) => [[[x1, miny], [x2, miny], [x2, maxy], [x1, maxy], [x1, miny]]];
  if (minx > maxx) return { type: 'MultiPolygon', coordinates: [ring(minx, 180), ring(-180, maxx)] };
  if (minx === maxx && miny === maxy) return { type: 'Point', coordinates: [minx, miny] };
  if (minx === maxx || miny === maxy) return { type: 'LineString', coordinates: [[minx, miny], [maxx, maxy]] };
  return { type: 'Polygon', coordinates: ring(minx, maxx) };
}
