import { OwsException } from '../exceptions.js';
import { authorityNorthFirst } from './axis-order.js';
import { epsgIndexCodes, epsgRecord, isEsriCode, type EpsgRecord } from './epsg-source.js';
import { crsUri, crsUrn, parseCrsIdentifier, shortCrsId, type CrsAuthority, type CrsIdentifierForm } from './identifiers.js';

export type CrsKind = 'geographic' | 'geographic-3d' | 'projected' | 'geocentric' | 'vertical' | 'compound' | 'engineering' | 'derived';

export interface CrsDefinition {
  /** Canonical short identifier: 'EPSG:4326', 'OGC:CRS84', 'ESRI:102100'. */
  id: string;
  authority: CrsAuthority;
  code: string;
  name: string;
  kind: CrsKind;
  /** proj4 definition; undefined when the CRS has no horizontal proj4 form (it cannot be transformed). */
  proj4?: string;
  /**
   * True when the authority axis order is northing/latitude first (EPSG:4326, 4258, 31466, 3035),
   * false when it is easting/longitude first like proj4 (CRS:84, 3857, UTM zones).
   */
  northFirst: boolean;
  /** 'degree', 'metre', 'US survey foot'... */
  unit?: string;
  /** Area of use in degrees (CRS84 order), when the index knows it. */
  areaOfUse?: { west: number; south: number; east: number; north: number };
  /** The http URI and URN spellings, for capabilities documents. */
  uri: string;
  urn: string;
}

/** A definition found from an identifier, with the form the client used (it can change axis order). */
export interface CrsReference {
  crs: CrsDefinition;
  form: CrsIdentifierForm;
  input: string;
}

const KINDS: Record<string, CrsKind> = {
  'CRS-GEOGCRS': 'geographic',
  'CRS-GEOG3DCRS': 'geographic-3d',
  'CRS-PROJCRS': 'projected',
  'CRS-GCENCRS': 'geocentric',
  'CRS-VERTCRS': 'vertical',
  'CRS-COMPOUNDCRS': 'compound',
  'CRS-ENGCRS': 'engineering',
  'CRS-DRVDCRS': 'derived',
};

function ogcDefinition(code: string, name: string, proj4: string, kind: CrsKind = 'geographic'): CrsDefinition {
  return {
    id: shortCrsId('OGC', code), authority: 'OGC', code, name, kind, proj4, northFirst: false, unit: 'degree',
    areaOfUse: { west: -180, south: -90, east: 180, north: 90 }, uri: crsUri('OGC', code), urn: crsUrn('OGC', code),
  };
}

/** The OGC CRSs: longitude/latitude versions of WGS 84, NAD83 and NAD27 (WMS 1.3.0 annex B). */
const OGC_CRS: Record<string, CrsDefinition> = {
  CRS84: ogcDefinition('CRS84', 'WGS 84 longitude-latitude', '+proj=longlat +datum=WGS84 +no_defs'),
  CRS84h: ogcDefinition('CRS84h', 'WGS 84 longitude-latitude-height', '+proj=longlat +datum=WGS84 +no_defs', 'geographic-3d'),
  CRS83: ogcDefinition('CRS83', 'NAD83 longitude-latitude', '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs'),
  CRS27: ogcDefinition('CRS27', 'NAD27 longitude-latitude', '+proj=longlat +ellps=clrk66 +towgs84=-8,160,176,0,0,0,0 +no_defs'),
};

const definitions = new Map<string, CrsDefinition | null>();

function fromRecord(authority: CrsAuthority, record: EpsgRecord): CrsDefinition {
  const [north, west, south, east] = record.bbox;
  const known = !(north === 0 && west === 0 && south === 0 && east === 0);
  return {
    id: shortCrsId(authority, record.code),
    authority,
    code: record.code,
    name: record.name,
    kind: KINDS[record.kind] ?? 'derived',
    // Vertical CRSs come as '+vunits=m +no_defs': nothing proj4 can transform horizontally.
    proj4: record.proj4 && /\+proj=/.test(record.proj4) ? record.proj4.replace(/\s*\+type=crs\b/, '') : undefined,
    // ESRI definitions are all easting/longitude first.
    northFirst: authority === 'ESRI' ? false : authorityNorthFirst(record),
    unit: record.unit ? record.unit.replace(/\s*\(supplier to define representation\)/, '') : undefined,
    areaOfUse: known ? { west, south, east, north } : undefined,
    uri: crsUri(authority, record.code),
    urn: crsUrn(authority, record.code),
  };
}

function definitionFor(authority: CrsAuthority, code: string): CrsDefinition | undefined {
  if (authority === 'OGC') return OGC_CRS[code];
  const key = `${authority}:${code}`;
  const cached = definitions.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const record = epsgRecord(code);
  // EPSG:102100 is accepted too, since clients send ESRI codes under EPSG; ESRI:4326 is not.
  const valid = record && (authority === 'EPSG' || isEsriCode(code));
  const definition = valid ? fromRecord(isEsriCode(code) ? 'ESRI' : 'EPSG', record) : undefined;
  definitions.set(key, definition ?? null);
  return definition;
}

/** The reference an identifier names, or undefined for an unknown or malformed identifier. */
export function lookupCrs(identifier: string): CrsReference | undefined {
  const parsed = parseCrsIdentifier(identifier);
  if (!parsed) return undefined;
  const crs = definitionFor(parsed.authority, parsed.code);
  return crs ? { crs, form: parsed.form, input: identifier } : undefined;
}

export interface RequireCrsOptions {
  /** locator of the exception; 'crs' by default (WMS 1.3 uses 'CRS', 1.1.1 'SRS'). */
  locator?: string;
  /** exceptionCode; 'InvalidParameterValue' by default (WMS uses 'InvalidCRS'). */
  code?: string;
  /** Also require a proj4 definition, for CRSs that will be transformed. */
  transformable?: boolean;
  /** Only these CRSs (short ids like 'EPSG:4326') are accepted, as advertised in capabilities. */
  allowed?: ReadonlySet<string> | readonly string[];
}

/** Like lookupCrs, but an unknown, unsupported or not allowed CRS is an OwsException. */
export function requireCrs(identifier: string, options: RequireCrsOptions = {}): CrsReference {
  const fail = (message: string) => new OwsException(options.code ?? 'InvalidParameterValue', message, { locator: options.locator ?? 'crs' });
  const ref = lookupCrs(identifier);
  if (!ref) throw fail(`Unknown CRS '${identifier}'`);
  if (options.transformable && !ref.crs.proj4) throw fail(`CRS '${identifier}' (${ref.crs.name}) has no transformation available`);
  if (options.allowed) {
    const allowed = options.allowed instanceof Set ? options.allowed : new Set(options.allowed as readonly string[]);
    if (!allowed.has(ref.crs.id)) throw fail(`CRS '${identifier}' is not supported here`);
  }
  return ref;
}

/** The definition behind an identifier or a definition (for APIs that accept both). */
export function resolveCrs(crs: string | CrsDefinition | CrsReference): CrsDefinition {
  if (typeof crs !== 'string') return 'crs' in crs ? crs.crs : crs;
  return requireCrs(crs).crs;
}

/** Every identifier the registry knows: the OGC CRSs, then EPSG and ESRI codes ascending. */
export function knownCrsIds(): string[] {
  return [...Object.values(OGC_CRS).map((d) => d.id), ...epsgIndexCodes().map((c) => shortCrsId(isEsriCode(String(c)) ? 'ESRI' : 'EPSG', String(c)))];
}
