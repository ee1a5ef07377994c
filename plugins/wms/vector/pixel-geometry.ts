/**
 * Geometries on their way to the map: from the collection's storage CRS into the map's CRS
 * (proj4 through core/ows), then into pixel coordinates of the map (x right, y down), cut to a
 * frame slightly larger than the map (cairo misdraws coordinates in the millions, and off-map
 * vertices cost SVG bytes) and thinned to vertices at least a third of a pixel apart.
 *
 * A position the map's CRS cannot represent (a pole in Web Mercator) does not fail the map: a
 * longitude/latitude position is retried with its latitude clamped to Mercator's limit, and one
 * that still does not transform is left out of its ring or line.
 */
import { resolveCrs, transformPoints, type CrsDefinition } from '../../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../../core/filter/index.js';
import type { Bbox } from '../../features/types.js';

/** A line or ring as flat pixel coordinates: x0, y0, x1, y1... */
export type Path = number[];

export interface PixelGeometry {
  /** Point positions [x, y] (those of MultiPoints too). */
  points: Array<[number, number]>;
  lines: Path[];
  /** Each polygon as its rings (outer first). */
  polygons: Path[][];
}

/** The map: its box (x/y order, map CRS) and size in pixels. */
export interface MapFrame {
  bbox: Bbox;
  width: number;
  height: number;
}

export type PositionTransform = (positions: Array<[number, number]>) => Array<[number, number]>;

const MERCATOR_LATITUDE_LIMIT = 85.0511287798;

/** Positions from `from` into `to` (x/y), NaN where they have no image. */
export function positionTransform(from: string, to: string): PositionTransform {
  const source: CrsDefinition = resolveCrs(from);
  const target: CrsDefinition = resolveCrs(to);
  if (source.id === target.id) return (positions) => positions;
  const lonLat = source.kind === 'geographic' || source.kind === 'geographic-3d';
  return (positions) => {
    const out = transformPoints(positions, source, target);
    if (!lonLat) return out;
    for (let i = 0; i < out.length; i++) {
      if (!Number.isNaN(out[i]![0])) continue;
      const [x, y] = positions[i]!;
      const clamped = Math.max(-MERCATOR_LATITUDE_LIMIT, Math.min(MERCATOR_LATITUDE_LIMIT, y));
      if (clamped !== y) out[i] = transformPoints([[x, clamped]], source, target)[0]!;
    }
    return out;
  };
}

/** Maps x/y in the map's CRS to pixels. */
export interface PixelMapper {
  x(v: number): number;
  y(v: number): number;
  /** Map CRS units per pixel, horizontally and vertically. */
  resx: number;
  resy: number;
}

export function pixelMapper(frame: MapFrame): PixelMapper {
  const [minx, miny, maxx, maxy] = frame.bbox;
  const resx = (maxx - minx) / frame.width;
  const resy = (maxy - miny) / frame.height;
  return { x: (v) => (v - minx) / resx, y: (v) => (maxy - v) / resy, resx, resy };
}

type Position = number[];

/** Collects the positions of a geometry in order, so one transform call serves the whole feature. */
function collect(g: GeoJSONGeometry, out: Array<[number, number]>): void {
  if (g.type === 'GeometryCollection') {
    for (const member of g.geometries ?? []) collect(member, out);
    return;
  }
  const push = (p: Position) => out.push([p[0]!, p[1]!]);
  const c = g.coordinates as unknown;
  switch (g.type) {
    case 'Point':
      push(c as Position);
      return;
    case 'MultiPoint':
    case 'LineString':
      (c as Position[]).forEach(push);
      return;
    case 'MultiLineString':
    case 'Polygon':
      for (const part of c as Position[][]) part.forEach(push);
      return;
    case 'MultiPolygon':
      for (const polygon of c as Position[][][]) for (const ring of polygon) ring.forEach(push);
      return;
  }
}

const MIN_STEP = 1 / 3;

/** Pixel coordinates of consecutive positions, NaN ones dropped, vertices closer than MIN_STEP merged. */
function toPath(moved: Array<[number, number]>, start: number, count: number, px: PixelMapper, closed: boolean): Path {
  const out: Path = [];
  let lastX = NaN;
  let lastY = NaN;
  for (let i = start; i < start + count; i++) {
    const [mx, my] = moved[i]!;
    if (Number.isNaN(mx)) continue;
    const x = px.x(mx);
    const y = px.y(my);
    const isLast = i === start + count - 1;
    if (out.length > 0 && Math.abs(x - lastX) < MIN_STEP && Math.abs(y - lastY) < MIN_STEP && !(isLast && !closed)) continue;
    out.push(x, y);
    lastX = x;
    lastY = y;
  }
  return out;
}

/** Sutherland–Hodgman against one edge of the frame; `inside` and `cut` for that edge. */
function clipRingEdge(ring: Path, inside: (x: number, y: number) => boolean, cut: (ax: number, ay: number, bx: number, by: number) => [number, number]): Path {
  const out: Path = [];
  const n = ring.length / 2;
  if (n === 0) return out;
  let px = ring[(n - 1) * 2]!;
  let py = ring[(n - 1) * 2 + 1]!;
  let pin = inside(px, py);
  for (let i = 0; i < n; i++) {
    const x = ring[i * 2]!;
    const y = ring[i * 2 + 1]!;
    const cin = inside(x, y);
    if (cin !== pin) out.push(...cut(px, py, x, y));
    if (cin) out.push(x, y);
    px = x;
    py = y;
    pin = cin;
  }
  return out;
}

/** A ring cut to the clip box (its parts along the box's edges lie outside the map). */
export function clipRing(ring: Path, box: Bbox): Path {
  const [x0, y0, x1, y1] = box;
  const atX = (ax: number, ay: number, bx: number, by: number, x: number): [number, number] => [x, ay + ((by - ay) * (x - ax)) / (bx - ax)];
  const atY = (ax: number, ay: number, bx: number, by: number, y: number): [number, number] => [ax + ((bx - ax) * (y - ay)) / (by - ay), y];
  let r = clipRingEdge(ring, (x) => x >= x0, (ax, ay, bx, by) => atX(ax, ay, bx, by, x0));
  r = clipRingEdge(r, (x) => x <= x1, (ax, ay, bx, by) => atX(ax, ay, bx, by, x1));
  r = clipRingEdge(r, (_x, y) => y >= y0, (ax, ay, bx, by) => atY(ax, ay, bx, by, y0));
  return clipRingEdge(r, (_x, y) => y <= y1, (ax, ay, bx, by) => atY(ax, ay, bx, by, y1));
}

/** A polyline cut to the clip box: the pieces inside it (Liang–Barsky per segment). */
export function clipLine(line: Path, box: Bbox): Path[] {
  const [x0, y0, x1, y1] = box;
  const parts: Path[] = [];
  let current: Path = [];
  const flush = () => {
    if (current.length >= 4) parts.push(current);
    current = [];
  };
  for (let i = 0; i + 3 < line.length; i += 2) {
    const ax = line[i]!;
    const ay = line[i + 1]!;
    const dx = line[i + 2]! - ax;
    const dy = line[i + 3]! - ay;
    let t0 = 0;
    let t1 = 1;
    let visible = true;
    for (const [p, q] of [[-dx, ax - x0], [dx, x1 - ax], [-dy, ay - y0], [dy, y1 - ay]] as const) {
      if (p === 0) {
        if (q < 0) visible = false;
        continue;
      }
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
    }
    if (!visible || t0 > t1) {
      flush();
      continue;
    }
    // A piece continues the current one when this segment starts where the last one ended.
    if (t0 > 0) flush();
    if (current.length === 0) current.push(ax + t0 * dx, ay + t0 * dy);
    current.push(ax + t1 * dx, ay + t1 * dy);
    if (t1 < 1) flush();
  }
  flush();
  return parts;
}

function pathBox(path: Path): Bbox {
  let b: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < path.length; i += 2) b = [Math.min(b[0], path[i]!), Math.min(b[1], path[i + 1]!), Math.max(b[2], path[i]!), Math.max(b[3], path[i + 1]!)];
  return b;
}

const within = (b: Bbox, box: Bbox) => b[0] >= box[0] && b[1] >= box[1] && b[2] <= box[2] && b[3] <= box[3];

/**
 * A feature's geometry in pixels of the map: transformed with `transform` (storage CRS to map
 * CRS), cut to `clip` (pixel box; undefined keeps everything, as hit tests want).
 */
export function toPixels(g: GeoJSONGeometry, transform: PositionTransform, px: PixelMapper, clip?: Bbox): PixelGeometry {
  const positions: Array<[number, number]> = [];
  collect(g, positions);
  const moved = transform(positions);
  const out: PixelGeometry = { points: [], lines: [], polygons: [] };
  let at = 0;
  const addLine = (count: number) => {
    const path = toPath(moved, at, count, px, false);
    at += count;
    if (path.length < 4) return;
    if (clip && !within(pathBox(path), clip)) out.lines.push(...clipLine(path, clip));
    else out.lines.push(path);
  };
  const addPolygon = (rings: Position[][]) => {
    const polygon: Path[] = [];
    for (const ring of rings) {
      let path = toPath(moved, at, ring.length, px, true);
      at += ring.length;
      if (clip && path.length >= 6 && !within(pathBox(path), clip)) path = clipRing(path, clip);
      if (path.length >= 6) polygon.push(path);
    }
    if (polygon.length > 0) out.polygons.push(polygon);
  };
  const visit = (geometry: GeoJSONGeometry): void => {
    const c = geometry.coordinates as unknown;
    switch (geometry.type) {
      case 'GeometryCollection':
        for (const member of geometry.geometries ?? []) visit(member);
        return;
      case 'Point':
      case 'MultiPoint': {
        const count = geometry.type === 'Point' ? 1 : (c as Position[]).length;
        for (let i = at; i < at + count; i++) {
          const [mx, my] = moved[i]!;
          if (Number.isNaN(mx)) continue;
          const x = px.x(mx);
          const y = px.y(my);
          if (!clip || (x >= clip[0] && x <= clip[2] && y >= clip[1] && y <= clip[3])) out.points.push([x, y]);
        }
        at += count;
        return;
      }
      case 'LineString':
        addLine((c as Position[]).length);
        return;
      case 'MultiLineString':
        for (const part of c as Position[][]) addLine(part.length);
        return;
      case 'Polygon':
        addPolygon(c as Position[][]);
        return;
      case 'MultiPolygon':
        for (const polygon of c as Position[][][]) addPolygon(polygon);
        return;
    }
  };
  visit(g);
  return out;
}
