/**
 * GeoJSON (CRS:84) geometries as GML 3.2 elements for the XML writer: the inverse of gml.ts, for
 * documents that embed a footprint (ISO 19139 EX_BoundingPolygon, O&M EOP footprints).
 */
import { el, type XmlElement } from '../ows/index.js';
import type { GeoJSONGeometry } from './ast.js';

export interface GmlWriteOptions {
  /** gml:id of the geometry (GML 3.2 requires one); members get `${id}.1`, `${id}.2`... */
  id: string;
  /** srsName written on the geometry; CRS:84 (longitude, latitude) by default. */
  srsName?: string;
  /** Write latitude before longitude, for srsNames in the EPSG:4326 authority order. */
  latLon?: boolean;
  /** Prefix bound to the GML 3.2 namespace by the enclosing document; 'gml' by default. */
  prefix?: string;
  /**
   * Multi-geometry members as one array property (gml:surfaceMembers, as OGC 10-157 EOP expects)
   * rather than one property per member (gml:surfaceMember, the default).
   */
  memberArrays?: boolean;
}

type Position = number[];

/** A GML 3.2 element for a GeoJSON geometry in CRS:84. */
export function writeGmlGeometry(geometry: GeoJSONGeometry, options: GmlWriteOptions): XmlElement {
  return new GmlWriter(options).geometry(geometry, options.id, true);
}

class GmlWriter {
  private readonly p: string;

  constructor(private readonly options: GmlWriteOptions) {
    this.p = options.prefix ?? 'gml';
  }

  private name(local: string): string {
    return `${this.p}:${local}`;
  }

  private attrs(id: string, top: boolean): Record<string, string | undefined> {
    return { [`${this.p}:id`]: id, srsName: top ? (this.options.srsName ?? 'http://www.opengis.net/def/crs/OGC/1.3/CRS84') : undefined };
  }

  private ordered(p: Position): Position {
    return this.options.latLon ? [p[1]!, p[0]!, ...p.slice(2)] : p;
  }

  private posList(positions: Position[]): XmlElement {
    const dimension = Math.max(...positions.map((p) => p.length));
    return el(this.name('posList'), dimension > 2 ? { srsDimension: dimension } : null, positions.map((p) => this.ordered(p).join(' ')).join(' '));
  }

  private polygon(rings: Position[][], id: string, top: boolean): XmlElement {
    const ring = (positions: Position[]) => el(this.name('LinearRing'), null, this.posList(positions));
    const [exterior, ...interiors] = rings;
    return el(
      this.name('Polygon'),
      this.attrs(id, top),
      el(this.name('exterior'), null, ring(exterior ?? [])),
      interiors.map((r) => el(this.name('interior'), null, ring(r))),
    );
  }

  private multi(kind: string, member: string, members: XmlElement[], id: string, top: boolean): XmlElement {
    const property = this.options.memberArrays ? [el(this.name(`${member}s`), null, members)] : members.map((m) => el(this.name(member), null, m));
    return el(this.name(kind), this.attrs(id, top), property);
  }

  geometry(g: GeoJSONGeometry, id: string, top: boolean): XmlElement {
    const c = g.coordinates as unknown;
    switch (g.type) {
      case 'Point':
        return el(this.name('Point'), this.attrs(id, top), el(this.name('pos'), null, this.ordered(c as Position).join(' ')));
      case 'LineString':
        return el(this.name('LineString'), this.attrs(id, top), this.posList(c as Position[]));
      case 'Polygon':
        return this.polygon(c as Position[][], id, top);
      case 'MultiPoint':
        return this.multi('MultiPoint', 'pointMember', (c as Position[]).map((p, i) => this.geometry({ type: 'Point', coordinates: p }, `${id}.${i + 1}`, false)), id, top);
      case 'MultiLineString':
        return this.multi('MultiCurve', 'curveMember', (c as Position[][]).map((l, i) => this.geometry({ type: 'LineString', coordinates: l }, `${id}.${i + 1}`, false)), id, top);
      case 'MultiPolygon':
        return this.multi('MultiSurface', 'surfaceMember', (c as Position[][][]).map((p, i) => this.polygon(p, `${id}.${i + 1}`, false)), id, top);
      case 'GeometryCollection':
        return this.multi('MultiGeometry', 'geometryMember', (g.geometries ?? []).map((m, i) => this.geometry(m, `${id}.${i + 1}`, false)), id, top);
      default:
        throw new Error(`Unsupported geometry type '${(g as { type: string }).type}'`);
    }
  }
}
