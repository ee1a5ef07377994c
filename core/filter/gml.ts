/**
 * GML geometries (3.2 and 2: Point, LineString, LinearRing, Polygon, Envelope, Box, MultiPoint,
 * MultiLineString/MultiCurve, MultiPolygon/MultiSurface, MultiGeometry) into GeoJSON in CRS:84
 * x/y: axes swapped as the srsName's form says, other CRSs transformed with core/ows.
 */
import { needsAxisSwap, resolveCrs, transformBbox, transformPoints, type AxisOrderContext } from '../ows/index.js';
import { CRS84, type GeoJSONGeometry } from './ast.js';
import { FilterError } from './errors.js';
import { child, childrenNamed, type XmlNode } from './xml-tree.js';
import { validateGeometry } from '../storage/db/geometry/index.js';

export interface GmlOptions {
  /** CRS of geometries without srsName; CRS:84 by default. */
  defaultCrs?: string;
  /** How srsName decides axis order; 'by-identifier' by default (EPSG:4326 x/y, URNs lat/lon). */
  axisOrder?: AxisOrderContext;
  locator?: string;
  /**
   * Close rings whose last position differs from the first, instead of refusing them: for
   * harvested metadata (ISO EX_BoundingPolygon) that often omits the closing position.
   */
  closeRings?: boolean;
}

type Position = number[];

export const GML_GEOMETRY_NAMES = new Set([
  'Point', 'LineString', 'LinearRing', 'Polygon', 'Envelope', 'Box', 'MultiPoint', 'MultiLineString', 'MultiCurve',
  'MultiPolygon', 'MultiSurface', 'MultiGeometry',
]);

/** A GML geometry element as GeoJSON in CRS:84. */
export function readGmlGeometry(node: XmlNode, options: GmlOptions = {}): GeoJSONGeometry {
  const reader = new GmlReader(node.attrs.srsName ?? options.defaultCrs ?? CRS84, options);
  const geometry = reader.geometry(node);
  try {
    return validateGeometry(geometry, node.name);
  } catch (err) {
    throw new FilterError((err as Error).message, { locator: options.locator });
  }
}

/** A gml:Envelope (or GML 2 Box) as [minx, miny, maxx, maxy] in CRS:84. */
export function readGmlEnvelope(node: XmlNode, options: GmlOptions = {}): [number, number, number, number] {
  const reader = new GmlReader(node.attrs.srsName ?? options.defaultCrs ?? CRS84, options);
  return reader.envelope(node);
}

class GmlReader {
  private readonly swap: boolean;
  private readonly crsId: string;

  constructor(
    private readonly srs: string,
    private readonly options: GmlOptions,
  ) {
    try {
      this.swap = needsAxisSwap(srs, options.axisOrder ?? 'by-identifier');
      this.crsId = resolveCrs(srs).id;
    } catch (err) {
      throw new FilterError(`Unknown srsName '${srs}': ${(err as Error).message}`, { locator: options.locator });
    }
  }

  private fail(message: string): never {
    throw new FilterError(message, { locator: this.options.locator });
  }

  private lonLat(): boolean {
    return this.crsId === 'OGC:CRS84' || this.crsId === 'EPSG:4326';
  }

  /** Positions in the srsName's axis order → CRS:84 x/y. */
  private toCrs84(positions: Position[]): Position[] {
    const xy = this.swap ? positions.map(([a, b, ...rest]) => [b!, a!, ...rest]) : positions;
    if (this.lonLat()) return xy;
    const moved = transformPoints(xy.map((p) => [p[0]!, p[1]!] as [number, number]), this.crsId, 'OGC:CRS84');
    if (moved.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) this.fail(`Coordinates cannot be transformed from ${this.srs} to CRS:84`);
    return moved;
  }

  envelope(node: XmlNode): [number, number, number, number] {
    let corners: Position[];
    const lower = child(node, 'lowerCorner');
    const upper = child(node, 'upperCorner');
    if (lower && upper) corners = [this.numbers(lower.text, 0, lower), this.numbers(upper.text, 0, upper)];
    else corners = this.positions(node);
    if (corners.length !== 2 || corners.some((c) => c.length < 2)) this.fail(`${node.name} needs two corners`);
    const xy = this.swap ? corners.map(([a, b]) => [b!, a!]) : corners;
    const [[minx, miny], [maxx, maxy]] = xy as [[number, number], [number, number]];
    if (minx > maxx || miny > maxy) this.fail(`${node.name} lower corner is above its upper corner`);
    if (this.lonLat()) return [minx, miny, maxx, maxy];
    return transformBbox([minx, miny, maxx, maxy], this.crsId, 'OGC:CRS84');
  }

  geometry(node: XmlNode): GeoJSONGeometry {
    switch (node.name) {
      case 'Point': {
        const [p] = this.toCrs84(this.positions(node));
        if (!p) this.fail('Point has no position');
        return { type: 'Point', coordinates: p };
      }
      case 'LineString':
        return { type: 'LineString', coordinates: this.toCrs84(this.positions(node)) };
      case 'LinearRing':
      case 'Polygon':
        return { type: 'Polygon', coordinates: this.rings(node) };
      case 'Envelope':
      case 'Box': {
        const [minx, miny, maxx, maxy] = this.envelope(node);
        return { type: 'Polygon', coordinates: [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]] };
      }
      case 'MultiPoint':
        return { type: 'MultiPoint', coordinates: this.members(node, ['pointMember', 'pointMembers'], ['Point']).map((p) => this.geometry(p).coordinates) };
      case 'MultiLineString':
      case 'MultiCurve':
        return {
          type: 'MultiLineString',
          coordinates: this.members(node, ['lineStringMember', 'curveMember', 'curveMembers'], ['LineString']).map((l) => this.geometry(l).coordinates),
        };
      case 'MultiPolygon':
      case 'MultiSurface':
        return {
          type: 'MultiPolygon',
          coordinates: this.members(node, ['polygonMember', 'surfaceMember', 'surfaceMembers'], ['Polygon']).map((p) => this.geometry(p).coordinates),
        };
      case 'MultiGeometry':
        return {
          type: 'GeometryCollection',
          geometries: node.children
            .filter((c) => c.name === 'geometryMember' || c.name === 'geometryMembers')
            .flatMap((m) => m.children)
            .map((g) => this.geometry(g)),
        };
      default:
        this.fail(`Unsupported GML geometry '${node.name}'`);
    }
  }

  private members(node: XmlNode, memberNames: string[], geometryNames: string[]): XmlNode[] {
    const members = childrenNamed(node, ...memberNames).flatMap((m) => childrenNamed(m, ...geometryNames));
    if (members.length === 0) this.fail(`${node.name} has no members`);
    return members;
  }

  private rings(node: XmlNode): Position[][] {
    if (node.name === 'LinearRing') return [this.closed(this.toCrs84(this.positions(node)))];
    const exterior = child(node, 'exterior', 'outerBoundaryIs');
    const ring = (b: XmlNode) => {
      const r = child(b, 'LinearRing');
      if (!r) this.fail(`${b.name} needs a LinearRing`);
      return this.closed(this.toCrs84(this.positions(r)));
    };
    if (!exterior) this.fail('Polygon needs an exterior ring');
    return [ring(exterior), ...childrenNamed(node, 'interior', 'innerBoundaryIs').map(ring)];
  }

  private closed(ring: Position[]): Position[] {
    if (!this.options.closeRings || ring.length < 3) return ring;
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    return first.length === last.length && first.every((v, i) => v === last[i]) ? ring : [...ring, [...first]];
  }

  /** pos, posList, coordinates (GML 2) or coord children of an element, in its own axis order. */
  private positions(node: XmlNode): Position[] {
    const dimension = Number(node.attrs.srsDimension ?? 2);
    const posList = child(node, 'posList');
    if (posList) {
      const d = Number(posList.attrs.srsDimension ?? node.attrs.srsDimension ?? 2);
      const values = this.numbers(posList.text, 0, posList);
      if (values.length % d !== 0) this.fail(`posList has ${values.length} numbers, not a multiple of ${d}`);
      const out: Position[] = [];
      for (let i = 0; i < values.length; i += d) out.push(values.slice(i, i + d));
      return out;
    }
    const pos = childrenNamed(node, 'pos');
    if (pos.length) return pos.map((p) => this.numbers(p.text, dimension, p));
    const coordinates = child(node, 'coordinates');
    if (coordinates) {
      const cs = coordinates.attrs.cs ?? ',';
      const ts = coordinates.attrs.ts ?? ' ';
      const decimal = coordinates.attrs.decimal ?? '.';
      const tuples = coordinates.text.trim().split(ts === ' ' ? /\s+/ : ts).filter(Boolean);
      return tuples.map((t) => t.split(cs).map((v) => this.number(decimal === '.' ? v : v.split(decimal).join('.'), coordinates)));
    }
    const coords = childrenNamed(node, 'coord');
    if (coords.length) {
      return coords.map((c) => ['X', 'Y', 'Z'].flatMap((axis) => {
        const v = child(c, axis);
        return v ? [this.number(v.text, c)] : [];
      }));
    }
    this.fail(`${node.name} has no coordinates`);
  }

  private numbers(text: string, expected: number, node: XmlNode): number[] {
    const values = text.trim().split(/\s+/).filter(Boolean).map((v) => this.number(v, node));
    if (expected && values.length !== expected && !(expected === 2 && values.length === 3)) this.fail(`${node.name} needs ${expected} coordinates`);
    return values;
  }

  private number(text: string, node: XmlNode): number {
    const n = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(n)) this.fail(`'${text}' in ${node.name} is not a number`);
    return n;
  }
}
