/**
 * CRSs of feature types and of responses. A feature type's DefaultCRS is its storage CRS (CRS:84
 * storage is offered as EPSG:4326, which clients know best), written as a URN; OtherCRS are the
 * configured ones. Axis order follows the identifier's spelling (core/ows 'by-identifier'): URNs
 * and http URIs in the authority's order (EPSG:4326 latitude first), `EPSG:4326` short form and
 * the gml/srs URL longitude first, as WFS 1.1.0/2.0 clients (GDAL, OWSLib, QGIS) expect.
 */
import { lookupCrs, needsAxisSwap, requireCrs, type CrsReference } from '../../core/ows/index.js';
import type { CollectionDescription } from '../features/types.js';

export const AXIS_CONTEXT = 'by-identifier' as const;

function storageCrs(collection: Pick<CollectionDescription, 'crs'>): string {
  return collection.crs || 'OGC:CRS84';
}

/** The DefaultCRS of a feature type, as a URN. */
export function defaultCrsName(collection: Pick<CollectionDescription, 'crs'>): string {
  const ref = lookupCrs(storageCrs(collection));
  if (!ref) return 'urn:ogc:def:crs:EPSG::4326';
  return ref.crs.id === 'OGC:CRS84' ? 'urn:ogc:def:crs:EPSG::4326' : ref.crs.urn;
}

/** OtherCRS: the configured CRSs (known ones) other than the default, as URNs. */
export function otherCrsNames(collection: Pick<CollectionDescription, 'crs'>, configured: readonly string[]): string[] {
  const defaultName = defaultCrsName(collection);
  const out: string[] = [];
  for (const id of configured) {
    const ref = lookupCrs(id);
    if (!ref) continue;
    const urn = ref.crs.urn;
    if (urn !== defaultName && !out.includes(urn)) out.push(urn);
  }
  return out;
}

export interface OutputCrs {
  /** What the response's srsName attributes say. */
  srsName: string;
  /** The CRS the engine is asked for (x/y). */
  crsId: string;
  /** GML coordinates are written swapped (latitude first for EPSG:4326 URNs). */
  swap: boolean;
  ref: CrsReference;
}

/** The CRS of written geometries: SRSNAME when given (any transformable CRS), else the DefaultCRS. */
export function outputCrs(requested: string | undefined, collection: Pick<CollectionDescription, 'crs'>, locator = 'srsName'): OutputCrs {
  const name = requested?.trim() || defaultCrsName(collection);
  const ref = requireCrs(name, { locator, transformable: true });
  return { srsName: name, crsId: ref.crs.id, swap: needsAxisSwap(ref, AXIS_CONTEXT), ref };
}
