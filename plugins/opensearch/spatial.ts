/**
 * The Geo extension's search area (OGC 10-032r8: geo:box, geo:geometry, geo:lat/lon/radius, each
 * in EPSG:4326 degrees, longitude first) and geo:relation, as catalogue query parts.
 * `relation=contains` means the search area contains the result (the record is within it).
 */
import { CRS84, parseWkt, property, type Filter, type GeoJSONGeometry } from '../../core/filter/index.js';
import { invalidParameterValue, missingParameterValue, parseBbox } from '../../core/ows/index.js';
import type { CatalogueQuery, SpatialRelationName } from '../catalogue/types.js';
import type { GeoRelation } from './params.js';

/** The engine's distance rule: metres are degrees × the equatorial degree (core/filter README). */
const METRES_PER_DEGREE = 111_319.49;
const CIRCLE_VERTICES = 64;

const geometryRef = property('geometry');

/** Record relation to the search area, as the engine names it. */
const RELATION: Record<GeoRelation, SpatialRelationName> = { intersects: 'intersects', contains: 'within', disjoint: 'disjoint' };

export interface SpatialInput {
  bbox?: string;
  geometry?: string;
  lat?: number;
  lon?: number;
  radius?: number;
  relation: GeoRelation;
}

type Box = [number, number, number, number];

function checkPosition(p: number[], locator: string): void {
  const [x, y] = p;
  if (x === undefined || y === undefined || Math.abs(x) > 180 || Math.abs(y) > 90) {
    throw invalidParameterValue(locator, `Parameter '${locator}': coordinate (${p.join(' ')}) is outside longitude -180..180, latitude -90..90`);
  }
}

/** Coordinates within the globe and rings closed with at least four positions. */
function checkGeometry(g: GeoJSONGeometry, locator: string): void {
  const ring = (r: number[][]) => {
    r.forEach((p) => checkPosition(p, locator));
    const first = r[0]!;
    const last = r[r.length - 1]!;
    if (r.length < 4 || first[0] !== last[0] || first[1] !== last[1]) {
      throw invalidParameterValue(locator, `Parameter '${locator}': a polygon ring must be closed and have at least 4 positions`);
    }
  };
  switch (g.type) {
    case 'Point':
      return checkPosition(g.coordinates as number[], locator);
    case 'MultiPoint':
      return (g.coordinates as number[][]).forEach((p) => checkPosition(p, locator));
    case 'LineString':
    case 'MultiLineString': {
      const lines = (g.type === 'LineString' ? [g.coordinates] : g.coordinates) as number[][][];
      for (const line of lines) {
        if (line.length < 2) throw invalidParameterValue(locator, `Parameter '${locator}': a line needs at least 2 positions`);
        line.forEach((p) => checkPosition(p, locator));
      }
      return;
    }
    case 'Polygon':
      return (g.coordinates as number[][][]).forEach(ring);
    case 'MultiPolygon':
      return (g.coordinates as number[][][][]).forEach((poly) => poly.forEach(ring));
    case 'GeometryCollection':
      return (g as { geometries: GeoJSONGeometry[] }).geometries.forEach((m) => checkGeometry(m, locator));
    default:
      throw invalidParameterValue(locator, `Parameter '${locator}': geometry type ${g.type} is not supported`);
  }
}

function parseBox(text: string): Box {
  const box = parseBbox(text, { axisOrder: 'xy', locator: 'bbox', allowCrs: false, defaultCrs: 'EPSG:4326', allowAntimeridian: true }).xy;
  const [w, s, e, n] = box;
  if ([w, e].some((x) => Math.abs(x) > 180) || [s, n].some((y) => Math.abs(y) > 90)) {
    throw invalidParameterValue('bbox', 'Parameter \'bbox\' must be west,south,east,north within longitude -180..180 and latitude -90..90');
  }
  return box;
}

function boxPolygon([w, s, e, n]: Box): GeoJSONGeometry {
  if (w <= e) return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
  // Across the antimeridian: the two halves.
  return {
    type: 'MultiPolygon',
    coordinates: [
      [[[w, s], [180, s], [180, n], [w, n], [w, s]]],
      [[[-180, s], [e, s], [e, n], [-180, n], [-180, s]]],
    ],
  };
}

/** A circle of `radius` metres around (lon, lat) as a polygon, in the engine's planar degrees. */
function circle(lon: number, lat: number, radius: number): GeoJSONGeometry {
  const r = radius / METRES_PER_DEGREE;
  const ring: number[][] = [];
  for (let i = 0; i < CIRCLE_VERTICES; i++) {
    const a = (2 * Math.PI * i) / CIRCLE_VERTICES;
    ring.push([lon + r * Math.cos(a), lat + r * Math.sin(a)]);
  }
  ring.push([...ring[0]!]);
  return { type: 'Polygon', coordinates: [ring] };
}

function spatial(relation: GeoRelation, geometry: GeoJSONGeometry): Filter {
  return { op: 'spatial', relation: RELATION[relation], left: geometryRef, right: { kind: 'geometry', geometry, crs: CRS84 } };
}

/** The query parts (bbox, geometry and relation, extra filters) of the Geo parameters given. */
export function spatialQuery(input: SpatialInput): { query: Pick<CatalogueQuery, 'bbox' | 'geometry' | 'relation'>; filters: Filter[] } {
  const query: Pick<CatalogueQuery, 'bbox' | 'geometry' | 'relation'> = {};
  const filters: Filter[] = [];
  if (input.bbox !== undefined) {
    const box = parseBox(input.bbox);
    // The engine's bbox intersects (and handles the antimeridian); other relations need the box as a shape.
    if (input.relation === 'intersects') query.bbox = box;
    else filters.push(spatial(input.relation, boxPolygon(box)));
  }
  if (input.geometry !== undefined) {
    const geometry = parseWkt(input.geometry, { locator: 'geometry' });
    checkGeometry(geometry, 'geometry');
    query.geometry = geometry;
    query.relation = RELATION[input.relation];
  }
  const { lat, lon, radius } = input;
  if (lat !== undefined || lon !== undefined) {
    if (lat === undefined) throw missingParameterValue('lat', "Parameter 'lat' is needed with 'lon'");
    if (lon === undefined) throw missingParameterValue('lon', "Parameter 'lon' is needed with 'lat'");
    const point: GeoJSONGeometry = { type: 'Point', coordinates: [lon, lat] };
    if (radius === undefined || radius === 0) filters.push(spatial(input.relation, point));
    else if (input.relation === 'contains') filters.push(spatial('contains', circle(lon, lat, radius)));
    else filters.push({ op: input.relation === 'intersects' ? 'dwithin' : 'beyond', left: geometryRef, right: { kind: 'geometry', geometry: point, crs: CRS84 }, distance: radius, units: 'm' });
  } else if (radius !== undefined) {
    throw missingParameterValue('lat', "Parameter 'radius' needs 'lat' and 'lon'");
  }
  return { query, filters };
}
