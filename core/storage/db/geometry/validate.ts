import { BadRequest } from '../../../errors.js';
import type { GeoJSONGeometry } from '../types.js';

const TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);
/** Nesting of GeometryCollections allowed (RFC 7946 discourages any). */
const MAX_COLLECTION_DEPTH = 8;

function invalid(path: string, problem: string): BadRequest {
  return new BadRequest(`Invalid GeoJSON geometry at ${path}: ${problem}`, { code: 'InvalidGeometry', locator: 'geometry' });
}

/**
 * Checks that `value` is a GeoJSON geometry (RFC 7946) that the spatial tests can work on, and
 * returns it typed. Refused with BadRequest (code InvalidGeometry) naming the path of the
 * problem: an unknown type, a position that is not 2 to 4 finite numbers (NaN, Infinity,
 * strings), a line of fewer than 2 positions, a ring of fewer than 4 or not closed, and empty
 * geometries (nothing to index).
 */
export function validateGeometry(value: unknown, path = 'geometry'): GeoJSONGeometry {
  checkGeometry(value, path, 0);
  return value as GeoJSONGeometry;
}

function checkGeometry(value: unknown, path: string, depth: number): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid(path, 'must be an object');
  const g = value as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  if (typeof g.type !== 'string' || !TYPES.has(g.type)) throw invalid(`${path}.type`, `unknown geometry type ${JSON.stringify(g.type)}`);
  const at = `${path}.coordinates`;
  switch (g.type) {
    case 'Point':
      checkPosition(g.coordinates, at);
      return;
    case 'MultiPoint':
      nonEmptyArray(g.coordinates, at).forEach((p, i) => checkPosition(p, `${at}[${i}]`));
      return;
    case 'LineString':
      checkLine(g.coordinates, at);
      return;
    case 'MultiLineString':
      nonEmptyArray(g.coordinates, at).forEach((l, i) => checkLine(l, `${at}[${i}]`));
      return;
    case 'Polygon':
      checkPolygon(g.coordinates, at);
      return;
    case 'MultiPolygon':
      nonEmptyArray(g.coordinates, at).forEach((p, i) => checkPolygon(p, `${at}[${i}]`));
      return;
    case 'GeometryCollection': {
      if (depth >= MAX_COLLECTION_DEPTH) throw invalid(path, `GeometryCollections nested deeper than ${MAX_COLLECTION_DEPTH}`);
      nonEmptyArray(g.geometries, `${path}.geometries`).forEach((member, i) => checkGeometry(member, `${path}.geometries[${i}]`, depth + 1));
      return;
    }
  }
}

function nonEmptyArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, 'must be an array');
  if (value.length === 0) throw invalid(path, 'is empty');
  return value;
}

function checkPosition(value: unknown, path: string): void {
  if (!Array.isArray(value) || value.length < 2 || value.length > 4) throw invalid(path, 'a position must be an array of 2 to 4 numbers');
  value.forEach((n, i) => {
    if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(`${path}[${i}]`, `coordinate ${JSON.stringify(n) ?? String(n)} is not a finite number`);
  });
}

function checkLine(value: unknown, path: string): void {
  const positions = nonEmptyArray(value, path);
  positions.forEach((p, i) => checkPosition(p, `${path}[${i}]`));
  if (positions.length < 2) throw invalid(path, 'a line needs at least 2 positions');
}

function checkPolygon(value: unknown, path: string): void {
  nonEmptyArray(value, path).forEach((ring, i) => checkRing(ring, `${path}[${i}]`));
}

function checkRing(value: unknown, path: string): void {
  const positions = nonEmptyArray(value, path);
  positions.forEach((p, i) => checkPosition(p, `${path}[${i}]`));
  if (positions.length < 4) throw invalid(path, 'a linear ring needs at least 4 positions');
  const first = positions[0] as number[];
  const last = positions[positions.length - 1] as number[];
  if (first.length !== last.length || first.some((n, i) => n !== last[i])) {
    throw invalid(path, 'the ring is not closed (its first and last positions differ)');
  }
}
