/**
 * What the XML formats share once read: scope codes and record types, online resources and links
 * or OWS Context offerings, bounding boxes and footprints (ISO 19139 and 19115-3, Dublin Core, EOP).
 */
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';
import type { Offering, RecordLink, RecordType } from '../types.js';
import { gmlGeometry, gmlTime, invalidRecord, type XmlReader } from './xml-read.js';
import type { XmlDomElement } from '../../../core/ows/index.js';
import { EO_FIELDS, type EoFieldType } from '../eo-fields.js';

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

function offeringCode(service: string): string {
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
 * endpoint becomes its GetCapabilities request; a URL naming a request keeps it (a service
 * record's operation name, when given, names the operation).
 */
function offeringOfResource(r: OnlineResource, operation?: string): Offering | undefined {
  const service = r.protocol ? SERVICE_PROTOCOLS.find((p) => p.protocol.test(r.protocol!))?.service : undefined;
  if (!service) return undefined;
  const request = requestOf(r.href);
  const code = operation ?? request ?? 'GetCapabilities';
  const bare = !request && code === 'GetCapabilities';
  const href = bare ? `${r.href}${r.href.includes('?') ? (/[?&]$/.test(r.href) ? '' : '&') : '?'}service=${service.toUpperCase()}&request=GetCapabilities` : r.href;
  const type = r.type ?? (code === 'GetCapabilities' ? 'application/xml' : undefined);
  return { code: offeringCode(service), operations: [{ code, method: 'GET', href, ...(type ? { type } : {}) }] };
}

/** Endpoint of an operation URL: the URL without its query. */
function endpointOf(href: string): string {
  const q = href.indexOf('?');
  return q === -1 ? href : href.slice(0, q);
}

/**
 * Adds an offering read from one online resource: operations of the same service at the same
 * endpoint (a service record's GetCapabilities and GetMap connect points) join one offering.
 */
function addOffering(offerings: Offering[], offering: Offering): void {
  const op = offering.operations?.[0];
  const same = op && offerings.find((o) => o.code === offering.code && o.operations?.some((x) => endpointOf(x.href) === endpointOf(op.href)));
  if (!same) offerings.push(offering);
  else if (!same.operations!.some((x) => x.code === op.code && x.href === op.href)) same.operations!.push(op);
}

/** The online resource an OGC service offering is written as (its GetCapabilities operation, else its first). */
export function resourceOfOffering(offering: Offering): OnlineResource | undefined {
  const service = serviceOfOffering(offering);
  const op = offering.operations?.find((o) => o.code === 'GetCapabilities') ?? offering.operations?.[0];
  if (!service || !op) return undefined;
  return { href: op.href, protocol: `OGC:${service.toUpperCase()}`, description: `${service.toUpperCase()} ${op.code}`, function: service === 'wcs' || service === 'wfs' ? 'download' : 'information' };
}

/** Link relation of an online resource, from its function code or its protocol. */
function linkRelOf(r: OnlineResource): string {
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

function linkOfResource(r: OnlineResource): RecordLink {
  return { href: r.href, rel: linkRelOf(r), ...(r.type ? { type: r.type } : {}), ...(r.name || r.description ? { title: r.name ?? r.description } : {}) };
}

/** What a record says of its online resources, as an ISO or Dublin Core reader finds it. */
export interface RecordResources {
  /** Distribution online resources (transfer options, distributors', dct:references). */
  distribution: OnlineResource[];
  /** A service record's service type (srv:serviceType: 'WMS', 'OGC:WMS'). */
  serviceType?: string;
  /** A service record's operations (SV_OperationMetadata) and their connect points. */
  operations?: Array<{ name?: string; connectPoints: OnlineResource[] }>;
  /** Browse graphics (MD_BrowseGraphic): the file, its media type and description. */
  browseGraphics?: Array<{ href?: string; type?: string; title?: string }>;
}

/** The OGC protocol a service type names ('wms', 'OGC:WMS' → 'OGC:WMS'), or undefined. */
function serviceProtocolOf(serviceType: string | undefined): string | undefined {
  return serviceType && /^(?:OGC:)?(?:W[MCFP]T?S|CSW)$/i.test(serviceType) ? `OGC:${serviceType.replace(/^OGC:/i, '').toUpperCase()}` : undefined;
}

/**
 * A record's links and OWS Context offerings: online resources with an OGC service protocol
 * become offerings, the others links, then browse graphics icon links; links without duplicates.
 */
export function linksAndOfferingsOf(resources: RecordResources): { links: RecordLink[]; offerings: Offering[] } {
  // A service's operations carry its service type as their protocol when they name none.
  const serviceProtocol = serviceProtocolOf(resources.serviceType);
  const all: Array<{ resource: OnlineResource; operation?: string }> = [
    ...resources.distribution.map((resource) => ({ resource })),
    ...(resources.operations ?? []).flatMap((op) => op.connectPoints.map((point) => ({ resource: { ...point, protocol: point.protocol ?? serviceProtocol }, operation: op.name }))),
  ];
  const links: RecordLink[] = [];
  const offerings: Offering[] = [];
  for (const { resource, operation } of all) {
    const offering = offeringOfResource(resource, operation);
    if (offering) addOffering(offerings, offering);
    else links.push(linkOfResource(resource));
  }
  for (const { href, type, title } of resources.browseGraphics ?? []) {
    if (href) links.push({ href, rel: 'icon', ...(type ? { type } : {}), ...(title ? { title } : {}) });
  }
  return { links: uniqueLinks(links), offerings };
}

/** Links without duplicates (same href and relation), in first-seen order. */
function uniqueLinks(links: RecordLink[]): RecordLink[] {
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
/** A contact read from a record says something beyond its scope and role (a name, an address...). */
export function hasContactDetails(contact: Record<string, string>): boolean {
  return Object.keys(contact).some((k) => k !== 'scope' && k !== 'role');
}

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

/** Where an ISO encoding keeps the parts of an EX_Extent (relative to it, or to its elements). */
export interface ExtentPaths {
  boundingPolygons: string;
  /** The GML geometries of one EX_BoundingPolygon. */
  polygons: string;
  boxes: string;
  /** The decimal of one side of an EX_GeographicBoundingBox ('westBoundLongitude'...). */
  bound: (name: string) => string;
  extentTypeCode: string;
  /** The GML time objects of the extent's temporal elements. */
  times: string;
}

/**
 * The footprint of EX_Extents: their bounding polygons when there are any (the finer shape), else
 * their bounding boxes; elements whose extentTypeCode is false (excluded areas) are skipped.
 */
export function readFootprint(r: XmlReader, extents: XmlDomElement[], paths: ExtentPaths): GeoJSONGeometry | undefined {
  const excluded = (el: XmlDomElement) => ['0', 'false'].includes(r.value(el, paths.extentTypeCode) ?? '');
  const polygons: GeoJSONGeometry[] = [];
  const boxes: GeoJSONGeometry[] = [];
  for (const extent of extents) {
    for (const poly of r.all(extent, paths.boundingPolygons)) {
      if (!excluded(poly)) for (const g of r.all(poly, paths.polygons)) polygons.push(gmlGeometry(g, 'EX_BoundingPolygon'));
    }
    for (const box of r.all(extent, paths.boxes)) {
      if (excluded(box)) continue;
      const side = (name: string) => r.number(box, paths.bound(name), name);
      const [w, e, s, n] = [side('westBoundLongitude'), side('eastBoundLongitude'), side('southBoundLatitude'), side('northBoundLatitude')];
      // Templates leave the four decimals empty: no box rather than a bad one.
      if (w === undefined && e === undefined && s === undefined && n === undefined) continue;
      if (w === undefined || e === undefined || s === undefined || n === undefined) throw invalidRecord('EX_GeographicBoundingBox needs all four bounds', 'EX_GeographicBoundingBox');
      boxes.push(bboxGeometry(w, e, s, n));
    }
  }
  return combineGeometries(polygons.length ? polygons : boxes);
}

/** The earliest start and latest end of the extents' time periods and instants; an open end wins. */
export function readTemporalExtent(r: XmlReader, extents: XmlDomElement[], paths: ExtentPaths): { start?: string; end?: string; openEnd?: boolean } {
  let start: string | undefined;
  let end: string | undefined;
  let openEnd = false;
  for (const t of extents.flatMap((e) => r.all(e, paths.times))) {
    const period = gmlTime(r, t);
    if (period.start && (!start || period.start < start)) start = period.start;
    if (period.end && (!end || period.end > end)) end = period.end;
    if (period.openEnd) openEnd = true;
  }
  return openEnd && start ? { start, openEnd } : { start, end };
}

/** One MD_Keywords: its type code, its thesaurus title and its keywords. */
export interface KeywordGroup {
  type?: string;
  thesaurus?: string;
  values: string[];
}

/** The first keyword of a group typed `kind`, or of a thesaurus named after it (GCMD Platforms). */
export function keywordOfKind(groups: KeywordGroup[], kind: 'platform' | 'instrument'): string | undefined {
  const typed = groups.find((g) => g.type?.toLowerCase() === kind && g.values.length);
  const named = groups.find((g) => new RegExp(kind, 'i').test(g.thesaurus ?? '') && g.values.length);
  // GCMD keywords read "Earth Observation Satellites > Sentinel-2A": the last level names it.
  return (typed ?? named)?.values[0]?.split('>').pop()?.trim();
}

/**
 * EO properties as pycsw (and so the EOEPCA catalogue) writes them in ISO keywords, where ISO
 * has no element for them: "eo:orbitNumber:50", "eo:productType:S2MSI2A". Every EO field
 * (eo-fields.ts) but those ISO 19139 has an element for; cloud cover and processing level are
 * also read and written as pycsw does, besides their elements.
 */
const EO_KEYWORD = /^eo:([A-Za-z]+):(.+)$/;
const ISO_PLACED = new Set([
  'platform', 'instrument', 'resolution', 'creationDate', 'modificationDate', 'publicationDate', 'doi', 'productVersion',
  'illuminationElevationAngle', 'illuminationAzimuthAngle', 'minimumWavelength', 'maximumWavelength', 'topicCategory',
  'organisationName', 'organisationRole', 'lineage', 'useLimitation', 'accessConstraint', 'otherConstraint', 'classification',
  'hasSecurityConstraints', 'language', 'specification',
]);
const EO_KEYWORD_FIELDS: ReadonlyMap<string, EoFieldType> = new Map(EO_FIELDS.filter((f) => !ISO_PLACED.has(f.name)).map((f) => [f.name, f.type]));

/** A keyword's value as its field's type, or undefined when it is not one. */
function keywordValue(type: EoFieldType, text: string): string | number | boolean | undefined {
  const t = text.trim();
  if (type === 'number' || type === 'integer') {
    const n = t === '' ? NaN : Number(t);
    return Number.isFinite(n) && (type === 'number' || Number.isInteger(n)) ? n : undefined;
  }
  if (type === 'boolean') return /^true$/i.test(t) ? true : /^false$/i.test(t) ? false : undefined;
  if (type === 'timestamp') return Number.isFinite(Date.parse(t)) ? t : undefined;
  return t === '' ? undefined : t;
}

/**
 * Keywords without the "eo:name:value" ones, and the EO fields those give. A value that is not
 * what its field takes (a non-numeric orbit number) stays a plain keyword.
 */
export function eoKeywords(values: string[]): { keywords: string[]; fields: Record<string, string | number | boolean> } {
  const keywords: string[] = [];
  const fields: Record<string, string | number | boolean> = {};
  for (const value of values) {
    const m = EO_KEYWORD.exec(value);
    const type = m ? EO_KEYWORD_FIELDS.get(m[1]!) : undefined;
    const parsed = type ? keywordValue(type, m![2]!) : undefined;
    if (parsed === undefined) keywords.push(value);
    else if (fields[m![1]!] === undefined) fields[m![1]!] = parsed;
  }
  return { keywords, fields };
}

/** The "eo:name:value" keywords of a record's EO fields that ISO has no element for. */
export function eoKeywordsOf(record: Record<string, unknown>): string[] {
  return [...EO_KEYWORD_FIELDS.keys()].flatMap((name) => {
    const v = record[name];
    return (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' ? [`eo:${name}:${v}`] : [];
  });
}

/** A DOI as written (10.1234/abc, doi:10.1234/abc, https://doi.org/10.1234/abc). */
export function isDoi(text: string): boolean {
  return /^(?:doi:|https?:\/\/(?:dx\.)?doi\.org\/)?10\.\d{4,9}\/\S+$/i.test(text.trim());
}

/** Nanometres per unit of a length unit's name or URI (nm, um/µm, mm, m; UCUM URIs), undefined for another. */
export function nanometresPer(unit: string | undefined): number | undefined {
  if (unit === undefined) return undefined;
  const u = unit.trim().replace(/.*[#:/]/, '').toLowerCase();
  const factors: Record<string, number> = { nm: 1, nanometre: 1, nanometer: 1, nanometres: 1, nanometers: 1, um: 1000, 'µm': 1000, micrometre: 1000, micrometer: 1000, micron: 1000, mm: 1e6, m: 1e9, metre: 1e9, meter: 1e9 };
  return factors[u];
}

/** Resolution in metres from a distance and its unit (metres unless it names km, cm or mm). */
export function metres(value: number, uom: string | undefined): number | undefined {
  const u = (uom ?? 'm').toLowerCase().replace(/.*[#:/]/, '') || 'm';
  const factors: Record<string, number> = { m: 1, metre: 1, metres: 1, meter: 1, meters: 1, '9001': 1, km: 1000, kilometre: 1000, kilometer: 1000, '9036': 1000, cm: 0.01, mm: 0.001 };
  const factor = factors[u];
  return factor === undefined ? undefined : value * factor;
}

/** Drops undefined fields and empty lists, so records compare and store without noise. */
export function prune<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    if (key === 'properties' && typeof v === 'object') {
      const props = prune(v as Record<string, unknown>);
      if (Object.keys(props).length) out[key] = props;
      continue;
    }
    out[key] = v;
  }
  return out as T;
}
