import type { BBox, GeoJSONGeometry } from '../types.js';
import { geometryBBox, positionsBBox } from './bbox.js';
import type { Position } from './orientation.js';

/** A geometry broken into its simple parts, each with its bbox, for the pairwise tests. */
export interface PreparedGeometry {
  bbox: BBox;
  points: Position[];
  lines: PreparedLine[];
  polygons: PreparedPolygon[];
}

export interface PreparedLine {
  bbox: BBox;
  positions: readonly Position[];
}

export interface PreparedPolygon {
  bbox: BBox;
  /** Exterior ring first, then holes; each closed. */
  rings: readonly (readonly Position[])[];
}

/** Breaks a (valid) geometry into points, lines and polygons, collections flattened. */
export function prepareGeometry(geometry: GeoJSONGeometry): PreparedGeometry {
  const prepared: PreparedGeometry = { bbox: geometryBBox(geometry), points: [], lines: [], polygons: [] };
  collect(geometry, prepared);
  return prepared;
}

function collect(geometry: GeoJSONGeometry, into: PreparedGeometry): void {
  const c = geometry.coordinates;
  switch (geometry.type) {
    case 'Point':
      into.points.push(c as Position);
      return;
    case 'MultiPoint':
      into.points.push(...(c as Position[]));
      return;
    case 'LineString':
      into.lines.push(line(c as Position[]));
      return;
    case 'MultiLineString':
      for (const l of c as Position[][]) into.lines.push(line(l));
      return;
    case 'Polygon':
      into.polygons.push(polygon(c as Position[][]));
      return;
    case 'MultiPolygon':
      for (const p of c as Position[][][]) into.polygons.push(polygon(p));
      return;
    case 'GeometryCollection':
      for (const member of geometry.geometries ?? []) collect(member, into);
      return;
  }
}

function line(positions: Position[]): PreparedLine {
  return { bbox: positionsBBox(positions), positions };
}

function polygon(rings: Position[][]): PreparedPolygon {
  return { bbox: positionsBBox(rings[0]!), rings };
}
