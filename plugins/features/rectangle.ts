/**
 * `intersects` against an axis-aligned rectangle (what a BBOX becomes) decided from the row's
 * coordinates alone where they settle it, so the exact test of most rows costs a walk over their
 * WKB instead of a JSTS geometry: a vertex in the closed rectangle means they intersect; a
 * bounding box apart from it, or points none of which is in it, mean they do not. What is left
 * (edges crossing the rectangle, a rectangle inside a polygon, empty or odd geometries) is
 * undecided and goes to JSTS.
 */
import type { GeoJSONGeometry } from '../../core/storage/db/types.js';

export type Rectangle = readonly [minx: number, miny: number, maxx: number, maxy: number];

/** The rectangle a GeoJSON Polygon is, when it is one: a single ring of its bbox's four corners, edges along the axes. */
export function rectangleOf(g: unknown): Rectangle | undefined {
  const geometry = g as GeoJSONGeometry;
  if (geometry?.type !== 'Polygon' || !Array.isArray(geometry.coordinates) || geometry.coordinates.length !== 1) return undefined;
  const ring = geometry.coordinates[0] as unknown;
  if (!Array.isArray(ring) || ring.length !== 5) return undefined;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const p of ring as unknown[]) {
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return undefined;
    xs.push(p[0]);
    ys.push(p[1]);
  }
  if (xs[0] !== xs[4] || ys[0] !== ys[4]) return undefined;
  const minx = Math.min(...xs);
  const maxx = Math.max(...xs);
  const miny = Math.min(...ys);
  const maxy = Math.max(...ys);
  const corners = new Set<string>();
  for (let i = 0; i < 4; i++) {
    if ((xs[i] !== minx && xs[i] !== maxx) || (ys[i] !== miny && ys[i] !== maxy)) return undefined;
    // Each edge along an axis: the next corner shares x or y.
    if (xs[i] !== xs[i + 1] && ys[i] !== ys[i + 1]) return undefined;
    corners.add(`${xs[i]} ${ys[i]}`);
  }
  // A degenerate ring (no area) is left to JSTS.
  if (corners.size !== 4) return undefined;
  return [minx, miny, maxx, maxy];
}

/** What the coordinates say: true, false, or undefined (undecided). */
export type Decision = boolean | undefined;

/**
 * Walks WKB (or EWKB, either byte order) positions. Returns undefined for anything it does not
 * read exactly (unknown types, truncated bytes, NaN coordinates) so the caller falls back.
 */
export function wkbIntersectsRectangle(wkb: Uint8Array, r: Rectangle): Decision {
  const walker = new WkbWalker(wkb, r);
  try {
    walker.geometry();
    if (walker.at !== wkb.byteLength) return undefined;
    return walker.decide();
  } catch {
    return undefined;
  }
}

/** The same decision for a GeoJSON geometry. */
export function geojsonIntersectsRectangle(g: GeoJSONGeometry, r: Rectangle): Decision {
  if (g.type === 'GeometryCollection') return undefined;
  const acc = new Accumulator(r);
  const walk = (c: unknown, depth: number): void => {
    if (!Array.isArray(c)) {
      acc.invalid = true;
      return;
    }
    if (depth === 0) {
      acc.add(c[0] as number, c[1] as number);
      return;
    }
    for (const m of c) walk(m, depth - 1);
  };
  const depth = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 }[g.type];
  if (depth === undefined) return undefined;
  walk(g.coordinates, depth);
  if (acc.invalid) return undefined;
  return acc.decide(g.type === 'Point' || g.type === 'MultiPoint' ? 'points' : 'other');
}

class Accumulator {
  minx = Infinity;
  miny = Infinity;
  maxx = -Infinity;
  maxy = -Infinity;
  count = 0;
  inside = false;
  invalid = false;

  constructor(private readonly r: Rectangle) {}

  add(x: number, y: number): void {
    if (typeof x !== 'number' || typeof y !== 'number' || x !== x || y !== y) {
      this.invalid = true;
      return;
    }
    this.count++;
    const r = this.r;
    if (x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3]) this.inside = true;
    if (x < this.minx) this.minx = x;
    if (x > this.maxx) this.maxx = x;
    if (y < this.miny) this.miny = y;
    if (y > this.maxy) this.maxy = y;
  }

  decide(kind: 'points' | 'other'): Decision {
    if (this.invalid || this.count === 0) return undefined;
    if (this.inside) return true;
    // Only points, none inside: apart.
    if (kind === 'points') return false;
    const r = this.r;
    if (this.maxx < r[0] || this.minx > r[2] || this.maxy < r[1] || this.miny > r[3]) return false;
    return undefined;
  }
}

const POINT = 1;
const LINESTRING = 2;
const POLYGON = 3;
const MULTIPOINT = 4;
const MULTILINESTRING = 5;
const MULTIPOLYGON = 6;

class WkbWalker extends Accumulator {
  at = 0;
  private readonly view: DataView;
  private allPoints = true;

  constructor(private readonly wkb: Uint8Array, r: Rectangle) {
    super(r);
    this.view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  }

  /** Reads one geometry; its type code. */
  geometry(): number {
    const order = this.view.getUint8(this.at);
    if (order > 1) throw new Error('byte order');
    const little = order === 1;
    let code = this.view.getUint32(this.at + 1, little);
    this.at += 5;
    let dims = 2;
    if (code & 0x80000000) dims++;
    if (code & 0x40000000) dims++;
    if (code & 0x20000000) this.at += 4;
    code &= 0x0fffffff;
    if (code >= 1000) {
      dims = Math.floor(code / 1000) === 3 ? 4 : 3;
      code %= 1000;
    }
    switch (code) {
      case POINT:
        this.position(little, dims);
        return code;
      case LINESTRING:
        this.allPoints = false;
        this.positions(little, dims);
        return code;
      case POLYGON: {
        this.allPoints = false;
        const rings = this.uint32(little);
        for (let i = 0; i < rings; i++) this.positions(little, dims);
        return code;
      }
      case MULTIPOINT:
      case MULTILINESTRING:
      case MULTIPOLYGON: {
        if (code !== MULTIPOINT) this.allPoints = false;
        const n = this.uint32(little);
        for (let i = 0; i < n; i++) {
          const member = this.geometry();
          if (member !== code - 3) throw new Error('member type');
        }
        return code;
      }
      default:
        throw new Error('type');
    }
  }

  override decide(): Decision {
    return super.decide(this.allPoints ? 'points' : 'other');
  }

  private uint32(little: boolean): number {
    const v = this.view.getUint32(this.at, little);
    this.at += 4;
    return v;
  }

  private position(little: boolean, dims: number): void {
    this.add(this.view.getFloat64(this.at, little), this.view.getFloat64(this.at + 8, little));
    this.at += 8 * dims;
  }

  private positions(little: boolean, dims: number): void {
    const n = this.uint32(little);
    if (n * 8 * dims > this.wkb.byteLength - this.at) throw new Error('count');
    for (let i = 0; i < n; i++) this.position(little, dims);
  }
}
