/** Well-known text geometries (as CQL2 and OGC CQL write them) into GeoJSON, read from CQL tokens. */
import type { GeoJSONGeometry } from './ast.js';
import { tokenize, TokenStream } from './cql-lexer.js';

export const WKT_TYPES = new Set(['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION']);

type Position = number[];

/**
 * A whole WKT text as one parameter carries it (OpenSearch geo:geometry): one geometry and nothing
 * after it. FilterError (400 InvalidParameterValue, locator = `locator`) otherwise.
 */
export function parseWkt(text: string, options: { locator?: string } = {}): GeoJSONGeometry {
  const s = new TokenStream(tokenize(text, options.locator), options.locator);
  if (!WKT_TYPES.has(s.peek().text.toUpperCase())) s.fail('Expected a WKT geometry (POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON, GEOMETRYCOLLECTION)');
  const geometry = parseWktGeometry(s);
  if (s.peek().type !== 'end') s.fail('Unexpected text after the geometry');
  return geometry;
}

/** Reads one WKT geometry starting at its type keyword (`POINT(1 2)`, `POLYGON Z ((...))`). */
export function parseWktGeometry(s: TokenStream): GeoJSONGeometry {
  const type = s.next().text.toUpperCase();
  if (s.isKeyword('Z') || s.isKeyword('M') || s.isKeyword('ZM')) s.next();
  if (s.isKeyword('EMPTY')) s.fail('Empty geometries are not supported');
  switch (type) {
    case 'POINT': {
      s.expectOp('(');
      const p = position(s);
      s.expectOp(')');
      return { type: 'Point', coordinates: p };
    }
    case 'LINESTRING':
      return { type: 'LineString', coordinates: positions(s) };
    case 'POLYGON':
      return { type: 'Polygon', coordinates: list(s, positions) };
    case 'MULTIPOINT':
      // Both MULTIPOINT((1 2),(3 4)) and MULTIPOINT(1 2, 3 4) are in use.
      return {
        type: 'MultiPoint',
        coordinates: list(s, (t) => {
          if (!t.acceptOp('(')) return position(t);
          const p = position(t);
          t.expectOp(')');
          return p;
        }),
      };
    case 'MULTILINESTRING':
      return { type: 'MultiLineString', coordinates: list(s, positions) };
    case 'MULTIPOLYGON':
      return { type: 'MultiPolygon', coordinates: list(s, (t) => list(t, positions)) };
    default:
      return {
        type: 'GeometryCollection',
        geometries: list(s, (t) => {
          if (!WKT_TYPES.has(t.peek().text.toUpperCase())) t.fail('Expected a WKT geometry');
          return t.nest(() => parseWktGeometry(t));
        }),
      };
  }
}

function list<T>(s: TokenStream, item: (s: TokenStream) => T): T[] {
  s.expectOp('(');
  const items = [item(s)];
  while (s.acceptOp(',')) items.push(item(s));
  s.expectOp(')');
  return items;
}

function positions(s: TokenStream): Position[] {
  return list(s, position);
}

function position(s: TokenStream): Position {
  const p = [coordinate(s), coordinate(s)];
  while (s.peek().type === 'number' || s.isOp('-')) p.push(coordinate(s));
  return p;
}

function coordinate(s: TokenStream): number {
  const sign = s.acceptOp('-') ? -1 : 1;
  const t = s.next();
  if (t.type !== 'number') s.fail('Expected a coordinate', t);
  return sign * Number(t.text);
}
