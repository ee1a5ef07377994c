/**
 * Where labels go, kept simple: a point's label to the right of its symbol, a polygon's centred
 * on an interior point of its largest part (the centroid when it is inside, else the middle of
 * the widest span of a horizontal line through the part), a line's centred at the middle of its
 * longest piece. A label whose box would overlap one already placed, or whose anchor is off the
 * map, is skipped; boxes are found through a coarse grid, so the check stays cheap.
 */
import type { Path, PixelGeometry } from './pixel-geometry.js';

type Box = [number, number, number, number];

/** DejaVu Sans averages about 0.6 em per character. */
const CHAR_WIDTH_EM = 0.6;
const CELL = 64;

export class LabelSpace {
  private readonly cells = new Map<number, Box[]>();
  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  private keys(b: Box): number[] {
    const out: number[] = [];
    for (let cx = Math.floor(b[0] / CELL); cx <= Math.floor(b[2] / CELL); cx++) {
      for (let cy = Math.floor(b[1] / CELL); cy <= Math.floor(b[3] / CELL); cy++) out.push(cx * 100_003 + cy);
    }
    return out;
  }

  /** Takes the box when it is free (and reports true), or leaves it (false). */
  claim(b: Box): boolean {
    const keys = this.keys(b);
    for (const key of keys) {
      for (const o of this.cells.get(key) ?? []) if (b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]) return false;
    }
    for (const key of keys) {
      const list = this.cells.get(key);
      if (list) list.push(b);
      else this.cells.set(key, [b]);
    }
    return true;
  }

  onMap(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x <= this.width && y <= this.height;
  }
}

/** The box of a label of `text` at (x, y) (its vertical centre), anchored at its start or middle. */
export function labelBox(text: string, x: number, y: number, size: number, anchor: 'start' | 'middle', halo = 0): Box {
  const w = text.length * size * CHAR_WIDTH_EM + 2 * halo;
  const h = size * 1.2 + 2 * halo;
  const left = anchor === 'start' ? x - halo : x - w / 2;
  return [left, y - h / 2, left + w, y + h / 2];
}

function ringArea(r: Path): number {
  let a = 0;
  for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) a += (r[j]! + r[i]!) * (r[j + 1]! - r[i + 1]!);
  return a / 2;
}

function ringCentroid(r: Path): [number, number] | undefined {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
    const cross = r[j]! * r[i + 1]! - r[i]! * r[j + 1]!;
    a += cross;
    cx += (r[j]! + r[i]!) * cross;
    cy += (r[j + 1]! + r[i + 1]!) * cross;
  }
  if (a === 0) return undefined;
  return [cx / (3 * a), cy / (3 * a)];
}

/** Even-odd point in polygon over all its rings. */
export function insidePolygon(rings: readonly Path[], x: number, y: number): boolean {
  let inside = false;
  for (const r of rings) {
    for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
      const xi = r[i]!;
      const yi = r[i + 1]!;
      const xj = r[j]!;
      const yj = r[j + 1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** A point inside the polygon: its centroid when inside, else the middle of the widest span at the centroid's (or middle) height. */
export function interiorPoint(rings: readonly Path[]): [number, number] | undefined {
  const outer = rings[0];
  if (!outer) return undefined;
  const c = ringCentroid(outer);
  if (c && insidePolygon(rings, c[0], c[1])) return c;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 1; i < outer.length; i += 2) {
    minY = Math.min(minY, outer[i]!);
    maxY = Math.max(maxY, outer[i]!);
  }
  const y = c && c[1] > minY && c[1] < maxY ? c[1] : (minY + maxY) / 2;
  const xs: number[] = [];
  for (const r of rings) {
    for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
      const yi = r[i + 1]!;
      const yj = r[j + 1]!;
      if (yi > y !== yj > y) xs.push(r[i]! + ((r[j]! - r[i]!) * (y - yi)) / (yj - yi));
    }
  }
  xs.sort((a, b) => a - b);
  let best: [number, number] | undefined;
  let widest = -1;
  for (let k = 0; k + 1 < xs.length; k += 2) {
    if (xs[k + 1]! - xs[k]! > widest) {
      widest = xs[k + 1]! - xs[k]!;
      best = [(xs[k]! + xs[k + 1]!) / 2, y];
    }
  }
  return best;
}

function lineLength(p: Path): number {
  let len = 0;
  for (let i = 2; i < p.length; i += 2) len += Math.hypot(p[i]! - p[i - 2]!, p[i + 1]! - p[i - 1]!);
  return len;
}

function alongLine(p: Path, distance: number): [number, number] {
  let left = distance;
  for (let i = 2; i < p.length; i += 2) {
    const seg = Math.hypot(p[i]! - p[i - 2]!, p[i + 1]! - p[i - 1]!);
    if (seg >= left && seg > 0) {
      const t = left / seg;
      return [p[i - 2]! + t * (p[i]! - p[i - 2]!), p[i - 1]! + t * (p[i + 1]! - p[i - 1]!)];
    }
    left -= seg;
  }
  return [p[p.length - 2]!, p[p.length - 1]!];
}

export interface LabelAnchor {
  x: number;
  y: number;
  anchor: 'start' | 'middle';
}

/**
 * Where a feature's label goes: on its largest polygon, else its longest line, else right of its
 * first point (`symbolRadius` away).
 */
export function labelAnchor(g: PixelGeometry, symbolRadius: number): LabelAnchor | undefined {
  if (g.polygons.length > 0) {
    let largest = g.polygons[0]!;
    let area = -1;
    for (const p of g.polygons) {
      const a = Math.abs(ringArea(p[0]!));
      if (a > area) {
        area = a;
        largest = p;
      }
    }
    const at = interiorPoint(largest);
    return at ? { x: at[0], y: at[1], anchor: 'middle' } : undefined;
  }
  if (g.lines.length > 0) {
    let longest = g.lines[0]!;
    let len = -1;
    for (const l of g.lines) {
      const d = lineLength(l);
      if (d > len) {
        len = d;
        longest = l;
      }
    }
    const [x, y] = alongLine(longest, len / 2);
    return { x, y, anchor: 'middle' };
  }
  const p = g.points[0];
  return p ? { x: p[0] + symbolRadius + 3, y: p[1], anchor: 'start' } : undefined;
}
