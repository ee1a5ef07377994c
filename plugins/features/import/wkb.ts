/**
 * Well-known binary geometries (ISO SQL/MM and the EWKB flags PostGIS writes) into GeoJSON, and
 * the GeoPackage binary header around them (GeoPackage 1.x, clause 2.1.3). Z is kept as a third
 * coordinate, M is dropped (GeoJSON has no place for it). Curves are refused.
 */
import type { GeoJSONGeometry } from '../../../core/filter/index.js';

export class WkbError extends Error {
  override name = 'WkbError';
}

const TYPES = ['', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection'] as const;
const CURVES: Record<number, string> = { 8: 'CircularString', 9: 'CompoundCurve', 10: 'CurvePolygon', 11: 'MultiCurve', 12: 'MultiSurface', 13: 'Curve', 14: 'Surface', 15: 'PolyhedralSurface', 16: 'TIN', 17: 'Triangle' };
const EWKB_Z = 0x80000000;
const EWKB_M = 0x40000000;
const EWKB_SRID = 0x20000000;
/** Deeper nesting than this is a malformed (or hostile) blob, not a geometry. */
const MAX_DEPTH = 32;

class Cursor {
  offset = 0;
  little = true;
  constructor(readonly view: DataView) {}
  need(bytes: number): void {
    if (this.offset + bytes > this.view.byteLength) throw new WkbError(`WKB ends early (at byte ${this.offset}, ${bytes} more needed)`);
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, this.little);
    this.offset += 4;
    return v;
  }
  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.offset, this.little);
    this.offset += 8;
    return v;
  }
  /** A count of items of at least `itemBytes` each: refused when the blob cannot hold them. */
  count(itemBytes: number): number {
    const n = this.u32();
    if (n * itemBytes > this.view.byteLength - this.offset) throw new WkbError(`WKB claims ${n} items, more than its ${this.view.byteLength} bytes can hold`);
    return n;
  }
}

interface Dims {
  z: boolean;
  m: boolean;
}

/**
 * Reads one WKB geometry. Empty geometries (no points, or a point of NaNs as GeoPackage writes
 * them) come back as null. `bytes` may be a view into a larger buffer.
 */
export function readWkb(bytes: Uint8Array): GeoJSONGeometry | null {
  const c = new Cursor(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const g = geometry(c, 0);
  return g && isEmpty(g) ? null : g;
}

function geometry(c: Cursor, depth: number): GeoJSONGeometry | null {
  if (depth > MAX_DEPTH) throw new WkbError('WKB nests geometries too deeply');
  const order = c.u8();
  if (order > 1) throw new WkbError(`Not WKB: byte order ${order} at byte ${c.offset - 1}`);
  c.little = order === 1;
  let code = c.u32();
  const dims: Dims = { z: (code & EWKB_Z) !== 0, m: (code & EWKB_M) !== 0 };
  if (code & EWKB_SRID) c.u32(); // the SRID of EWKB: the layer's CRS says it already
  code &= 0x0fffffff;
  // ISO: 1000 Z, 2000 M, 3000 ZM.
  const iso = Math.floor(code / 1000);
  if (iso > 3) throw new WkbError(`Unknown WKB geometry type ${code}`);
  if (iso === 1 || iso === 3) dims.z = true;
  if (iso === 2 || iso === 3) dims.m = true;
  const base = code % 1000;
  if (CURVES[base]) throw new WkbError(`${CURVES[base]} geometries are not supported (only points, lines, polygons and their collections)`);
  const type = TYPES[base];
  if (!type) throw new WkbError(`Unknown WKB geometry type ${code}`);
  const size = 8 * (2 + (dims.z ? 1 : 0) + (dims.m ? 1 : 0));
  switch (type) {
    case 'Point':
      return { type, coordinates: position(c, dims) };
    case 'LineString':
      return { type, coordinates: positions(c, dims, size) };
    case 'Polygon':
      return { type, coordinates: rings(c, dims, size) };
    case 'MultiPoint':
    case 'MultiLineString':
    case 'MultiPolygon':
    case 'GeometryCollection': {
      const n = c.count(5);
      const parts: GeoJSONGeometry[] = [];
      for (let i = 0; i < n; i++) {
        const little = c.little;
        const part = geometry(c, depth + 1);
        c.little = little;
        if (type !== 'GeometryCollection' && part && part.type !== type.slice(5)) throw new WkbError(`A ${type} holds a ${part.type}`);
        if (part && !isEmpty(part)) parts.push(part);
      }
      if (type === 'GeometryCollection') return { type, geometries: parts };
      return { type, coordinates: parts.map((p) => p.coordinates) };
    }
  }
}

function position(c: Cursor, dims: Dims): number[] {
  const x = c.f64();
  const y = c.f64();
  const z = dims.z ? c.f64() : undefined;
  if (dims.m) c.f64();
  return z === undefined ? [x, y] : [x, y, z];
}

function positions(c: Cursor, dims: Dims, size: number): number[][] {
  const n = c.count(size);
  const out: number[][] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = position(c, dims);
  return out;
}

function rings(c: Cursor, dims: Dims, size: number): number[][][] {
  const n = c.count(4);
  const out: number[][][] = [];
  for (let i = 0; i < n; i++) out.push(positions(c, dims, size));
  return out;
}

function isEmpty(g: GeoJSONGeometry): boolean {
  if (g.type === 'GeometryCollection') return (g.geometries ?? []).length === 0;
  const coords = g.coordinates as unknown[];
  if (g.type === 'Point') return (coords as number[]).every((v) => Number.isNaN(v));
  return coords.length === 0;
}

export interface GeoPackageGeometry {
  /** The srs_id the blob names (normally the column's). */
  srsId: number;
  /** [minx, maxx, miny, maxy] as stored, when the blob carries an envelope. */
  envelope?: number[];
  geometry: GeoJSONGeometry | null;
}

const ENVELOPE_DOUBLES = [0, 4, 6, 6, 8];

/** A GeoPackage geometry blob: 'GP', version, flags, srs_id, optional envelope, then WKB. */
export function readGeoPackageGeometry(blob: Uint8Array): GeoPackageGeometry {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) throw new WkbError('Not a GeoPackage geometry (no GP magic)');
  const flags = blob[3]!;
  if (flags & 0x20) throw new WkbError('GeoPackage extended geometry types are not supported');
  const little = (flags & 1) === 1;
  const envelopeKind = (flags >> 1) & 7;
  const doubles = ENVELOPE_DOUBLES[envelopeKind];
  if (doubles === undefined) throw new WkbError(`Invalid GeoPackage envelope indicator ${envelopeKind}`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const srsId = view.getInt32(4, little);
  const start = 8 + doubles * 8;
  if (blob.length < start) throw new WkbError('GeoPackage geometry ends inside its envelope');
  const envelope = doubles ? Array.from({ length: doubles }, (_, i) => view.getFloat64(8 + i * 8, little)) : undefined;
  // The empty flag: the WKB that follows is an empty geometry of the column's type.
  if (flags & 0x10) return { srsId, envelope, geometry: null };
  return { srsId, envelope, geometry: readWkb(blob.subarray(start)) };
}
