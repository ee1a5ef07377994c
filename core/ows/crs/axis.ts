import { OwsException } from '../exceptions.js';
import { lookupCrs, type CrsDefinition, type CrsReference } from './registry.js';

/**
 * How a protocol orders coordinates:
 * - 'authority': as the CRS defines them (WMS 1.3.0 CRS/BBOX, WFS 2.0 and WCS 2.0 with URNs or
 *   http URIs, GML 3.2): EPSG:4326 is latitude, longitude;
 * - 'xy': always easting/longitude first (WMS 1.1.1 SRS, WFS 1.0.0, GeoJSON, OGC API with CRS84);
 * - 'by-identifier': the identifier's spelling decides, as in WFS 1.1.0/2.0 and GML practice
 *   (GeoServer, GDAL): `EPSG:4326` and `http://www.opengis.net/gml/srs/epsg.xml#4326` are x/y,
 *   URNs and `http://www.opengis.net/def/crs/...` URIs follow the authority.
 */
export type AxisOrderContext = 'authority' | 'xy' | 'by-identifier';

function reference(crs: string | CrsDefinition | CrsReference): { crs: CrsDefinition; form?: CrsReference['form'] } {
  if (typeof crs !== 'string') return 'crs' in crs ? crs : { crs };
  const ref = lookupCrs(crs);
  if (!ref) throw new OwsException('InvalidParameterValue', `Unknown CRS '${crs}'`, { locator: 'crs' });
  return ref;
}

/**
 * Whether coordinates written for `crs` in `context` must be swapped to get x/y (proj4) order,
 * and back. A bare definition under 'by-identifier' is taken in authority order.
 */
export function needsAxisSwap(crs: string | CrsDefinition | CrsReference, context: AxisOrderContext): boolean {
  const ref = reference(crs);
  if (!ref.crs.northFirst || context === 'xy') return false;
  if (context === 'authority') return true;
  return !(ref.form === 'short' || ref.form === 'gml-srs');
}

/** Coordinates as the protocol wrote them → x/y order. */
export function toXyOrder<T extends readonly number[]>(coords: T, crs: string | CrsDefinition | CrsReference, context: AxisOrderContext): number[] {
  return needsAxisSwap(crs, context) ? swapPairs(coords) : [...coords];
}

/** x/y coordinates → the order the protocol writes them in. */
export function fromXyOrder<T extends readonly number[]>(coords: T, crs: string | CrsDefinition | CrsReference, context: AxisOrderContext): number[] {
  return toXyOrder(coords, crs, context);
}

/** Swaps each (a, b) pair: [a0, b0, a1, b1] → [b0, a0, b1, a1]; a third coordinate is kept. */
function swapPairs(coords: readonly number[]): number[] {
  const out = [...coords];
  for (let i = 0; i + 1 < out.length; i += 2) [out[i], out[i + 1]] = [out[i + 1], out[i]];
  return out;
}
