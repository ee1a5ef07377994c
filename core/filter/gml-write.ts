/**
 * GeoJSON (CRS:84) geometries as GML 3.2 elements for the XML writer: the inverse of gml.ts, for
 * documents that embed a footprint (ISO 19139 EX_BoundingPolygon, O&M EOP footprints).
 */
import { el, escapeXmlAttr, escapeXmlText, type XmlElement } from '../ows/index.js';
import { isXmlName } from '../ows/xml/escape.js';
import type { GeoJSONGeometry } from './ast.js';
import { numberText } from './number-text.js';

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

/**
 * The same element as serializeXml(writeGmlGeometry(geometry, options), { declaration: false }),
 * written straight to text: for writers of many features (WFS GetFeature), where building the
 * element tree for every geometry costs more than the output. Coordinates that are numbers
 * (all of them, in a GeoJSON geometry) need no escaping.
 */
export function writeGmlGeometryText(geometry: GeoJSONGeometry, options: GmlWriteOptions): string {
  return new GmlTextWriter(options).geometry(geometry, options.id, true);
}

/** writeGmlGeometryText with the options other than the id set once, for many geometries written alike. */
export function gmlGeometryTextWriter(options: Omit<GmlWriteOptions, 'id'>): (geometry: GeoJSONGeometry, id: string) => string {
  const writer = new GmlTextWriter(options);
  return (geometry, id) => writer.geometry(geometry, id, true);
}

const DEFAULT_SRS = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

class GmlTextWriter {
  private readonly p: string;
  private readonly latLon: boolean;
  /** ` srsName="..."`, escaped once. */
  private readonly srsAttr: string;
  private readonly memberArrays: boolean;

  constructor(options: Omit<GmlWriteOptions, 'id'>) {
    this.memberArrays = options.memberArrays === true;
    this.p = options.prefix ?? 'gml';
    if (!isXmlName(`${this.p}:id`)) throw new Error(`Invalid XML name prefix '${this.p}'`);
    this.latLon = options.latLon === true;
    this.srsAttr = ` srsName="${escapeXmlAttr(options.srsName ?? DEFAULT_SRS)}"`;
  }

  private open(local: string, id: string, top: boolean): string {
    return `<${this.p}:${local} ${this.p}:id="${escapeXmlAttr(id)}"${top ? this.srsAttr : ''}>`;
  }

  private close(local: string): string {
    return `</${this.p}:${local}>`;
  }

  private ordinate(v: unknown): string {
    // Finite numbers through numberText: String's digits, without its number-string cache.
    if (typeof v === 'number') return Number.isFinite(v) ? numberText(v) : '' + v;
    return escapeXmlText(v === null || v === undefined ? '' : String(v));
  }

  /** One position's ordinates as text, in the output axis order (as Array.join writes them). */
  private position(p: Position): string {
    const n = p.length;
    if (n === 2) return this.latLon ? `${this.ordinate(p[1])} ${this.ordinate(p[0])}` : `${this.ordinate(p[0])} ${this.ordinate(p[1])}`;
    if (n < 2) return this.latLon ? ` ${this.ordinate(p[0])}` : this.ordinate(p[0]);
    let out = this.latLon ? `${this.ordinate(p[1])} ${this.ordinate(p[0])}` : `${this.ordinate(p[0])} ${this.ordinate(p[1])}`;
    for (let i = 2; i < n; i++) out += ' ' + this.ordinate(p[i]);
    return out;
  }

  private posList(positions: Position[]): string {
    let dimension = -Infinity;
    let text = '';
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (p.length > dimension) dimension = p.length;
      text += i === 0 ? this.position(p) : ' ' + this.position(p);
    }
    const tag = `${this.p}:posList`;
    return `<${tag}${dimension > 2 ? ` srsDimension="${dimension}"` : ''}>${text}</${tag}>`;
  }

  private polygon(rings: Position[][], id: string, top: boolean): string {
    const ring = (positions: Position[]) => `<${this.p}:LinearRing>${this.posList(positions)}</${this.p}:LinearRing>`;
    let out = this.open('Polygon', id, top) + `<${this.p}:exterior>${ring(rings[0] ?? [])}</${this.p}:exterior>`;
    for (let i = 1; i < rings.length; i++) out += `<${this.p}:interior>${ring(rings[i]!)}</${this.p}:interior>`;
    return out + this.close('Polygon');
  }

  private multi(kind: string, member: string, members: string[], id: string, top: boolean): string {
    if (this.memberArrays) {
      const array = `${this.p}:${member}s`;
      return this.open(kind, id, top) + (members.length === 0 ? `<${array}/>` : `<${array}>${members.join('')}</${array}>`) + this.close(kind);
    }
    // As the element writer: an element without children is self-closed.
    if (members.length === 0) return `<${this.p}:${kind} ${this.p}:id="${escapeXmlAttr(id)}"${top ? this.srsAttr : ''}/>`;
    const inner = members.map((m) => `<${this.p}:${member}>${m}</${this.p}:${member}>`).join('');
    return this.open(kind, id, top) + inner + this.close(kind);
  }

  geometry(g: GeoJSONGeometry, id: string, top: boolean): string {
    const c = g.coordinates as unknown;
    switch (g.type) {
      case 'Point':
        return `${this.open('Point', id, top)}<${this.p}:pos>${this.position(c as Position)}</${this.p}:pos>${this.close('Point')}`;
      case 'LineString':
        return this.open('LineString', id, top) + this.posList(c as Position[]) + this.close('LineString');
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
