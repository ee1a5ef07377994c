/**
 * The .shp file (ESRI Shapefile Technical Description, 1998): the header and the shape records,
 * decoded into GeoJSON. Polygon rings are grouped as the format means them: clockwise rings are
 * outer rings, counter-clockwise ones holes of the outer ring that contains them. Vertex order
 * is kept as stored. Z is kept, M dropped; MultiPatch is refused.
 */
import type { GeoJSONGeometry } from '../../../../core/filter/index.js';
import type { GeometryType } from '../../types.js';

export interface ShpHeader {
  shapeType: number;
  /** File length in bytes (the header stores 16-bit words). */
  fileBytes: number;
  bbox: [number, number, number, number];
}

export class ShpError extends Error {
  override name = 'ShpError';
}

const NAMES: Record<number, string> = { 0: 'Null', 1: 'Point', 3: 'PolyLine', 5: 'Polygon', 8: 'MultiPoint', 11: 'PointZ', 13: 'PolyLineZ', 15: 'PolygonZ', 18: 'MultiPointZ', 21: 'PointM', 23: 'PolyLineM', 25: 'PolygonM', 28: 'MultiPointM', 31: 'MultiPatch' };

export function readShpHeader(b: Buffer): ShpHeader {
  if (b.length < 100 || b.readInt32BE(0) !== 9994) throw new ShpError('Not a shapefile: the .shp header lacks the file code 9994');
  const shapeType = b.readInt32LE(32);
  if (!(shapeType in NAMES)) throw new ShpError(`Unknown shape type ${shapeType}`);
  return { shapeType, fileBytes: b.readInt32BE(24) * 2, bbox: [b.readDoubleLE(36), b.readDoubleLE(44), b.readDoubleLE(52), b.readDoubleLE(60)] };
}

/** The layer's geometry type: a polygon or line file may hold single and multi-part shapes. */
export function layerGeometryType(shapeType: number): GeometryType {
  switch (shapeType % 10) {
    case 1:
      return 'Point';
    case 3:
      return 'MultiLineString';
    case 5:
      return 'MultiPolygon';
    case 8:
      return 'MultiPoint';
    default:
      return 'Geometry';
  }
}

export function shapeTypeName(shapeType: number): string {
  return NAMES[shapeType] ?? String(shapeType);
}

/** One record's content (after its 8-byte record header); null for a Null shape. */
export function readShape(b: Buffer): GeoJSONGeometry | null {
  if (b.length < 4) throw new ShpError('A shape record shorter than its type');
  const type = b.readInt32LE(0);
  if (type === 0) return null;
  const hasZ = type === 11 || type === 13 || type === 15 || type === 18;
  const need = (bytes: number) => {
    if (bytes > b.length) throw new ShpError(`A ${shapeTypeName(type)} record of ${b.length} bytes, ${bytes} needed`);
  };
  switch (type) {
    case 1:
    case 11:
    case 21: {
      need(hasZ ? 28 : 20);
      const x = b.readDoubleLE(4);
      const y = b.readDoubleLE(12);
      // A point of NaN coordinates (or the "no data" value below -1e38) is an empty point.
      if (Number.isNaN(x) || Number.isNaN(y)) return null;
      return { type: 'Point', coordinates: hasZ ? [x, y, b.readDoubleLE(20)] : [x, y] };
    }
    case 8:
    case 18:
    case 28: {
      need(40);
      const n = b.readInt32LE(36);
      need(40 + n * 16 + (hasZ ? 16 + n * 8 : 0));
      const points: number[][] = [];
      for (let i = 0; i < n; i++) points.push([b.readDoubleLE(40 + i * 16), b.readDoubleLE(48 + i * 16)]);
      if (hasZ) addZ(b, 40 + n * 16, points);
      return n === 0 ? null : { type: 'MultiPoint', coordinates: points };
    }
    case 3:
    case 13:
    case 23:
    case 5:
    case 15:
    case 25: {
      need(44);
      const numParts = b.readInt32LE(36);
      const numPoints = b.readInt32LE(40);
      const pointsAt = 44 + numParts * 4;
      need(pointsAt + numPoints * 16 + (hasZ ? 16 + numPoints * 8 : 0));
      const points: number[][] = new Array(numPoints);
      for (let i = 0; i < numPoints; i++) points[i] = [b.readDoubleLE(pointsAt + i * 16), b.readDoubleLE(pointsAt + 8 + i * 16)];
      if (hasZ) addZ(b, pointsAt + numPoints * 16, points);
      const parts: number[][][] = [];
      for (let p = 0; p < numParts; p++) {
        const from = b.readInt32LE(44 + p * 4);
        const to = p + 1 < numParts ? b.readInt32LE(44 + (p + 1) * 4) : numPoints;
        if (from < 0 || to > numPoints || from > to) throw new ShpError(`Part ${p} of a ${shapeTypeName(type)} points outside its ${numPoints} points`);
        if (to > from) parts.push(points.slice(from, to));
      }
      if (parts.length === 0) return null;
      if (type % 10 === 3) return parts.length === 1 ? { type: 'LineString', coordinates: parts[0] } : { type: 'MultiLineString', coordinates: parts };
      const polygons = assemblePolygons(parts);
      return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
    }
    case 31:
      throw new ShpError('MultiPatch shapes are not supported');
    default:
      throw new ShpError(`Unknown shape type ${type}`);
  }
}

/** Z values follow the X/Y points after a [zmin, zmax] range. */
function addZ(b: Buffer, rangeAt: number, points: number[][]): void {
  const zAt = rangeAt + 16;
  for (let i = 0; i < points.length; i++) points[i]!.push(b.readDoubleLE(zAt + i * 8));
}

/** Twice the signed area (shoelace): positive for counter-clockwise rings, negative for clockwise ones, in a y-up frame. */
function signedArea2(ring: number[][]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return s;
}

function contains(ring: number[][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) inside = !inside;
  }
  return inside;
}

/** Clockwise rings start polygons; each hole goes to the first outer ring holding it (or stands alone). */
export function assemblePolygons(rings: number[][][]): number[][][][] {
  const polygons: number[][][][] = [];
  const holes: number[][][] = [];
  for (const ring of rings) {
    if (signedArea2(ring) <= 0) polygons.push([ring]);
    else holes.push(ring);
  }
  const boxes = polygons.map((poly) => bboxOf(poly[0]!));
  for (const hole of holes) {
    const [hx0, hy0, hx1, hy1] = bboxOf(hole);
    // A hole's vertices lie inside its outer ring or on it: a few of them decide.
    const probes = hole.slice(0, 3);
    const owner = polygons.findIndex((poly, i) => {
      const [x0, y0, x1, y1] = boxes[i]!;
      return hx0 >= x0 && hy0 >= y0 && hx1 <= x1 && hy1 <= y1 && probes.some((p) => contains(poly[0]!, p[0]!, p[1]!));
    });
    if (owner >= 0) polygons[owner]!.push(hole);
    else {
      // A counter-clockwise ring on its own: taken as an outer ring, as GDAL does.
      polygons.push([hole]);
      boxes.push([hx0, hy0, hx1, hy1]);
    }
  }
  return polygons;
}

function bboxOf(ring: number[][]): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of ring) {
    if (x! < x0) x0 = x!;
    if (x! > x1) x1 = x!;
    if (y! < y0) y0 = y!;
    if (y! > y1) y1 = y!;
  }
  return [x0, y0, x1, y1];
}
