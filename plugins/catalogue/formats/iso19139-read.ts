/**
 * ISO 19139 (gmd:MD_Metadata, and gmi:MI_Metadata of ISO 19115-2) into a catalogue record: the
 * fields the engine indexes, links and offerings from the distribution, contacts and the rest in
 * `properties`. Read as harvested documents are written: default or prefixed namespaces, GML 3.2
 * or the older GML namespace, gmx:Anchor for text, rings left open, empty elements.
 */
import { NS, type XmlDomElement } from '../../../core/ows/index.js';
import type { CatalogueRecordInput } from '../types.js';
import {
  eoKeywords,
  keywordOfKind,
  linksAndOfferingsOf,
  metres,
  prune,
  readFootprint,
  readTemporalExtent,
  recordTypeOfScopes,
  unique,
  type ExtentPaths,
  type KeywordGroup,
  type OnlineResource,
  hasContactDetails,
  isDoi,
  nanometresPer,
} from './iso-common.js';
import type { DecodeOptions } from './types.js';
import { attribute, invalidRecord, lenientInstant, XmlReader } from './xml-read.js';

export const ISO19139_NS = {
  gmd: NS.gmd,
  gco: NS.gco,
  gmx: NS.gmx,
  gmi: NS.gmi,
  srv: NS.srv,
  gml: NS.gml32,
  gml31: NS.gml,
  xlink: NS.xlink,
} as const;

const r = new XmlReader(ISO19139_NS);

/** Text of a gco:CharacterString property, or of its gmx:Anchor, LocalName, MimeFileType or PT_FreeText. */
function strings(ctx: XmlDomElement, path: string): string[] {
  const p = path;
  return r.values(ctx, `${p}/gco:CharacterString | ${p}/gmx:Anchor | ${p}/gco:LocalName | ${p}/gco:ScopedName | ${p}/gmx:MimeFileType | ${p}/gmd:PT_FreeText/gmd:textGroup/gmd:LocalisedCharacterString`);
}

function string(ctx: XmlDomElement, path: string): string | undefined {
  return strings(ctx, path)[0];
}

/** A citation or metadata date; one that is no date (GeoNetwork templates, typos) is left out. */
function dateOf(ctx: XmlDomElement, path: string, locator: string): string | undefined {
  return lenientInstant(r.value(ctx, `${path}/gco:DateTime | ${path}/gco:Date`), locator);
}

/** CI_Citation dates by type (creation, revision, publication...). */
function citationDates(citation: XmlDomElement | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!citation) return out;
  for (const d of r.all(citation, 'gmd:date/gmd:CI_Date')) {
    const type = r.codes(d, 'gmd:dateType/gmd:CI_DateTypeCode')[0];
    const value = dateOf(d, 'gmd:date', 'gmd:CI_Date');
    if (type && value && out[type] === undefined) out[type] = value;
  }
  return out;
}

function keywordGroups(ident: XmlDomElement): KeywordGroup[] {
  return r.all(ident, 'gmd:descriptiveKeywords/gmd:MD_Keywords | srv:keywords/gmd:MD_Keywords').map((k) => ({
    type: r.codes(k, 'gmd:type/gmd:MD_KeywordTypeCode')[0],
    thesaurus: string(k, 'gmd:thesaurusName/gmd:CI_Citation/gmd:title'),
    values: strings(k, 'gmd:keyword'),
  }));
}

const MEDIA_TYPE = /^[a-z]+\/[\w.+-]+(?:\s*;.*)?$/i;

function onlineResource(el: XmlDomElement): OnlineResource | undefined {
  const href = r.value(el, 'gmd:linkage/gmd:URL');
  if (!href) return undefined;
  const mime = r.first(el, 'gmd:name/gmx:MimeFileType');
  const profile = string(el, 'gmd:applicationProfile');
  return {
    href,
    protocol: string(el, 'gmd:protocol'),
    name: string(el, 'gmd:name'),
    description: string(el, 'gmd:description'),
    function: r.codes(el, 'gmd:function/gmd:CI_OnLineFunctionCode')[0],
    type: (mime ? attribute(mime, 'type') : undefined) ?? (profile && MEDIA_TYPE.test(profile) ? profile : undefined),
  };
}

/** The online resources at `path` that have a linkage. */
function onlineResources(ctx: XmlDomElement, path: string): OnlineResource[] {
  return r.all(ctx, path).flatMap((el) => onlineResource(el) ?? []);
}

function responsibleParties(ctx: XmlDomElement, path: string, scope: 'metadata' | 'resource'): Array<Record<string, string>> {
  return r.all(ctx, `${path}/gmd:CI_ResponsibleParty`).map((p) => {
    const contact: Record<string, string | undefined> = {
      scope,
      role: r.codes(p, 'gmd:role/gmd:CI_RoleCode')[0],
      organisationName: string(p, 'gmd:organisationName'),
      individualName: string(p, 'gmd:individualName'),
      positionName: string(p, 'gmd:positionName'),
      email: string(p, 'gmd:contactInfo/gmd:CI_Contact/gmd:address/gmd:CI_Address/gmd:electronicMailAddress'),
      phone: string(p, 'gmd:contactInfo/gmd:CI_Contact/gmd:phone/gmd:CI_Telephone/gmd:voice'),
      url: r.value(p, 'gmd:contactInfo/gmd:CI_Contact/gmd:onlineResource/gmd:CI_OnlineResource/gmd:linkage/gmd:URL'),
    };
    return Object.fromEntries(Object.entries(contact).filter(([, v]) => v !== undefined)) as Record<string, string>;
  }).filter(hasContactDetails);
}

/** A citation identifier that is a DOI: its code space says so (doi.org, DOI), or its code is one (10.xxxx/..., doi:, https://doi.org/). */
function doiOf(citation: XmlDomElement | undefined): string | undefined {
  if (!citation) return undefined;
  for (const id of r.all(citation, 'gmd:identifier/*')) {
    const code = string(id, 'gmd:code');
    if (code === undefined) continue;
    if (/doi/i.test(string(id, 'gmd:codeSpace') ?? '') || isDoi(code)) return code;
  }
  return undefined;
}

/**
 * Resource constraints: the first use limitation, access constraint code and other constraint
 * (all of them stay in `rights`), and the security ones: their presence and classification.
 */
function constraintsOf(ident: XmlDomElement): Record<string, string | boolean | undefined> {
  const security = r.first(ident, 'gmd:resourceConstraints/gmd:MD_SecurityConstraints');
  return {
    useLimitation: strings(ident, 'gmd:resourceConstraints/*/gmd:useLimitation')[0],
    accessConstraint: r.codes(ident, 'gmd:resourceConstraints/gmd:MD_LegalConstraints/gmd:accessConstraints/gmd:MD_RestrictionCode')[0],
    otherConstraint: strings(ident, 'gmd:resourceConstraints/gmd:MD_LegalConstraints/gmd:otherConstraints')[0],
    hasSecurityConstraints: security ? true : undefined,
    classification: security ? r.codes(security, 'gmd:classification/gmd:MD_ClassificationCode')[0] : undefined,
  };
}

/** Sun angles, and the wavelengths of the bands in nanometres (MD_Band min/maxValue in their units). */
function imageFieldsOf(image: XmlDomElement): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {
    illuminationElevationAngle: r.number(image, 'gmd:illuminationElevationAngle/gco:Real', 'gmd:illuminationElevationAngle'),
    illuminationAzimuthAngle: r.number(image, 'gmd:illuminationAzimuthAngle/gco:Real', 'gmd:illuminationAzimuthAngle'),
  };
  const lows: number[] = [];
  const highs: number[] = [];
  for (const band of r.all(image, 'gmd:dimension/gmd:MD_Band | gmd:dimension/gmi:MI_Band')) {
    const units = r.first(band, 'gmd:units');
    const unit = units ? (attribute(units, 'href') ?? r.value(units, '*/gml:identifier | */gml31:name | */gml:name')) : undefined;
    const factor = nanometresPer(unit);
    if (factor === undefined) continue;
    const min = r.number(band, 'gmd:minValue/gco:Real', 'gmd:minValue');
    const max = r.number(band, 'gmd:maxValue/gco:Real', 'gmd:maxValue');
    if (min !== undefined) lows.push(min * factor);
    if (max !== undefined) highs.push(max * factor);
  }
  if (lows.length > 0) out.minimumWavelength = Math.min(...lows);
  if (highs.length > 0) out.maximumWavelength = Math.max(...highs);
  return out;
}

const EXTENT_PATHS: ExtentPaths = {
  boundingPolygons: 'gmd:geographicElement/gmd:EX_BoundingPolygon',
  polygons: 'gmd:polygon/*',
  boxes: 'gmd:geographicElement/gmd:EX_GeographicBoundingBox',
  bound: (name) => `gmd:${name}/gco:Decimal`,
  extentTypeCode: 'gmd:extentTypeCode/gco:Boolean',
  times: 'gmd:temporalElement/*/gmd:extent/*',
};

/** Decodes the root gmd:MD_Metadata / gmi:MI_Metadata element of a document. */
export function readIso19139(root: XmlDomElement, text: string, options: DecodeOptions): CatalogueRecordInput {
  const identifier = string(root, 'gmd:fileIdentifier');
  if (!identifier) throw invalidRecord('ISO 19139 record has no gmd:fileIdentifier', 'gmd:fileIdentifier');
  const ident = r.first(root, 'gmd:identificationInfo[1]/*');
  if (!ident) throw invalidRecord(`ISO 19139 record '${identifier}' has no gmd:identificationInfo`, 'gmd:identificationInfo');
  const isService = ident.name() === 'SV_ServiceIdentification';
  const citation = r.first(ident, 'gmd:citation/gmd:CI_Citation');
  const dates = citationDates(citation);
  const groups = keywordGroups(ident);
  const extents = r.all(ident, 'gmd:extent/gmd:EX_Extent | srv:extent/gmd:EX_Extent');

  const acquisition = 'gmi:acquisitionInformation/gmi:MI_AcquisitionInformation';
  // An identifier is an MD_Identifier; pycsw writes its code as the element's own text.
  const identifierOf = (path: string) => string(root, `${path}/gmi:identifier/*/gmd:code`) ?? r.value(root, `${path}/gmi:identifier[not(*)]`);
  const platform = identifierOf(`${acquisition}/gmi:platform/gmi:MI_Platform`) ?? keywordOfKind(groups, 'platform');
  const instrument =
    identifierOf(`${acquisition}/gmi:instrument/gmi:MI_Instrument | ${acquisition}/gmi:platform/gmi:MI_Platform/gmi:instrument/gmi:MI_Instrument`) ?? keywordOfKind(groups, 'instrument');

  const distance = r.first(ident, 'gmd:spatialResolution/gmd:MD_Resolution/gmd:distance/gco:Distance');
  const distanceValue = distance ? r.number(distance, '.', 'gco:Distance') : undefined;
  const resolution = distanceValue === undefined ? undefined : metres(distanceValue, attribute(distance!, 'uom'));

  const image = r.first(root, 'gmd:contentInfo/gmd:MD_ImageDescription | gmd:contentInfo/gmi:MI_ImageDescription');
  const cloudCover = image ? r.number(image, 'gmd:cloudCoverPercentage/gco:Real', 'gmd:cloudCoverPercentage') : undefined;
  const processingLevel = image ? string(image, 'gmd:processingLevelCode/*/gmd:code') : undefined;

  // Links and offerings: distribution, service connect points, browse graphics.
  const distribution = 'gmd:distributionInfo/gmd:MD_Distribution';
  const onLine = 'gmd:MD_DigitalTransferOptions/gmd:onLine/gmd:CI_OnlineResource';
  const serviceType = isService ? string(ident, 'srv:serviceType') : undefined;
  const { links, offerings } = linksAndOfferingsOf({
    distribution: onlineResources(root, `${distribution}/gmd:transferOptions/${onLine} | ${distribution}/gmd:distributor/gmd:MD_Distributor/gmd:distributorTransferOptions/${onLine}`),
    serviceType,
    operations: r.all(ident, 'srv:containsOperations/srv:SV_OperationMetadata').map((op) => ({
      name: string(op, 'srv:operationName'),
      connectPoints: onlineResources(op, 'srv:connectPoint/gmd:CI_OnlineResource'),
    })),
    browseGraphics: r.all(ident, 'gmd:graphicOverview/gmd:MD_BrowseGraphic').map((g) => ({
      href: string(g, 'gmd:fileName'),
      type: string(g, 'gmd:fileType'),
      title: string(g, 'gmd:fileDescription'),
    })),
  });

  const contacts = [...responsibleParties(root, 'gmd:contact', 'metadata'), ...responsibleParties(ident, 'gmd:pointOfContact', 'resource')];
  const resourceOrg = contacts.find((c) => c.scope === 'resource' && c.organisationName) ?? contacts.find((c) => c.organisationName);
  const properties: Record<string, unknown> = {
    alternateTitle: string(citation ?? ident, 'gmd:alternateTitle'),
    publicationDate: dates.publication,
    revisionDate: dates.revision,
    language: string(root, 'gmd:language') ?? r.codes(root, 'gmd:language/gmd:LanguageCode')[0],
    resourceLanguage: string(ident, 'gmd:language') ?? r.codes(ident, 'gmd:language/gmd:LanguageCode')[0],
    topicCategories: unique(r.values(ident, 'gmd:topicCategory/gmd:MD_TopicCategoryCode')),
    organisationName: resourceOrg?.organisationName,
    contacts,
    formats: unique(strings(root, 'gmd:distributionInfo/gmd:MD_Distribution/gmd:distributionFormat/gmd:MD_Format/gmd:name')),
    rights: unique([
      ...r.codes(ident, 'gmd:resourceConstraints/*/gmd:accessConstraints/gmd:MD_RestrictionCode'),
      ...strings(ident, 'gmd:resourceConstraints/*/gmd:otherConstraints'),
      ...strings(ident, 'gmd:resourceConstraints/*/gmd:useLimitation'),
    ]),
    lineage: string(root, 'gmd:dataQualityInfo/gmd:DQ_DataQuality/gmd:lineage/gmd:LI_Lineage/gmd:statement'),
    crs: unique(strings(root, 'gmd:referenceSystemInfo/gmd:MD_ReferenceSystem/gmd:referenceSystemIdentifier/gmd:RS_Identifier/gmd:code')),
    scaleDenominator: r.number(ident, 'gmd:spatialResolution/gmd:MD_Resolution/gmd:equivalentScale/gmd:MD_RepresentativeFraction/gmd:denominator/gco:Integer', 'gmd:denominator'),
    serviceType,
    serviceTypeVersion: isService ? string(ident, 'srv:serviceTypeVersion') : undefined,
    couplingType: isService ? r.codes(ident, 'srv:couplingType/srv:SV_CouplingType')[0] : undefined,
    operatesOn: isService ? unique(r.values(ident, 'srv:operatesOn/@uuidref | srv:operatesOn/@xlink:href')) : undefined,
  };

  const eo = eoKeywords(unique(groups.flatMap((g) => g.values)));
  const record: CatalogueRecordInput = {
    ...eo.fields,
    ...constraintsOf(ident),
    ...(image ? imageFieldsOf(image) : {}),
    doi: doiOf(citation),
    productVersion: citation ? string(citation, 'gmd:edition') : undefined,
    organisationRole: resourceOrg?.organisationName !== undefined ? resourceOrg.role : undefined,
    specification: string(root, 'gmd:dataQualityInfo/gmd:DQ_DataQuality/gmd:report/*/gmd:result/gmd:DQ_ConformanceResult/gmd:specification/gmd:CI_Citation/gmd:title'),
    identifier,
    type: recordTypeOfScopes(r.codes(root, 'gmd:hierarchyLevel/gmd:MD_ScopeCode'), isService),
    title: string(citation ?? ident, 'gmd:title'),
    abstract: string(ident, 'gmd:abstract'),
    keywords: eo.keywords,
    geometry: readFootprint(r, extents, EXTENT_PATHS),
    ...readTemporalExtent(r, extents, EXTENT_PATHS),
    parentIdentifier: string(root, 'gmd:parentIdentifier') ?? options.parentIdentifier,
    platform,
    instrument,
    resolution,
    cloudCover: cloudCover ?? (eo.fields.cloudCover as number | undefined),
    processingLevel: processingLevel ?? (eo.fields.processingLevel as string | undefined),
    creationDate: dates.creation,
    modificationDate: dates.revision ?? dateOf(root, 'gmd:dateStamp', 'gmd:dateStamp'),
    links,
    offerings,
    owner: options.owner,
    metadata: { format: 'iso19139', content: text },
    properties,
  };
  return prune(record);
}
