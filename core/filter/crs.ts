/**
 * Geometry literals in another CRS (OGC API Features Part 3 `filter-crs`, a CQL2 parser given
 * `crs`) moved to CRS:84 x/y, where the spatial index and the geometry tests work.
 */
import { needsAxisSwap, resolveCrs, transformBbox, transformPoints, type AxisOrderContext } from '../ows/index.js';
import { CRS84, mapPredicates, type Expression, type Filter, type GeoJSONGeometry } from './ast.js';
import { FilterError } from './errors.js';

export interface ToCrs84Options {
  /** How the CRS decides axis order; 'by-identifier' by default (URIs and URNs: authority order, EPSG:4326 short form: x/y). */
  axisOrder?: AxisOrderContext;
  locator?: string;
}

/** The filter with every geometry literal (and bbox) in CRS:84 x/y; unchanged when they already are. */
export function filterToCrs84(filter: Filter, options: ToCrs84Options = {}): Filter {
  const moved = new Map<string, (p: number[]) => number[]>();
  const mover = (crs: string) => {
    let m = moved.get(crs);
    if (!m) {
      m = coordinateMover(crs, options);
      moved.set(crs, m);
    }
    return m;
  };
  const expr = (e: Expression): Expression => {
    if (e.kind === 'geometry') return isCrs84(e.crs) ? e : { kind: 'geometry', crs: CRS84, geometry: mapGeometry(e.geometry, mover(e.crs)) };
    if (e.kind === 'function') return { ...e, args: e.args.map(expr) };
    if (e.kind === 'array') return { ...e, items: e.items.map(expr) };
    return e;
  };
  return mapPredicates(filter, (f) => {
    switch (f.op) {
      case 'spatial':
      case 'dwithin':
      case 'beyond':
        return { ...f, left: expr(f.left), right: expr(f.right) };
      case 'bbox':
        return isCrs84(f.crs) ? f : { ...f, crs: CRS84, bbox: bboxToCrs84(f.bbox, f.crs, options) };
      default:
        return f;
    }
  });
}

function isCrs84(crs: string): boolean {
  return crs === CRS84 || /CRS:?84$/i.test(crs);
}

function crsOf(crs: string, options: ToCrs84Options): { swap: boolean; id: string } {
  try {
    return { swap: needsAxisSwap(crs, options.axisOrder ?? 'by-identifier'), id: resolveCrs(crs).id };
  } catch (err) {
    throw new FilterError(`Unknown CRS '${crs}': ${(err as Error).message}`, { locator: options.locator });
  }
}

/** A box as written in `crs` → CRS:84; projected boxes through core/ows's densified transform, so curved edges stay inside. */
function bboxToCrs84(bbox: [number, number, number, number], crs: string, options: ToCrs84Options): [number, number, number, number] {
  const { swap, id } = crsOf(crs, options);
  const [a, b, c, d] = bbox;
  const xy: [number, number, number, number] = swap ? [b, a, d, c] : [a, b, c, d];
  if (id === 'OGC:CRS84' || id === 'EPSG:4326') return xy;
  const out = transformBbox(xy, id, 'OGC:CRS84');
  if (!out.every(Number.isFinite)) throw new FilterError(`BBOX cannot be transformed from ${crs} to CRS:84`, { locator: options.locator });
  return out;
}

/** Positions as written in `crs` → CRS:84 x/y. */
function coordinateMover(crs: string, options: ToCrs84Options): (p: number[]) => number[] {
  const { swap, id } = crsOf(crs, options);
  return (p) => {
    const [a, b, ...rest] = p;
    const xy: [number, number] = swap ? [b!, a!] : [a!, b!];
    if (id === 'OGC:CRS84' || id === 'EPSG:4326') return [...xy, ...rest];
    const [[x, y]] = transformPoints([xy], id, 'OGC:CRS84') as [[number, number]];
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new FilterError(`Coordinates ${a} ${b} cannot be transformed from ${crs} to CRS:84`, { locator: options.locator });
    return [x, y, ...rest];
  };
}

function mapGeometry(g: GeoJSONGeometry, move: (p: number[]) => number[]): GeoJSONGeometry {
  const map = (c: unknown, depth: number): unknown => (depth === 0 ? move(c as number[]) : (c as unknown[]).map((x) => map(x, depth - 1)));
  const depth = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3, GeometryCollection: -1 }[g.type];
  if (g.type === 'GeometryCollection') return { type: g.type, geometries: (g.geometries ?? []).map((m) => mapGeometry(m, move)) };
  return { type: g.type, coordinates: map(g.coordinates, depth) };
}
