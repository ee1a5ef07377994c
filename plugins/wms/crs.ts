/**
 * Which CRSs the service offers and accepts, and each layer's bounding box in them. Everything
 * here is x/y order; capabilities and requests convert at their edge by version.
 */
import {
  lookupCrs,
  missingParameterValue,
  OwsException,
  transformBbox,
  type CrsDefinition,
  type CrsReference,
} from '../../core/ows/index.js';
import type { Bbox, CoverageDescription } from '../coverages/types.js';
import type { CollectionDescription } from '../features/types.js';

export interface OfferedCrs {
  /** As capabilities write it: 'EPSG:4326', 'CRS:84'. */
  name: string;
  ref: CrsReference;
}

export interface CrsPolicy {
  /** The root layer's CRSs (config `crs`), in config order. */
  root: OfferedCrs[];
  /** Also accept CRSs no capabilities document lists (UTM zones...). */
  acceptUnlisted: boolean;
}

/** Only 2D CRSs the server can transform to can be drawn in. */
function drawable(def: CrsDefinition): boolean {
  return def.proj4 !== undefined && (def.kind === 'geographic' || def.kind === 'projected');
}

/** Checks config `crs` at setup (an error names the entry). */
export function createCrsPolicy(names: readonly string[], acceptUnlisted: boolean): CrsPolicy {
  const root: OfferedCrs[] = [];
  names.forEach((name, i) => {
    const ref = lookupCrs(name);
    if (!ref) throw new Error(`plugins.wms.crs[${i}]: '${name}' is not a CRS this server knows`);
    if (!drawable(ref.crs)) throw new Error(`plugins.wms.crs[${i}]: '${name}' (${ref.crs.name}) is not a 2D CRS the server can transform to`);
    if (!root.some((r) => r.ref.crs.id === ref.crs.id)) root.push({ name: name.trim(), ref });
  });
  return { root, acceptUnlisted };
}

/** The WMS spelling of a definition: CRS:84 for OGC:CRS84 (WMS 1.3.0 annex B), else the short id. */
export function wmsCrsName(def: CrsDefinition): string {
  const m = /^OGC:CRS(84|83|27)$/.exec(def.id);
  return m ? `CRS:${m[1]}` : def.id;
}

/** A CRS id as offered, when the registry knows it and maps can be drawn in it. */
function offered(id: string): OfferedCrs | undefined {
  const ref = lookupCrs(id);
  if (!ref || !drawable(ref.crs)) return undefined;
  return { name: wmsCrsName(ref.crs), ref: lookupCrs(wmsCrsName(ref.crs)) ?? ref };
}

/** The coverage's native CRS as offered, when the registry knows it. */
export function nativeCrs(coverage: CoverageDescription): OfferedCrs | undefined {
  return offered(coverage.grid.crs);
}

function addedTo(policy: CrsPolicy, native: OfferedCrs | undefined): OfferedCrs[] {
  return native && !policy.root.some((r) => r.ref.crs.id === native.ref.crs.id) ? [native] : [];
}

/** The CRSs a layer adds to the root's: its native one, when the root lacks it. */
export function extraLayerCrs(policy: CrsPolicy, coverage: CoverageDescription): OfferedCrs[] {
  return addedTo(policy, nativeCrs(coverage));
}

/** The CRSs a vector layer adds to the root's: its collection's storage CRS, when the root lacks it. */
export function extraCollectionCrs(policy: CrsPolicy, collection: Pick<CollectionDescription, 'crs'>): OfferedCrs[] {
  return addedTo(policy, offered(collection.crs));
}

/** What a requested layer offers beyond the root's CRSs. */
export interface LayerCrsOffer {
  id: string;
  extraCrs: readonly OfferedCrs[];
}

/**
 * The request's CRS (CRS in 1.3.0, SRS in 1.1.1): known, drawable, and offered by every layer
 * asked for (the root's, or a layer's native one) unless unlisted ones are accepted.
 * InvalidCRS otherwise (the 1.1.1 report calls it InvalidSRS).
 */
export function resolveRequestCrs(value: string | undefined, locator: 'CRS' | 'SRS', policy: CrsPolicy, layers: readonly LayerCrsOffer[]): CrsReference {
  if (value === undefined || value.trim() === '') throw missingParameterValue(locator);
  const fail = (why: string) => new OwsException('InvalidCRS', `${locator} '${value}' ${why}`, { locator });
  const ref = lookupCrs(value.trim());
  if (!ref) throw fail('is not a CRS this server knows');
  if (!drawable(ref.crs)) throw fail(`(${ref.crs.name}) is not a 2D CRS maps can be drawn in`);
  if (!policy.acceptUnlisted && !policy.root.some((r) => r.ref.crs.id === ref.crs.id)) {
    const missing = layers.find((layer) => !layer.extraCrs.some((r) => r.ref.crs.id === ref.crs.id));
    if (missing || layers.length === 0) throw fail(`is not offered${missing ? ` for layer '${missing.id}'` : ''}`);
  }
  return ref;
}

/** The coverage's extent in a CRS (x/y order), or undefined when it lies outside the CRS's domain. */
export function extentIn(coverage: CoverageDescription, target: CrsReference): Bbox | undefined {
  const native = lookupCrs(coverage.grid.crs);
  try {
    if (native && native.crs.id === target.crs.id) return [...coverage.bbox];
    // Points outside the target's domain (Mercator at the poles) are left out by transformBbox.
    const from: Bbox = native ? coverage.bbox : coverage.wgs84Bbox;
    const box = transformBbox(from, native ? native.crs : 'OGC:CRS84', target.crs);
    return box.every(Number.isFinite) && box[0] < box[2] && box[1] < box[3] ? box : undefined;
  } catch {
    return undefined;
  }
}

/** Half the side given to a box of no width or height: about 10 m. */
const DEGENERATE_PAD_DEGREES = 1e-4;

/**
 * A collection's CRS:84 extent with some size on each axis: one point, or points along a parallel
 * or meridian, have a box of no width or height, which clients (QGIS) take as no extent at all.
 */
export function collectionGeographicBbox(collection: Pick<CollectionDescription, 'bbox'>): Bbox | undefined {
  const b = collection.bbox;
  if (!b) return undefined;
  const [minx, miny, maxx, maxy] = b;
  const padX = maxx > minx ? 0 : DEGENERATE_PAD_DEGREES;
  const padY = maxy > miny ? 0 : DEGENERATE_PAD_DEGREES;
  return [minx - padX, miny - padY, maxx + padX, maxy + padY];
}

/**
 * A collection's extent in a CRS (x/y order), or undefined when it is empty or lies outside the
 * CRS's domain; the storage CRS's box as stored, unless it has no size (then as in
 * collectionGeographicBbox).
 */
export function collectionExtentIn(collection: Pick<CollectionDescription, 'bbox' | 'nativeBbox' | 'crs'>, target: CrsReference): Bbox | undefined {
  const geographic = collectionGeographicBbox(collection);
  if (!geographic) return undefined;
  try {
    const native = lookupCrs(collection.crs);
    const n = collection.nativeBbox;
    if (native && native.crs.id === target.crs.id && n && n[0] < n[2] && n[1] < n[3]) return [...n];
    const box = transformBbox(geographic, 'OGC:CRS84', target.crs);
    return box.every(Number.isFinite) && box[0] < box[2] && box[1] < box[3] ? box : undefined;
  } catch {
    return undefined;
  }
}

/** The smallest box holding all the boxes; undefined for none. */
export function unionBbox(boxes: readonly Bbox[]): Bbox | undefined {
  if (boxes.length === 0) return undefined;
  return boxes.reduce<Bbox>((u, b) => [Math.min(u[0], b[0]), Math.min(u[1], b[1]), Math.max(u[2], b[2]), Math.max(u[3], b[3])], [Infinity, Infinity, -Infinity, -Infinity]);
}
