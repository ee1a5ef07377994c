/**
 * Well-Known Binary (OGC Simple Features / ISO 19125) for GeoJSON geometries, 2D: how the SQLite
 * spatial index stores geometries for a table that asks for it (SpatialIndexOptions.encoding),
 * and what plugins may keep in binary columns of their own.
 * Writes little-endian; reads either byte order and EWKB's SRID/Z/M flags (extra ordinates are
 * dropped), so PostGIS's ST_AsBinary/ST_AsEWKB output reads too.
 */
import type { GeoJSONGeometry } from '../types.js';

const TYPE_CODES = { Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6, GeometryCollection: 7 } as const;
const TYPE_NAMES = ['', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection'] as const;

type Pos = number[];

/** The geometry as little-endian WKB (x and y of each position; Z and M are not kept). */
export function encodeWkb(geometry: GeoJSONGeometry): Buffer {
  const size = byteSize(geometry);
  const buf = Buffer.allocUnsafe(size);
  const end = write(geometry, buf, 0);
  if (end !== size) throw new Error(`WKB size mismatch: ${end} != ${size}`);
  return buf;
}

/**
 * The geometry as hex EWKB with an SRID (2D, little-endian): PostGIS's own text form of a
 * geometry, so a query parameter written `$1::geometry` is read once, as the statement is bound,
 * instead of being parsed by a function call in every row's test of a prepared statement's plan.
 */
export function encodeEwkbHex(geometry: GeoJSONGeometry, srid: number): string {
  const wkb = encodeWkb(geometry);
  const out = Buffer.allocUnsafe(wkb.length + 4);
  out.writeUInt8(1, 0);
  out.writeUInt32LE((wkb.readUInt32LE(1) | 0x20000000) >>> 0, 1);
  out.writeUInt32LE(srid, 5);
  wkb.copy(out, 9, 5);
  return out.toString('hex');
}

function byteSize(g: GeoJSONGeometry): number {
  const c = g.coordinates as unknown;
  switch (g.type) {
    case 'Point':
      return 5 + 16;
    case 'LineString':
      return 9 + 16 * (c as Pos[]).length;
    case 'Polygon':
      return 9 + (c as Pos[][]).reduce((n, ring) => n + 4 + 16 * ring.length, 0);
    case 'MultiPoint':
      return 9 + 21 * (c as Pos[]).length;
    case 'MultiLineString':
      return 9 + (c as Pos[][]).reduce((n, line) => n + 9 + 16 * line.length, 0);
    case 'MultiPolygon':
      return 9 + (c as Pos[][][]).reduce((n, poly) => n + 9 + poly.reduce((m, ring) => m + 4 + 16 * ring.length, 0), 0);
    case 'GeometryCollection':
      return 9 + (g.geometries ?? []).reduce((n, m) => n + byteSize(m), 0);
  }
}

function header(buf: Buffer, at: number, type: GeoJSONGeometry['type']): number {
  buf.writeUInt8(1, at);
  buf.writeUInt32LE(TYPE_CODES[type], at + 1);
  return at + 5;
}

function positions(buf: Buffer, at: number, list: Pos[]): number {
  buf.writeUInt32LE(list.length, at);
  at += 4;
  for (const p of list) {
    buf.writeDoubleLE(p[0]!, at);
    buf.writeDoubleLE(p[1]!, at + 8);
    at += 16;
  }
  return at;
}

function rings(buf: Buffer, at: number, list: Pos[][]): number {
  buf.writeUInt32LE(list.length, at);
  at += 4;
  for (const ring of list) at = positions(buf, at, ring);
  return at;
}

function write(g: GeoJSONGeometry, buf: Buffer, at: number): number {
  at = header(buf, at, g.type);
  const c = g.coordinates as unknown;
  switch (g.type) {
    case 'Point': {
      const p = c as Pos;
      buf.writeDoubleLE(p[0]!, at);
      buf.writeDoubleLE(p[1]!, at + 8);
      return at + 16;
    }
    case 'LineString':
      return positions(buf, at, c as Pos[]);
    case 'Polygon':
      return rings(buf, at, c as Pos[][]);
    case 'MultiPoint':
    case 'MultiLineString':
    case 'MultiPolygon': {
      const members = c as unknown[];
      buf.writeUInt32LE(members.length, at);
      at += 4;
      const memberType = g.type === 'MultiPoint' ? 'Point' : g.type === 'MultiLineString' ? 'LineString' : 'Polygon';
      for (const m of members) at = write({ type: memberType, coordinates: m }, buf, at);
      return at;
    }
    case 'GeometryCollection': {
      const members = g.geometries ?? [];
      buf.writeUInt32LE(members.length, at);
      at += 4;
      for (const m of members) at = write(m, buf, at);
      return at;
    }
  }
}

/** A WKB (or EWKB) geometry as GeoJSON, 2D. Throws on malformed input. */
export function decodeWkb(wkb: Uint8Array): GeoJSONGeometry {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  const reader = new WkbReader(view);
  const g = reader.geometry();
  if (reader.at !== wkb.byteLength) throw new Error(`WKB has ${wkb.byteLength - reader.at} trailing bytes`);
  return g;
}

class WkbReader {
  at = 0;
  private little = true;
  /** Ordinates per position of the geometry being read (2, 3 or 4). */
  private dims = 2;

  constructor(private readonly view: DataView) {}

  geometry(): GeoJSONGeometry {
    const order = this.view.getUint8(this.at);
    if (order > 1) throw new Error(`WKB byte order ${order} at ${this.at}`);
    this.little = order === 1;
    this.at += 1;
    let code = this.uint32();
    // EWKB flags; ISO codes 1000 (Z), 2000 (M), 3000 (ZM).
    let dims = 2;
    if (code & 0x80000000) dims++;
    if (code & 0x40000000) dims++;
    if (code & 0x20000000) this.at += 4; // SRID
    code &= 0x0fffffff;
    if (code >= 1000) {
      const iso = Math.floor(code / 1000);
      dims = iso === 3 ? 4 : 3;
      code %= 1000;
    }
    this.dims = dims;
    const type = TYPE_NAMES[code];
    if (!type) throw new Error(`WKB geometry type ${code} is not supported`);
    switch (type) {
      case 'Point':
        return { type, coordinates: this.position() };
      case 'LineString':
        return { type, coordinates: this.positions() };
      case 'Polygon':
        return { type, coordinates: this.rings() };
      case 'MultiPoint':
      case 'MultiLineString':
      case 'MultiPolygon': {
        const n = this.uint32();
        const members: unknown[] = [];
        for (let i = 0; i < n; i++) members.push(this.geometry().coordinates);
        return { type, coordinates: members };
      }
      case 'GeometryCollection': {
        const n = this.uint32();
        const geometries: GeoJSONGeometry[] = [];
        for (let i = 0; i < n; i++) geometries.push(this.geometry());
        return { type, geometries };
      }
    }
  }

  private uint32(): number {
    const v = this.view.getUint32(this.at, this.little);
    this.at += 4;
    return v;
  }

  private position(): Pos {
    const x = this.view.getFloat64(this.at, this.little);
    const y = this.view.getFloat64(this.at + 8, this.little);
    this.at += 8 * this.dims;
    return [x, y];
  }

  private positions(): Pos[] {
    const n = this.uint32();
    if (n * 8 * this.dims > this.view.byteLength - this.at) throw new Error(`WKB count ${n} exceeds the data`);
    const out: Pos[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.position();
    return out;
  }

  private rings(): Pos[][] {
    const n = this.uint32();
    const out: Pos[][] = [];
    for (let i = 0; i < n; i++) out.push(this.positions());
    return out;
  }
}

/** A value of a `geometry` column without PostGIS: GeoJSON text, WKB bytes, or NULL. */
export function storedGeometry(value: unknown): GeoJSONGeometry | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return JSON.parse(value) as GeoJSONGeometry;
  if (value instanceof Uint8Array) return decodeWkb(value);
  throw new Error(`A stored geometry is text or bytes, not ${typeof value}`);
}
