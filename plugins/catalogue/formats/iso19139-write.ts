/**
 * A catalogue record as ISO 19139 gmd:MD_Metadata (ISO/TS 19139:2007, GML 3.2), in the element
 * sets of the CSW ISO Application Profile 1.0 (OGC 07-045): brief, summary and full. Every set
 * keeps the elements ISO 19115 makes mandatory, so each validates against gmd.xsd (srv.xsd for
 * service and application records, written with srv:SV_ServiceIdentification).
 */
import { writeGmlGeometry } from '../../../core/filter/index.js';
import { el, NS, SCHEMA_LOCATION, type XmlChild, type XmlElement } from '../../../core/ows/index.js';
import type { CatalogueRecord, RecordLink } from '../types.js';
import { eoKeywordsOf, resourceOfLink, resourceOfOffering, scopeOfRecordType, serviceOfOffering, xmlId, type OnlineResource } from './iso-common.js';
import type { EncodeOptions } from './types.js';

const CODELIST = 'http://standards.iso.org/iso/19139/resources/gmxCodelists.xml';
type ElementSet = 'brief' | 'summary' | 'full';
type Contact = Record<string, string | undefined>;

const cs = (name: string, value: string | undefined, nilReason = 'missing') =>
  value === undefined || value === '' ? el(name, { 'gco:nilReason': nilReason }) : el(name, null, el('gco:CharacterString', null, value));
const code = (name: string, list: string, value: string, prefix = 'gmd') =>
  el(name, null, el(`${prefix}:${list}`, { codeList: `${CODELIST}#${list}`, codeListValue: value }, value));
const dateTime = (name: string, value: string) => el(name, null, el('gco:DateTime', null, value));

function props(record: CatalogueRecord): Record<string, unknown> {
  return record.properties ?? {};
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : typeof value === 'string' && value ? [value] : [];
}

function stringProp(record: CatalogueRecord, key: string): string | undefined {
  const v = props(record)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function contacts(record: CatalogueRecord, scope: 'metadata' | 'resource'): Contact[] {
  const list = props(record).contacts;
  return Array.isArray(list) ? (list as Contact[]).filter((c) => c && typeof c === 'object' && (c.scope ?? 'resource') === scope) : [];
}

function responsibleParty(c: Contact): XmlElement {
  const address = c.email ? el('gmd:address', null, el('gmd:CI_Address', null, cs('gmd:electronicMailAddress', c.email))) : undefined;
  const phone = c.phone ? el('gmd:phone', null, el('gmd:CI_Telephone', null, cs('gmd:voice', c.phone))) : undefined;
  const online = c.url ? el('gmd:onlineResource', null, el('gmd:CI_OnlineResource', null, el('gmd:linkage', null, el('gmd:URL', null, c.url)))) : undefined;
  return el(
    'gmd:CI_ResponsibleParty',
    null,
    c.individualName && cs('gmd:individualName', c.individualName),
    c.organisationName && cs('gmd:organisationName', c.organisationName),
    c.positionName && cs('gmd:positionName', c.positionName),
    (phone || address || online) && el('gmd:contactInfo', null, el('gmd:CI_Contact', null, phone, address, online)),
    code('gmd:role', 'CI_RoleCode', c.role ?? 'pointOfContact'),
  );
}

/** The resource's points of contact: the record's, else its organisation in its role (when it has one). */
function resourceContacts(record: CatalogueRecord): Contact[] {
  const list = contacts(record, 'resource');
  if (list.length || !record.organisationName || !record.organisationRole) return list;
  return [{ organisationName: record.organisationName, role: record.organisationRole }];
}

/** gmd:contact is mandatory: the record's metadata contacts, its organisation, or a nil contact. */
function metadataContacts(record: CatalogueRecord): XmlElement[] {
  const list = contacts(record, 'metadata');
  if (list.length) return list.map((c) => el('gmd:contact', null, responsibleParty(c)));
  const org = record.organisationName ?? stringProp(record, 'organisationName');
  if (org) return [el('gmd:contact', null, responsibleParty({ organisationName: org, role: record.organisationRole ?? 'pointOfContact' }))];
  return [el('gmd:contact', { 'gco:nilReason': 'missing' })];
}

function onlineResource(r: OnlineResource): XmlElement {
  // gmd has no media type for a resource (gmx:MimeFileType would need gmx.xsd): the media type
  // goes in applicationProfile, which the reader takes back when it is one.
  return el(
    'gmd:CI_OnlineResource',
    null,
    el('gmd:linkage', null, el('gmd:URL', null, r.href)),
    r.protocol && cs('gmd:protocol', r.protocol),
    r.type && cs('gmd:applicationProfile', r.type),
    r.name && cs('gmd:name', r.name),
    r.description && cs('gmd:description', r.description),
    r.function && code('gmd:function', 'CI_OnLineFunctionCode', r.function),
  );
}

function keywords(values: string[], type?: string): XmlElement | undefined {
  if (!values.length) return undefined;
  return el('gmd:descriptiveKeywords', null, el('gmd:MD_Keywords', null, values.map((k) => cs('gmd:keyword', k)), type && code('gmd:type', 'MD_KeywordTypeCode', type)));
}

function citation(record: CatalogueRecord, set: ElementSet): XmlElement {
  const dated: Array<[string, string | undefined]> = [
    ['creation', record.creationDate],
    ['revision', record.modificationDate ?? stringProp(record, 'revisionDate')],
    ['publication', stringProp(record, 'publicationDate')],
  ];
  const dates = dated.filter((d): d is [string, string] => d[1] !== undefined);
  return el(
    'gmd:citation',
    null,
    el(
      'gmd:CI_Citation',
      null,
      cs('gmd:title', record.title),
      set === 'full' && stringList(props(record).alternateTitle).map((t) => cs('gmd:alternateTitle', t)),
      dates.length
        ? dates.map(([type, value]) => el('gmd:date', null, el('gmd:CI_Date', null, dateTime('gmd:date', value), code('gmd:dateType', 'CI_DateTypeCode', type))))
        : el('gmd:date', { 'gco:nilReason': 'unknown' }),
      set !== 'brief' && record.productVersion && cs('gmd:edition', record.productVersion),
      set !== 'brief' && el('gmd:identifier', null, el('gmd:MD_Identifier', null, cs('gmd:code', record.identifier))),
      // A DOI is the resource's identifier in the doi.org code space.
      set !== 'brief' && record.doi && el('gmd:identifier', null, el('gmd:RS_Identifier', null, cs('gmd:code', record.doi), cs('gmd:codeSpace', 'doi.org'))),
    ),
  );
}

function extent(record: CatalogueRecord, set: ElementSet, name: string): XmlElement | undefined {
  const b = record.bbox;
  const decimal = (n: string, v: number) => el(`gmd:${n}`, null, el('gco:Decimal', null, v));
  const box = b && el('gmd:geographicElement', null, el('gmd:EX_GeographicBoundingBox', null, decimal('westBoundLongitude', b[0]), decimal('eastBoundLongitude', b[2]), decimal('southBoundLatitude', b[1]), decimal('northBoundLatitude', b[3])));
  const g = record.geometry;
  const polygon = set === 'full' && g && (g.type === 'Polygon' || g.type === 'MultiPolygon') &&
    el('gmd:geographicElement', null, el('gmd:EX_BoundingPolygon', null, el('gmd:polygon', null, writeGmlGeometry(g, { id: xmlId('footprint', record.identifier) }))));
  const time = set !== 'brief' && record.start !== undefined &&
    el('gmd:temporalElement', null, el('gmd:EX_TemporalExtent', null, el('gmd:extent', null,
      el('gml:TimePeriod', { 'gml:id': xmlId('extent', record.identifier) }, el('gml:beginPosition', null, record.start),
        record.openEnd ? el('gml:endPosition', { indeterminatePosition: 'now' }) : el('gml:endPosition', null, record.end ?? record.start)))));
  if (!box && !polygon && !time) return undefined;
  return el(name, null, el('gmd:EX_Extent', null, box, polygon, time));
}

function browseGraphics(links: RecordLink[]): XmlElement[] {
  return links
    .filter((l) => l.rel === 'icon')
    .map((l) => el('gmd:graphicOverview', null, el('gmd:MD_BrowseGraphic', null, cs('gmd:fileName', l.href), l.title && cs('gmd:fileDescription', l.title), l.type && cs('gmd:fileType', l.type))));
}

/**
 * Keywords (summary and full): the record's, its platform and instrument as typed keywords, and
 * the EO fields ISO has no element for as pycsw's "eo:name:value" keywords.
 */
function allKeywords(record: CatalogueRecord): XmlChild[] {
  return [
    keywords(record.keywords ?? []),
    keywords(record.platform ? [record.platform] : [], 'platform'),
    keywords(record.instrument ? [record.instrument] : [], 'instrument'),
    keywords(eoKeywordsOf(record as unknown as Record<string, unknown>), 'theme'),
  ];
}

/**
 * Resource constraints: legal ones (use limitation, access constraint code, other constraint, and
 * the rights the record was read with that these do not already say, as further use limitations),
 * then security ones (classification) when the record has them.
 */
function constraints(record: CatalogueRecord): XmlElement[] {
  const said = [record.useLimitation, record.accessConstraint, record.otherConstraint];
  const limitations = [...stringList(record.useLimitation), ...stringList(props(record).rights).filter((r) => !said.includes(r))];
  const out: XmlElement[] = [];
  if (limitations.length || record.accessConstraint || record.otherConstraint) {
    out.push(
      el('gmd:resourceConstraints', null, el('gmd:MD_LegalConstraints', null,
        limitations.map((r) => cs('gmd:useLimitation', r)),
        record.accessConstraint && code('gmd:accessConstraints', 'MD_RestrictionCode', record.accessConstraint),
        record.otherConstraint && cs('gmd:otherConstraints', record.otherConstraint))),
    );
  }
  if (record.classification || record.hasSecurityConstraints === true) {
    out.push(
      el('gmd:resourceConstraints', null, el('gmd:MD_SecurityConstraints', null,
        record.classification ? code('gmd:classification', 'MD_ClassificationCode', record.classification) : el('gmd:classification', { 'gco:nilReason': 'unknown' }))),
    );
  }
  return out;
}

function language(record: CatalogueRecord): XmlElement {
  return cs('gmd:language', stringProp(record, 'resourceLanguage') ?? stringProp(record, 'language'), 'unknown');
}

/**
 * What both kinds of identification begin with: the elements of AbstractMD_Identification they
 * extend, in schema order.
 */
function identificationElements(record: CatalogueRecord, set: ElementSet, links: RecordLink[]): XmlChild[] {
  const rich = set !== 'brief';
  return [
    citation(record, set),
    cs('gmd:abstract', record.abstract),
    rich && resourceContacts(record).map((c) => el('gmd:pointOfContact', null, responsibleParty(c))),
    browseGraphics(links),
    rich && allKeywords(record),
    set === 'full' && constraints(record),
  ];
}

function dataIdentification(record: CatalogueRecord, set: ElementSet, links: RecordLink[]): XmlElement {
  const rich = set !== 'brief';
  return el(
    'gmd:MD_DataIdentification',
    null,
    identificationElements(record, set, links),
    rich && record.resolution !== undefined && el('gmd:spatialResolution', null, el('gmd:MD_Resolution', null, el('gmd:distance', null, el('gco:Distance', { uom: 'm' }, record.resolution)))),
    language(record),
    rich && stringList(props(record).topicCategories).map((t) => el('gmd:topicCategory', null, el('gmd:MD_TopicCategoryCode', null, t))),
    extent(record, set, 'gmd:extent'),
  );
}

/** The service type written for a service or application record. */
function serviceType(record: CatalogueRecord): string {
  const given = stringProp(record, 'serviceType');
  if (given) return given;
  const service = record.offerings?.map(serviceOfOffering).find((s) => s !== undefined);
  if (service) return `OGC:${service.toUpperCase()}`;
  return record.type === 'application' ? 'application' : 'other';
}

function serviceIdentification(record: CatalogueRecord, set: ElementSet, links: RecordLink[]): XmlElement {
  const operations = (record.offerings ?? []).flatMap((o) => {
    const service = serviceOfOffering(o);
    return (o.operations ?? []).map((op) =>
      el(
        'srv:containsOperations',
        null,
        el('srv:SV_OperationMetadata', null, cs('srv:operationName', op.code), code('srv:DCP', 'DCPList', 'WebServices', 'srv'),
          el('srv:connectPoint', null, onlineResource({ href: op.href, protocol: service ? `OGC:${service.toUpperCase()}` : undefined, type: op.type }))),
      ),
    );
  });
  return el(
    'srv:SV_ServiceIdentification',
    null,
    identificationElements(record, set, links),
    el('srv:serviceType', null, el('gco:LocalName', null, serviceType(record))),
    stringList(props(record).serviceTypeVersion).map((v) => cs('srv:serviceTypeVersion', v)),
    extent(record, set, 'srv:extent'),
    code('srv:couplingType', 'SV_CouplingType', stringProp(record, 'couplingType') ?? 'loose', 'srv'),
    operations.length ? operations : el('srv:containsOperations', { 'gco:nilReason': 'missing' }),
    set === 'full' && stringList(props(record).operatesOn).map((id) => el('srv:operatesOn', { uuidref: id })),
  );
}

const UCUM_NANOMETRE = 'http://www.opengis.net/def/uom/UCUM/0/nm';

/** MD_ImageDescription: the wavelengths as one band, sun angles, cloud cover, processing level. */
function imageDescription(record: CatalogueRecord): XmlElement | undefined {
  const { minimumWavelength: min, maximumWavelength: max, illuminationElevationAngle: elevation, illuminationAzimuthAngle: azimuth } = record;
  if (record.cloudCover === undefined && record.processingLevel === undefined && min === undefined && max === undefined && elevation === undefined && azimuth === undefined) return undefined;
  const real = (name: string, v: number) => el(name, null, el('gco:Real', null, v));
  return el(
    'gmd:contentInfo',
    null,
    el(
      'gmd:MD_ImageDescription',
      null,
      el('gmd:attributeDescription', null, el('gco:RecordType', null, 'image')),
      code('gmd:contentType', 'MD_CoverageContentTypeCode', 'image'),
      (min !== undefined || max !== undefined) &&
        el('gmd:dimension', null, el('gmd:MD_Band', null, max !== undefined && real('gmd:maxValue', max), min !== undefined && real('gmd:minValue', min), el('gmd:units', { 'xlink:href': UCUM_NANOMETRE }))),
      elevation !== undefined && real('gmd:illuminationElevationAngle', elevation),
      azimuth !== undefined && real('gmd:illuminationAzimuthAngle', azimuth),
      record.cloudCover !== undefined && real('gmd:cloudCoverPercentage', record.cloudCover),
      record.processingLevel !== undefined && el('gmd:processingLevelCode', null, el('gmd:MD_Identifier', null, cs('gmd:code', record.processingLevel))),
    ),
  );
}

function distribution(record: CatalogueRecord, links: RecordLink[], options: EncodeOptions, isService: boolean): XmlElement | undefined {
  const resources: OnlineResource[] = [
    ...links.filter((l) => l.rel !== 'icon').map(resourceOfLink),
    // A service's offerings are its operations; a dataset's are where it is served.
    ...(isService ? [] : (record.offerings ?? []).map(resourceOfOffering).filter((r): r is OnlineResource => r !== undefined)),
    ...(options.selfUrl ? [{ href: options.selfUrl, protocol: 'WWW:LINK-1.0-http--link', description: 'This metadata record', function: 'completeMetadata' }] : []),
  ];
  const formats = stringList(props(record).formats);
  if (!resources.length && !formats.length) return undefined;
  return el(
    'gmd:distributionInfo',
    null,
    el(
      'gmd:MD_Distribution',
      null,
      formats.map((f) => el('gmd:distributionFormat', null, el('gmd:MD_Format', null, cs('gmd:name', f), cs('gmd:version', undefined, 'unknown')))),
      resources.length > 0 && el('gmd:transferOptions', null, el('gmd:MD_DigitalTransferOptions', null, resources.map((r) => el('gmd:onLine', null, onlineResource(r))))),
    ),
  );
}

/** Data quality: conformance to the specification the record names, and the lineage statement. */
function dataQuality(record: CatalogueRecord): XmlElement | undefined {
  const statement = stringProp(record, 'lineage');
  const specification = record.specification;
  if (!statement && !specification) return undefined;
  // DQ_ConformanceResult requires an explanation and a verdict the record does not keep: nil.
  const report = specification && el('gmd:report', null, el('gmd:DQ_DomainConsistency', null, el('gmd:result', null, el('gmd:DQ_ConformanceResult', null,
    el('gmd:specification', null, el('gmd:CI_Citation', null, cs('gmd:title', specification), el('gmd:date', { 'gco:nilReason': 'unknown' }))),
    el('gmd:explanation', { 'gco:nilReason': 'missing' }),
    el('gmd:pass', { 'gco:nilReason': 'unknown' })))));
  return el('gmd:dataQualityInfo', null, el('gmd:DQ_DataQuality', null,
    el('gmd:scope', null, el('gmd:DQ_Scope', null, code('gmd:level', 'MD_ScopeCode', scopeOfRecordType(record.type)))),
    report,
    statement && el('gmd:lineage', null, el('gmd:LI_Lineage', null, cs('gmd:statement', statement)))));
}

/** The record as gmd:MD_Metadata in the requested element set (full by default). */
export function writeIso19139(record: CatalogueRecord, options: EncodeOptions = {}): XmlElement {
  const set: ElementSet = options.elementSet ?? 'full';
  const rich = set !== 'brief';
  const isService = record.type === 'service' || record.type === 'application';
  const links = [...(record.links ?? []), ...(options.links ?? [])];
  const crs = stringList(props(record).crs);
  return el(
    'gmd:MD_Metadata',
    {
      'xmlns:gmd': NS.gmd,
      'xmlns:gco': NS.gco,
      'xmlns:gmx': NS.gmx,
      'xmlns:gml': NS.gml32,
      'xmlns:xlink': NS.xlink,
      'xmlns:srv': isService ? NS.srv : undefined,
      'xmlns:xsi': NS.xsi,
      'xsi:schemaLocation': isService ? `${NS.srv} ${SCHEMA_LOCATION.srv}` : `${NS.gmd} ${SCHEMA_LOCATION.gmd}`,
    },
    cs('gmd:fileIdentifier', record.identifier),
    rich && stringProp(record, 'language') && cs('gmd:language', stringProp(record, 'language')),
    rich && code('gmd:characterSet', 'MD_CharacterSetCode', 'utf8'),
    rich && record.parentIdentifier && cs('gmd:parentIdentifier', record.parentIdentifier),
    code('gmd:hierarchyLevel', 'MD_ScopeCode', scopeOfRecordType(record.type)),
    metadataContacts(record),
    dateTime('gmd:dateStamp', record.updated),
    rich && cs('gmd:metadataStandardName', 'ISO 19115:2003/19139'),
    rich && cs('gmd:metadataStandardVersion', '1.0'),
    rich && (crs.length ? crs : record.geometry ? ['EPSG:4326'] : []).map((c) =>
      el('gmd:referenceSystemInfo', null, el('gmd:MD_ReferenceSystem', null, el('gmd:referenceSystemIdentifier', null, el('gmd:RS_Identifier', null, cs('gmd:code', c)))))),
    el('gmd:identificationInfo', null, isService ? serviceIdentification(record, set, links) : dataIdentification(record, set, links)),
    set === 'full' && imageDescription(record),
    rich && distribution(record, links, options, isService),
    rich && dataQuality(record),
  );
}
