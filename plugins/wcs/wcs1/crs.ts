/**
 * CRSs in WCS 1.0 and 1.1. Each coverage is offered in its native CRS and in the configured ones
 * (`plugins.wcs.crs`) that can be transformed to. The two versions spell and order them
 * differently:
 * - WCS 1.0.0 predates authority axis order: identifiers are `EPSG:nnnn` (CRS84 is `CRS:84`) and
 *   every coordinate is x/y (longitude first for EPSG:4326), as MapServer, GeoServer, GDAL and
 *   QGIS read it;
 * - WCS 1.1 writes URNs (`urn:ogc:def:crs:EPSG::4326`) and coordinates in the CRS's authority
 *   order (latitude first for EPSG:4326). Requests with a URN or an http URI are read in that
 *   order; a short `EPSG:4326` is read x/y, as GeoServer does (core `by-identifier`).
 */
import { lookupCrs, needsAxisSwap, type CrsDefinition } from '../../../core/ows/index.js';
import type { CoverageDescription } from '../../coverages/types.js';
import { crsDefinition } from '../axes.js';

/** The CRSs a coverage is offered in, native first; CRSs without a transformation are left out. */
export function coverageCrsList(d: CoverageDescription, offered: ReadonlySet<string>): CrsDefinition[] {
  const native = crsDefinition(d.grid.crs);
  const out = [native];
  for (const id of offered) {
    const def = lookupCrs(id)?.crs;
    if (def && def.proj4 && !out.some((o) => o.id === def.id)) out.push(def);
  }
  return out;
}

/** WCS 1.0 spelling: 'EPSG:4326', 'CRS:84'. */
export function crs10Id(crs: CrsDefinition): string {
  if (crs.authority === 'OGC' && /^CRS\d+$/.test(crs.code)) return `CRS:${crs.code.slice(3)}`;
  return crs.id;
}

/** WCS 1.1 spelling: the OGC URN. */
export function crs11Id(crs: CrsDefinition): string {
  return crs.urn;
}

/** A CRS named by a request, which must be one the coverage is offered in. */
export function requestCrs(text: string, offered: readonly CrsDefinition[], fail: (message: string) => never): CrsDefinition {
  const ref = lookupCrs(text.trim());
  if (!ref) fail(`'${text}' is not a CRS this service knows (use EPSG:nnnn or urn:ogc:def:crs:EPSG::nnnn)`);
  const match = offered.find((c) => c.id === ref.crs.id);
  if (!match) fail(`CRS '${text}' is not offered for this coverage; offered: ${offered.map((c) => c.id).join(', ')}`);
  return match;
}

/** Whether a WCS 1.1 identifier means the CRS's authority order (URN, URI) rather than x/y. */
export function authorityOrder11(text: string): boolean {
  return needsAxisSwap(text.trim(), 'by-identifier');
}

/** Two coordinates of a WCS 1.1 document in the CRS's authority order. */
export function inAuthorityOrder(crs: CrsDefinition, x: number, y: number): [number, number] {
  return crs.northFirst ? [y, x] : [x, y];
}
