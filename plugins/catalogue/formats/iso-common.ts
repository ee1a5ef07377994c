/**
 * What ISO 19139 and ISO 19115-3 share once read: scope codes and record types, online resources
 * and links or OWS Context offerings, geographic bounding boxes and footprints.
 */
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';
import type { Offering, RecordLink, RecordType } from '../types.js';
import { invalidRecord } from './xml-read.js';

/** MD_ScopeCode values (ISO 19115:2003 and 19115-1) and the record type they describe. */
const SCOPE_TYPES: Record<string, RecordType> = {
  series: 'collection',
  collection: 'collection',
  collectionSession: 'collection',
  productionSeries: 'collection',
  platformSeries: 'collection',
  sensorSeries: 'collection',
  aggregate: 'collection',
  dataset: 'product',
  nonGeographicDataset: 'product',
  tile: 'product',
  product: 'product',
  service: 'service',
  application: 'application',
  software: 'application',
};

/** The record type of the first scope code that names one; services by their identification. */
export function recordTypeOfScopes(scopes: string[], serviceIdentification: boolean): RecordType {
  for (const scope of scopes) {
    const type = SCOPE_TYPES[scope] ?? SCOPE_TYPES[scope.charAt(0).toLowerCase() + scope.slice(1)];
    if (type) return type;
  }
  return serviceIdentification ? 'service' : 'product';
}

/** The MD_ScopeCode a record type is written as: collections as series, products as datasets. */
export function scopeOfRecordType(type: RecordType): string {
  return type === 'collection' ? 'series' : type === 'product' ? 'dataset' : type;
}

/** An online resource as ISO describes it (CI_OnlineResource). */
export interface OnlineResource {
  href: string;
  protocol?: string;
  name?: string;
  description?: string;
  /** CI_OnLineFunctionCode value. */
  function?: string;
  /** Media type (gmx:MimeFileType of the name, or 19115-3's mime type). */
  type?: string;
}

const OFFERING_BASE = 'http://www.opengis.net/spec/owc-geojson/1.0/req/';

/** OGC service protocols, as catalogues spell them (OGC:WMS, OGC:WMS-1.3.0-http-get-map, "OGC Web Map Service"). */
const SERVICE_PROTOCOLS: Array<{ service: string; protocol: RegExp }> = [
  { service: 'wmts', protocol: /^OGC:WMTS|web map tile service/i },
  { service: 'wms', protocol: /^OGC:WMS|web map service/i },
  { service: 'wcs', protocol: /^OGC:WCS|web coverage service/i },
  { service: 'wfs', protocol: /^OGC:WFS|web feature service/i },
  { service: 'wps', protocol: /^OGC:WPS|web processing service/i },
  { service: 'csw', protocol: /^OGC:CSW|catalog(?:ue)? service/i },
];

export function offeringCode(service: string): string {
  return `${OFFERING_BASE}${service}`;
}

/** The OGC service an offering code names ('wms'), or undefined for another offering. */
export function serviceOfOffering(offering: Offering): string | undefined {
  if (!offering.code.startsWith(OFFERING_BASE)) return undefined;
  const service = offering.code.slice(OFFERING_BASE.length);
  return SERVICE_PROTOCOLS.some((p) => p.service === service) ? service : undefined;
}

function requestOf(href: string): string | undefined {
  try {
    for (const [key, value] of new URL(href).searchParams) if (key.toLowerCase() === 'request') return value;
  } catch {
    // Not an absolute URL: no request parameter to read.
  }
  return undefined;
}

/**
 * The OWS Context offering an online resource with an OGC service protocol stands for. A bare
 * endpoint becomes its GetCapabilities request; a URL naming a request keeps it.
 */
export function offeringOfResource(r: OnlineResource): Offering | undefined {
  const service = r.protocol ? SERVICE_PROTOCOLS.find((p) => p.protocol.test(r.protocol!))?.service : undefined;
  if (!service) return undefined;
  const request = requestOf(r.href);
  const href = request ? r.href : `${r.href}${r.href.includes('?') ? (/[?&]$/.test(r.href) ? '' : '&') : '?'}service=${service.toUpperCase()}&request=GetCapabilities`;
  const code = request ?? 'GetCapabilities';
  return { code: offeringCode(service), operations: [{ code, method: 'GET', href, ...(code === 'GetCapabilities' ? { type: 'application/xml' } : {}) }] };
}

/** The online resource an OGC service offering is written as (its GetCapabilities operation, else its first). */
export function resourceOfOffering(offering: Offering): OnlineResource | undefined {
  const service = serviceOfOffering(offering);
  const op = offering.operations?.find((o) => o.code === 'GetCapabilities') ?? offering.operations?.[0];
  if (!service || !op) return undefined;
  return { href: op.href, protocol: `OGC:${service.toUpperCase()}`, description: `${service.toUpperCase()} ${op.code}`, function: service === 'wcs' || service === 'wfs' ? 'download' : 'information' };
}

/** Link relation of an online resource, from its function code or its protocol. */
export function linkRelOf(r: OnlineResource): string {
  const fn = r.function?.toLowerCase();
  const protocol = r.protocol?.toLowerCase() ?? '';
  if (fn === 'browsegraphic' || protocol.includes('thumbnail') || protocol.includes('browse')) return 'icon';
  if (fn === 'download' || fn === 'fileaccess' || fn === 'offlineaccess' || protocol.startsWith('www:download')) return 'enclosure';
  if (fn === 'completemetadata') return 'alternate';
  if (fn === 'search') return 'search';
  if (fn === 'information' || fn === 'browsing') return 'describedby';
  return 'related';
}

/** The function code and protocol a link is written with. */
export function resourceOfLink(link: RecordLink): OnlineResource {
  const fn: Record<string, string> = { enclosure: 'download', icon: 'browseGraphic', alternate: 'completeMetadata', search: 'search', describedby: 'information' };
  const protocol = link.rel === 'enclosure' ? 'WWW:DOWNLOAD-1.0-http--download' : link.rel === 'icon' ? 'WWW:LINK-1.0-http--image-thumbnail' : 'WWW:LINK-1.0-http--link';
  return { href: link.href, protocol, name: link.title, type: link.type, function: fn[link.rel] };
}

export function linkOfResource(r: OnlineResource): RecordLink {
  return { href: r.href, rel: linkRelOf(r), ...(r.type ? { type: r.type } : {}), ...(r.name || r.description ? { title: r.name ?? r.description } : {}) };
}

/** Links without duplicates (same href and relation), in first-seen order. */
export function uniqueLinks(links: RecordLink[]): RecordLink[] {
  const seen = new Set<string>();
  return links.filter((l) => {
    const key = `${l.rel} ${l.href}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function checkRange(value: number, min: number, max: number, locator: string): void {
  if (value < min || value > max) throw invalidRecord(`${locator} ${value} is outside [${min}, ${max}]`, locator);
}

/**
 * An EX_GeographicBoundingBox as GeoJSON: a Point or LineString when it is degenerate, two boxes
 * when it crosses the antimeridian (west > east). Longitudes beyond 180 (0..360) are wrapped.
 */
export function bboxGeometry(west: number, east: number, south: number, north: number): GeoJSONGeometry {
  const wrap = (lon: number) => (lon > 180 && lon <= 360 ? lon - 360 : lon);
  const [w, e] = [wrap(west), wrap(east)];
  checkRange(w, -180, 180, 'westBoundLongitude');
  checkRange(e, -180, 180, 'eastBoundLongitude');
  checkRange(south, -90, 90, 'southBoundLatitude');
  checkRange(north, -90, 90, 'northBoundLatitude');
  if (south > north) throw invalidRecord(`southBoundLatitude ${south} is north of northBoundLatitude ${north}`, 'southBoundLatitude');
  const box = (x0: number, x1: number) => [[[x0, south], [x1, south], [x1, north], [x0, north], [x0, south]]];
  if (w === e && south === north) return { type: 'Point', coordinates: [w, south] };
  if (w === e || south === north) return { type: 'LineString', coordinates: [[w, south], [e, north]] };
  if (w > e) return { type: 'MultiPolygon', coordinates: [box(w, 180), box(-180, e)] };
  return { type: 'Polygon', coordinates: box(w, e) };
}

/** Several footprints as one geometry: the only one, or a MultiPolygon / GeometryCollection of all. */
export function combineGeometries(geometries: GeoJSONGeometry[]): GeoJSONGeometry | undefined {
  if (geometries.length <= 1) return geometries[0];
  if (geometries.every((g) => g.type === 'Polygon' || g.type === 'MultiPolygon')) {
    const polygons = geometries.flatMap((g) => (g.type === 'Polygon' ? [g.coordinates] : (g.coordinates as unknown[])));
    return { type: 'MultiPolygon', coordinates: polygons } as GeoJSONGeometry;
  }
  return { type: 'GeometryCollection', geometries } as GeoJSONGeometry;
}

/**
 * An xs:ID for an element of the record (gml:id): unique per record identifier and kind, so that
 * many records embedded in one response (CSW GetRecords) never repeat an id.
 */
export function xmlId(kind: string, identifier: string): string {
  const safe = identifier.replace(/[^A-Za-z0-9._-]/g, '_');
  if (safe === identifier) return `${kind}.${safe}`;
  // FNV-1a keeps identifiers that differ only in replaced characters apart.
  let h = 0x811c9dc5;
  for (let i = 0; i < identifier.length; i++) h = Math.imul(h ^ identifier.charCodeAt(i), 0x01000193) >>> 0;
  return `${kind}.${safe}.${h.toString(16)}`;
}

/** Text values without repeats, in first-seen order. */
export function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
}
