/**
 * CRS handling of Part 2: the CRSs a collection offers (its storage CRS and the configured list),
 * `crs`, `bbox-crs` and `filter-crs` values (http URIs, or safe CURIEs `[EPSG:4326]`), and axis
 * order. Coordinates travel in the CRS's authority order (EPSG:4326 is latitude, longitude; CRS84
 * longitude, latitude); the engine works in x/y, so positions are swapped at this edge.
 */
import { BadRequest } from '../../core/errors.js';
import { lookupCrs, resolveCrs, type CrsDefinition } from '../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../core/filter/index.js';

export const CRS84_URI = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const CRS84H_URI = 'http://www.opengis.net/def/crs/OGC/0/CRS84h';

export const DEFAULT_CRS_LIST = [CRS84_URI, 'http://www.opengis.net/def/crs/EPSG/0/4326', 'http://www.opengis.net/def/crs/EPSG/0/3857'];

/** A CRS as a request named it, resolved. */
export interface RequestCrs {
  /** The http URI (Content-Crs, links). */
  uri: string;
  /** The short id the engine takes ('EPSG:4326', 'OGC:CRS84'). */
  id: string;
  /** Whether positions in this CRS's authority order are y/x (northing first). */
  swap: boolean;
}

export function requestCrsOf(definition: CrsDefinition): RequestCrs {
  return { uri: definition.uri, id: definition.id, swap: definition.northFirst };
}

export const CRS84: RequestCrs = { uri: CRS84_URI, id: 'OGC:CRS84', swap: false };

/** The http URI of a CRS identifier in any spelling (throws for an unknown one). */
export function crsUriOf(identifier: string): string {
  return resolveCrs(identifier).uri;
}

/** The CRSs a collection offers: CRS84 (always, the default), its storage CRS, then the configured list. */
export function offeredCrs(configured: readonly string[], storageCrs: string): string[] {
  return [...new Set([CRS84_URI, crsUriOf(storageCrs), ...configured.map(crsUriOf)])];
}

/** A `crs`, `bbox-crs` or `filter-crs` value: one of `offered` (URIs), else 400 naming the parameter. */
export function parseCrsParameter(text: string, offered: readonly string[], locator: string): RequestCrs {
  const identifier = /^\[.*\]$/.test(text.trim()) ? text.trim().slice(1, -1) : text.trim();
  const ref = lookupCrs(identifier);
  if (!ref) throw new BadRequest(`${locator} '${text}' is not a CRS identifier (give an http URI such as ${CRS84_URI})`, { code: 'InvalidParameterValue', locator });
  if (!offered.includes(ref.crs.uri)) throw new BadRequest(`${locator} '${text}' is not one of the CRSs offered here: ${offered.join(', ')}`, { code: 'InvalidParameterValue', locator });
  return requestCrsOf(ref.crs);
}

/** The geometry with each position's first two coordinates swapped (x/y ⇄ authority order). */
export function swapAxes(geometry: GeoJSONGeometry): GeoJSONGeometry {
  if (geometry.type === 'GeometryCollection') return { type: 'GeometryCollection', geometries: (geometry.geometries ?? []).map(swapAxes) };
  return { type: geometry.type, coordinates: swapNested(geometry.coordinates) } as GeoJSONGeometry;
}

function swapNested(c: unknown): unknown {
  if (!Array.isArray(c)) return c;
  if (c.length >= 2 && typeof c[0] === 'number') return [c[1], c[0], ...c.slice(2)];
  return c.map(swapNested);
}
