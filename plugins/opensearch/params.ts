/**
 * The URL template parameters: their names in the URL, the qualified names of the specifications
 * they stand for (OpenSearch 1.1, Geo and Time OGC 10-032r8, EO OGC 13-026r9, Parameter
 * extension), and what each one means to the catalogue. description.ts writes them into the
 * templates, request.ts reads a request with them.
 */
import type { QueryableDescription } from '../catalogue/types.js';
import { SYNTAX_PATTERNS, type ValueSyntax } from './eo-values.js';

/** Collection search (the first step) or product search within a collection (the second). */
export type SearchLevel = 'collection' | 'product';

export interface ParameterProfile {
  href: string;
  title: string;
}

export interface TemplateParameter {
  /** The name in the URL: what a client sends (`bbox`). */
  name: string;
  /** The qualified name the template gives it (`geo:box`). */
  qname: string;
  title: string;
  levels: readonly SearchLevel[];
  /** EO parameters: the queryable the value filters, and its value syntax. */
  queryable?: string;
  syntax?: ValueSyntax;
  /** How the value filters (EO parameters): the queryable's value (default), a keyword, a covered range. */
  match?: EoMatch;
  /** match 'coverage': the queryables holding each record's least and greatest value. */
  coverage?: { min: string; max: string };
  /** Fixed choices (relations). */
  options?: readonly string[];
  minInclusive?: number;
  maxInclusive?: number;
  pattern?: string;
  /** Parameter-extension profile links (CEOS-BP-002B/C): WKT types, wildcards. */
  profiles?: readonly ParameterProfile[];
}

const BOTH: readonly SearchLevel[] = ['collection', 'product'];
const PRODUCT: readonly SearchLevel[] = ['product'];

/** ISO 8601 date or date-time, as OGC 10-032r8 writes time:start and time:end. */
const DATE_TIME_PATTERN = '\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})?)?';
const NUMBER_PATTERN = '[+-]?(\\d+(\\.\\d*)?|\\.\\d+)';
const BOX_PATTERN = `${NUMBER_PATTERN}(,${NUMBER_PATTERN}){3}`;

const WKT_PROFILES: ParameterProfile[] = ['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON'].map((t) => ({
  href: `http://www.opengis.net/wkt/${t}`,
  title: `This service accepts WKT ${t}`,
}));

const MASKED: ParameterProfile = { href: 'info:srw/cql-context-set/1/cql-v2.0#masked', title: 'Wildcards: * for any characters, ? for one (\\ escapes them)' };

export const GEO_RELATIONS = ['intersects', 'contains', 'disjoint'] as const;
export type GeoRelation = (typeof GEO_RELATIONS)[number];
export const TIME_RELATIONS = ['intersects', 'contains', 'during', 'disjoint', 'equals'] as const;
export type TimeRelation = (typeof TIME_RELATIONS)[number];

/** OpenSearch 1.1, Geo and Time: on every template (count's maximum is set per service). */
export const CORE_PARAMETERS: readonly TemplateParameter[] = [
  { name: 'searchTerms', qname: 'searchTerms', levels: BOTH, title: 'Free text: every whitespace-separated word must occur in the identifier, title, abstract or keywords' },
  { name: 'count', qname: 'count', levels: BOTH, title: 'Number of results per page', minInclusive: 0 },
  { name: 'startIndex', qname: 'startIndex', levels: BOTH, title: 'Index of the first result (1 is the first); takes precedence over startPage', minInclusive: 1 },
  { name: 'startPage', qname: 'startPage', levels: BOTH, title: 'Page of results (1 is the first)', minInclusive: 1 },
  { name: 'uid', qname: 'geo:uid', levels: BOTH, title: 'Identifier of a record' },
  { name: 'bbox', qname: 'geo:box', levels: BOTH, title: 'Bounding box west,south,east,north in degrees (EPSG:4326, longitude first); west > east crosses the antimeridian', pattern: BOX_PATTERN },
  { name: 'geometry', qname: 'geo:geometry', levels: BOTH, title: 'Geometry in WKT, longitude latitude order (EPSG:4326)', profiles: WKT_PROFILES },
  { name: 'lat', qname: 'geo:lat', levels: BOTH, title: 'Latitude of a point, in degrees (with lon; radius makes it a circle)', minInclusive: -90, maxInclusive: 90 },
  { name: 'lon', qname: 'geo:lon', levels: BOTH, title: 'Longitude of a point, in degrees (with lat)', minInclusive: -180, maxInclusive: 180 },
  { name: 'radius', qname: 'geo:radius', levels: BOTH, title: 'Radius around lat/lon, in metres', minInclusive: 0 },
  { name: 'relation', qname: 'geo:relation', levels: BOTH, title: 'Relation of the results to the search area: intersects (default), contains (the area contains the result), disjoint', options: GEO_RELATIONS },
  { name: 'start', qname: 'time:start', levels: BOTH, title: 'Start of the time range (ISO 8601)', pattern: DATE_TIME_PATTERN },
  { name: 'end', qname: 'time:end', levels: BOTH, title: 'End of the time range (ISO 8601); a date alone covers the whole day', pattern: DATE_TIME_PATTERN },
  { name: 'timeRelation', qname: 'time:relation', levels: BOTH, title: 'Relation of the results to the time range: intersects (default), contains, during, disjoint, equals', options: TIME_RELATIONS },
];

/** The sort parameter (SRU sortKeys: `field[,,1|0]`, space-separated); its options come from config. */
export const SORT_PARAMETER: TemplateParameter = {
  name: 'sortKeys',
  qname: 'sru:sortKeys',
  levels: BOTH,
  title: 'Sort keys, space-separated, each field,,1 (ascending, the default) or field,,0 (descending)',
};

/** How an EO parameter filters: its queryable's value (most), the keyword rows, or a range two queryables bound. */
export type EoMatch = 'value' | 'keyword' | 'coverage';

interface EoSpec {
  name: string;
  title: string;
  levels: readonly SearchLevel[];
  syntax: ValueSyntax;
  /** The catalogue queryable, when it differs from the name. */
  queryable?: string;
  /** 'coverage': the record covers a range from queryable `coverage.min` to `coverage.max` (eo:wavelengths). */
  match?: EoMatch;
  coverage?: { min: string; max: string };
  options?: readonly string[];
}

const COLLECTION: readonly SearchLevel[] = ['collection'];

/**
 * Every OGC 13-026r9 parameter, in its tables' order: table 3 (collection search; also offered
 * for products, which carry the same fields), table 4 (the INSPIRE collection parameters),
 * tables 5 and 6 (product search, acquisition parameters). Each names the catalogue queryable it
 * filters; one the engine lacks is left out of the templates (and ignored, as CEOS-BP-009B says).
 */
const EO_SPECS: readonly EoSpec[] = [
  // Table 3.
  { name: 'productType', title: 'Product type', levels: BOTH, syntax: 'text' },
  { name: 'doi', title: 'Digital Object Identifier of the resource', levels: BOTH, syntax: 'text' },
  { name: 'platform', title: 'Platform (satellite) short name', levels: BOTH, syntax: 'text' },
  { name: 'platformSerialIdentifier', title: 'Platform serial identifier', levels: BOTH, syntax: 'text' },
  { name: 'instrument', title: 'Instrument short name', levels: BOTH, syntax: 'text' },
  { name: 'sensorType', title: 'Sensor type (OPTICAL, RADAR, ALTIMETRIC, ATMOSPHERIC, LIMB)', levels: BOTH, syntax: 'text' },
  { name: 'compositeType', title: 'Period a composite product covers, as an ISO 8601 duration (P10D)', levels: BOTH, syntax: 'text' },
  { name: 'processingLevel', title: 'Processing level', levels: BOTH, syntax: 'text' },
  { name: 'orbitType', title: 'Platform orbit type (LEO, GEO)', levels: BOTH, syntax: 'text' },
  { name: 'spectralRange', title: 'Sensor spectral range (VISIBLE, NIR, SWIR, INFRARED, MICROWAVE...)', levels: BOTH, syntax: 'text' },
  {
    name: 'wavelengths',
    title: 'Wavelengths in nanometres the sensor observes: a value, a list or a range overlapping the sensor range',
    levels: BOTH,
    syntax: 'number',
    match: 'coverage',
    coverage: { min: 'minimumWavelength', max: 'maximumWavelength' },
  },
  { name: 'hasSecurityConstraints', title: 'Whether the resource has security constraints (TRUE, FALSE)', levels: BOTH, syntax: 'boolean', options: ['TRUE', 'FALSE'] },
  { name: 'dissemination', title: 'Dissemination method (EUMETCast, DataCentre...)', levels: BOTH, syntax: 'text' },
  // Table 4 (INSPIRE).
  { name: 'title', title: 'Title of the resource', levels: COLLECTION, syntax: 'text' },
  { name: 'topicCategory', title: 'Main ISO topic category of the resource', levels: COLLECTION, syntax: 'text' },
  { name: 'keyword', title: 'A keyword of the resource', levels: BOTH, syntax: 'text', queryable: 'keywords', match: 'keyword' },
  { name: 'abstract', title: 'Abstract of the resource', levels: COLLECTION, syntax: 'text' },
  { name: 'resolution', title: 'Spatial resolution in metres', levels: BOTH, syntax: 'number' },
  { name: 'organisationName', title: 'Organisation responsible for the resource', levels: BOTH, syntax: 'text' },
  { name: 'organisationRole', title: 'Role of that organisation (originator, distributor, pointOfContact...)', levels: BOTH, syntax: 'text' },
  { name: 'publicationDate', title: 'When the resource was published', levels: COLLECTION, syntax: 'time' },
  { name: 'lineage', title: 'Lineage of the resource', levels: COLLECTION, syntax: 'text' },
  { name: 'useLimitation', title: 'Limitation on the use of the resource', levels: COLLECTION, syntax: 'text' },
  { name: 'accessConstraint', title: 'Access constraint (license, copyright, otherRestrictions...)', levels: COLLECTION, syntax: 'text' },
  { name: 'otherConstraint', title: 'Other restrictions on accessing or using the resource', levels: COLLECTION, syntax: 'text' },
  { name: 'classification', title: 'Security classification (unclassified, restricted, confidential, secret, topSecret)', levels: COLLECTION, syntax: 'text' },
  { name: 'language', title: 'Language of the metadata', levels: COLLECTION, syntax: 'text' },
  { name: 'specification', title: 'Title of a specification the resource conforms to', levels: COLLECTION, syntax: 'text' },
  // Table 5.
  { name: 'parentIdentifier', title: 'Identifier of the collection the product belongs to', levels: PRODUCT, syntax: 'text' },
  { name: 'productionStatus', title: 'Production status (ARCHIVED, ACQUIRED, CANCELLED...)', levels: PRODUCT, syntax: 'text', queryable: 'status' },
  { name: 'acquisitionType', title: 'Acquisition type (NOMINAL, CALIBRATION, OTHER)', levels: PRODUCT, syntax: 'text' },
  { name: 'orbitNumber', title: 'Acquisition orbit number', levels: PRODUCT, syntax: 'integer' },
  { name: 'orbitDirection', title: 'Orbit direction (ASCENDING, DESCENDING)', levels: PRODUCT, syntax: 'text' },
  { name: 'track', title: 'Orbit track (path, relative orbit) of the acquisition', levels: PRODUCT, syntax: 'text' },
  { name: 'frame', title: 'Orbit frame (row) of the acquisition', levels: PRODUCT, syntax: 'text' },
  { name: 'swathIdentifier', title: 'Swath identifier (IW, EW, I1...)', levels: PRODUCT, syntax: 'text' },
  { name: 'cloudCover', title: 'Cloud cover percentage (0-100)', levels: PRODUCT, syntax: 'number' },
  { name: 'snowCover', title: 'Snow cover percentage (0-100)', levels: PRODUCT, syntax: 'number' },
  { name: 'lowestLocation', title: 'Bottom height of the data layer (metres)', levels: PRODUCT, syntax: 'number' },
  { name: 'highestLocation', title: 'Top height of the data layer (metres)', levels: PRODUCT, syntax: 'number' },
  { name: 'productVersion', title: 'Version of the product', levels: PRODUCT, syntax: 'text' },
  { name: 'productQualityStatus', title: 'Quality status (NOMINAL, DEGRADED)', levels: PRODUCT, syntax: 'text' },
  { name: 'productQualityDegradationTag', title: 'What degrades the product quality (RADIOMETRY, GEOLOCATION...)', levels: PRODUCT, syntax: 'text' },
  { name: 'processorName', title: 'Name of the processor software', levels: PRODUCT, syntax: 'text' },
  { name: 'processingCenter', title: 'Processing centre', levels: PRODUCT, syntax: 'text' },
  { name: 'creationDate', title: 'Creation date of the metadata', levels: BOTH, syntax: 'time' },
  { name: 'modificationDate', title: 'Modification date of the metadata', levels: BOTH, syntax: 'time' },
  { name: 'processingDate', title: 'When the product was processed', levels: PRODUCT, syntax: 'time' },
  { name: 'sensorMode', title: 'Sensor (operational) mode', levels: PRODUCT, syntax: 'text' },
  { name: 'archivingCenter', title: 'Archiving centre', levels: PRODUCT, syntax: 'text' },
  { name: 'processingMode', title: 'Processing mode (NRT, OFFLINE, REPROCESSING...)', levels: PRODUCT, syntax: 'text' },
  // Table 6.
  { name: 'availabilityTime', title: 'When the product became available', levels: PRODUCT, syntax: 'time' },
  { name: 'acquisitionStation', title: 'Station that received the acquisition', levels: PRODUCT, syntax: 'text' },
  { name: 'acquisitionSubType', title: 'Acquisition sub-type', levels: PRODUCT, syntax: 'text' },
  { name: 'startTimeFromAscendingNode', title: 'Start of the acquisition, in milliseconds from the ascending node', levels: PRODUCT, syntax: 'integer' },
  { name: 'completionTimeFromAscendingNode', title: 'End of the acquisition, in milliseconds from the ascending node', levels: PRODUCT, syntax: 'integer' },
  { name: 'illuminationAzimuthAngle', title: 'Mean solar azimuth angle, in degrees', levels: PRODUCT, syntax: 'number' },
  { name: 'illuminationZenithAngle', title: 'Mean solar zenith angle, in degrees', levels: PRODUCT, syntax: 'number' },
  { name: 'illuminationElevationAngle', title: 'Mean solar elevation angle, in degrees', levels: PRODUCT, syntax: 'number' },
  { name: 'polarisationMode', title: 'Polarisation mode (S, D, T, Q, UNDEFINED)', levels: PRODUCT, syntax: 'text' },
  { name: 'polarisationChannels', title: 'Polarisation channels (HH, HV, VH, VV...)', levels: PRODUCT, syntax: 'text' },
  { name: 'antennaLookDirection', title: 'Antenna look direction (LEFT, RIGHT)', levels: PRODUCT, syntax: 'text' },
  { name: 'minimumIncidenceAngle', title: 'Minimum incidence angle, in degrees', levels: PRODUCT, syntax: 'number' },
  { name: 'maximumIncidenceAngle', title: 'Maximum incidence angle, in degrees', levels: PRODUCT, syntax: 'number' },
  { name: 'dopplerFrequency', title: 'Doppler frequency of the acquisition, in hertz', levels: PRODUCT, syntax: 'number' },
  { name: 'incidenceAngleVariation', title: 'Incidence angle variation, in degrees', levels: PRODUCT, syntax: 'number' },
];

function eoParameter(spec: EoSpec, queryable: string): TemplateParameter {
  const textual = spec.syntax === 'text';
  return {
    name: spec.name,
    qname: `eo:${spec.name}`,
    title: spec.title,
    levels: spec.levels,
    queryable,
    syntax: spec.syntax,
    match: spec.match ?? 'value',
    coverage: spec.coverage,
    options: spec.options,
    pattern: textual ? undefined : SYNTAX_PATTERNS[spec.syntax as Exclude<ValueSyntax, 'text'>],
    profiles: textual ? [MASKED] : undefined,
  };
}

/** The EO parameters of a level whose queryables the engine has. */
export function eoParameters(level: SearchLevel, queryables: readonly QueryableDescription[]): TemplateParameter[] {
  const byName = new Map(queryables.map((q) => [q.name, q]));
  const out: TemplateParameter[] = [];
  for (const spec of EO_SPECS) {
    if (!spec.levels.includes(level)) continue;
    const names = spec.coverage ? [spec.coverage.min, spec.coverage.max] : [spec.queryable ?? spec.name];
    if (names.every((n) => byName.has(n) && byName.get(n)!.type !== 'geometry')) out.push(eoParameter(spec, names[0]!));
  }
  return out;
}

/** Every parameter of a level's templates, in template order. */
export function templateParameters(level: SearchLevel, queryables: readonly QueryableDescription[], sortable: boolean): TemplateParameter[] {
  return [...CORE_PARAMETERS.filter((p) => p.levels.includes(level)), ...eoParameters(level, queryables), ...(sortable ? [SORT_PARAMETER] : [])];
}
