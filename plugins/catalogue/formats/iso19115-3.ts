/**
 * ISO 19115-3 (the XML of ISO 19115-1:2014 and 19115-2, mdb:MD_Metadata of the 2.0 namespaces
 * GeoNetwork and pycsw write) decoded into a catalogue record, the same fields as ISO 19139.
 * There is no encoder: no 19115-3 schema is shipped to validate one against, and clients asking
 * for ISO get ISO 19139, which every CSW client reads.
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
  type OnlineResource,
  hasContactDetails,
} from './iso-common.js';
import type { DecodeOptions, MetadataFormat } from './types.js';
import { attribute, cswResponseRecords, hasRoot, invalidRecord, lenientInstant, pageRecords, rootElement, standaloneXml, XmlReader } from './xml-read.js';

const base = 'http://standards.iso.org/iso/19115/-3';
export const ISO19115_3_NS = {
  mdb: `${base}/mdb/2.0`,
  cit: `${base}/cit/2.0`,
  mri: `${base}/mri/1.0`,
  gex: `${base}/gex/1.0`,
  mcc: `${base}/mcc/1.0`,
  gco: `${base}/gco/1.0`,
  gcx: `${base}/gcx/1.0`,
  lan: `${base}/lan/1.0`,
  mrd: `${base}/mrd/1.0`,
  mrc: `${base}/mrc/2.0`,
  mac: `${base}/mac/2.0`,
  mrl: `${base}/mrl/2.0`,
  mco: `${base}/mco/1.0`,
  mrs: `${base}/mrs/1.0`,
  srv: `${base}/srv/2.0`,
  srv21: `${base}/srv/2.1`,
  gml: NS.gml32,
  gml31: NS.gml,
  xlink: NS.xlink,
} as const;

const ROOTS = [{ namespace: ISO19115_3_NS.mdb, localName: 'MD_Metadata' }];
const r = new XmlReader(ISO19115_3_NS);

function strings(ctx: XmlDomElement, p: string): string[] {
  return r.values(ctx, `${p}/gco:CharacterString | ${p}/gcx:Anchor | ${p}/gco:ScopedName | ${p}/gco:LocalName | ${p}/gcx:FileName | ${p}/lan:PT_FreeText/lan:textGroup/lan:LocalisedCharacterString`);
}

const string = (ctx: XmlDomElement, p: string) => strings(ctx, p)[0];

/** Dates of a list of cit:CI_Date elements by type (first of each type). */
function datesOf(ctx: XmlDomElement, p: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of r.all(ctx, p)) {
    const type = r.codes(d, 'cit:dateType/cit:CI_DateTypeCode')[0];
    // Citation and metadata dates that are no date are left out (nothing searches by them strictly).
    const value = lenientInstant(r.value(d, 'cit:date/gco:DateTime | cit:date/gco:Date'), 'cit:CI_Date');
    if (type && value && out[type] === undefined) out[type] = value;
  }
  return out;
}

function onlineResource(el: XmlDomElement): OnlineResource | undefined {
  const href = string(el, 'cit:linkage');
  if (!href) return undefined;
  const profile = string(el, 'cit:applicationProfile');
  return {
    href,
    protocol: string(el, 'cit:protocol'),
    name: string(el, 'cit:name'),
    description: string(el, 'cit:description'),
    function: r.codes(el, 'cit:function/cit:CI_OnLineFunctionCode')[0],
    type: profile && /^[a-z]+\/[\w.+-]+/i.test(profile) ? profile : undefined,
  };
}

/** The online resources at `p` that have a linkage. */
function onlineResources(ctx: XmlDomElement, p: string): OnlineResource[] {
  return r.all(ctx, p).flatMap((el) => onlineResource(el) ?? []);
}

/** cit:CI_Responsibility parties: an organisation (with its individuals) or an individual. */
function responsibilities(ctx: XmlDomElement, p: string, scope: 'metadata' | 'resource'): Array<Record<string, string>> {
  return r.all(ctx, `${p}/cit:CI_Responsibility`).flatMap((resp) => {
    const role = r.codes(resp, 'cit:role/cit:CI_RoleCode')[0];
    return r.all(resp, 'cit:party/*').map((party) => {
      const contactInfo = 'cit:contactInfo/cit:CI_Contact';
      const individual = party.name() === 'CI_Individual' ? party : r.first(party, 'cit:individual/cit:CI_Individual');
      const contact: Record<string, string | undefined> = {
        scope,
        role,
        organisationName: party.name() === 'CI_Organisation' ? string(party, 'cit:name') : undefined,
        individualName: individual ? string(individual, 'cit:name') : undefined,
        positionName: individual ? string(individual, 'cit:positionName') : undefined,
        email: string(party, `${contactInfo}/cit:address/cit:CI_Address/cit:electronicMailAddress`) ?? (individual ? string(individual, `${contactInfo}/cit:address/cit:CI_Address/cit:electronicMailAddress`) : undefined),
        phone: string(party, `${contactInfo}/cit:phone/cit:CI_Telephone/cit:number`),
        url: string(party, `${contactInfo}/cit:onlineResource/cit:CI_OnlineResource/cit:linkage`),
      };
      return Object.fromEntries(Object.entries(contact).filter(([, v]) => v !== undefined)) as Record<string, string>;
    });
  }).filter(hasContactDetails);
}

const EXTENT_PATHS: ExtentPaths = {
  boundingPolygons: 'gex:geographicElement/gex:EX_BoundingPolygon',
  polygons: 'gex:polygon/*',
  boxes: 'gex:geographicElement/gex:EX_GeographicBoundingBox',
  bound: (name) => `gex:${name}/gco:Decimal`,
  extentTypeCode: 'gex:extentTypeCode/gco:Boolean',
  times: 'gex:temporalElement/*/gex:extent/*',
};

export function readIso19115_3(root: XmlDomElement, text: string, options: DecodeOptions): CatalogueRecordInput {
  const identifier = string(root, 'mdb:metadataIdentifier/mcc:MD_Identifier/mcc:code');
  if (!identifier) throw invalidRecord('ISO 19115-3 record has no mdb:metadataIdentifier', 'mdb:metadataIdentifier');
  const ident = r.first(root, 'mdb:identificationInfo[1]/*');
  if (!ident) throw invalidRecord(`ISO 19115-3 record '${identifier}' has no mdb:identificationInfo`, 'mdb:identificationInfo');
  const isService = ident.name() === 'SV_ServiceIdentification';
  const citation = r.first(ident, 'mri:citation/cit:CI_Citation');
  const dates = citation ? datesOf(citation, 'cit:date/cit:CI_Date') : {};
  const metadataDates = datesOf(root, 'mdb:dateInfo/cit:CI_Date');
  const groups = r.all(ident, 'mri:descriptiveKeywords/mri:MD_Keywords').map((k) => ({
    type: r.codes(k, 'mri:type/mri:MD_KeywordTypeCode')[0],
    thesaurus: string(k, 'mri:thesaurusName/cit:CI_Citation/cit:title'),
    values: strings(k, 'mri:keyword'),
  }));
  const extents = r.all(ident, 'mri:extent/gex:EX_Extent | srv:extent/gex:EX_Extent | srv21:extent/gex:EX_Extent');

  const acquisition = 'mdb:acquisitionInformation/mac:MI_AcquisitionInformation';
  const platform = string(root, `${acquisition}/mac:platform/mac:MI_Platform/mac:identifier/mcc:MD_Identifier/mcc:code`) ?? keywordOfKind(groups, 'platform');
  const instrument =
    string(root, `${acquisition}/mac:instrument/mac:MI_Instrument/mac:identifier/mcc:MD_Identifier/mcc:code | ${acquisition}/mac:platform/mac:MI_Platform/mac:instrument/mac:MI_Instrument/mac:identifier/mcc:MD_Identifier/mcc:code`) ??
    keywordOfKind(groups, 'instrument');
  const distance = r.first(ident, 'mri:spatialResolution/mri:MD_Resolution/mri:distance/gco:Distance');
  const distanceValue = distance ? r.number(distance, '.', 'gco:Distance') : undefined;
  const image = r.first(root, 'mdb:contentInfo/mrc:MD_ImageDescription | mdb:contentInfo/mrc:MI_ImageDescription');

  const distribution = 'mdb:distributionInfo/mrd:MD_Distribution';
  const onLine = 'mrd:MD_DigitalTransferOptions/mrd:onLine/cit:CI_OnlineResource';
  const serviceType = isService ? string(ident, 'srv:serviceType | srv21:serviceType') : undefined;
  const { links, offerings } = linksAndOfferingsOf({
    distribution: onlineResources(root, `${distribution}/mrd:transferOptions/${onLine} | ${distribution}/mrd:distributor/mrd:MD_Distributor/mrd:distributorTransferOptions/${onLine}`),
    serviceType,
    operations: r.all(ident, 'srv:containsOperations/srv:SV_OperationMetadata | srv21:containsOperations/srv21:SV_OperationMetadata').map((op) => ({
      name: string(op, 'srv:operationName | srv21:operationName'),
      connectPoints: onlineResources(op, 'srv:connectPoint/cit:CI_OnlineResource | srv21:connectPoint/cit:CI_OnlineResource'),
    })),
    browseGraphics: r.all(ident, 'mri:graphicOverview/mcc:MD_BrowseGraphic').map((g) => ({
      href: string(g, 'mcc:fileName') ?? string(g, 'mcc:linkage/cit:CI_OnlineResource/cit:linkage'),
      type: string(g, 'mcc:fileType'),
      title: string(g, 'mcc:fileDescription'),
    })),
  });

  const contacts = [...responsibilities(root, 'mdb:contact', 'metadata'), ...responsibilities(ident, 'mri:pointOfContact', 'resource')];
  const organisation = contacts.find((c) => c.scope === 'resource' && c.organisationName) ?? contacts.find((c) => c.organisationName);
  const language = (p: string) => r.codes(root, `${p}/lan:PT_Locale/lan:language/lan:LanguageCode`)[0];
  const eo = eoKeywords(unique(groups.flatMap((g) => g.values)));
  const record: CatalogueRecordInput = {
    ...eo.fields,
    identifier,
    type: recordTypeOfScopes(r.codes(root, 'mdb:metadataScope/mdb:MD_MetadataScope/mdb:resourceScope/mcc:MD_ScopeCode'), isService),
    title: citation ? string(citation, 'cit:title') : undefined,
    abstract: string(ident, 'mri:abstract'),
    keywords: eo.keywords,
    geometry: readFootprint(r, extents, EXTENT_PATHS),
    ...readTemporalExtent(r, extents, EXTENT_PATHS),
    parentIdentifier:
      string(root, 'mdb:parentMetadata/cit:CI_Citation/cit:identifier/mcc:MD_Identifier/mcc:code') ?? r.value(root, 'mdb:parentMetadata/@uuidref') ?? options.parentIdentifier,
    platform,
    instrument,
    resolution: distanceValue === undefined ? undefined : metres(distanceValue, attribute(distance!, 'uom')),
    cloudCover: (image ? r.number(image, 'mrc:cloudCoverPercentage/gco:Real', 'mrc:cloudCoverPercentage') : undefined) ?? (eo.fields.cloudCover as number | undefined),
    processingLevel: string(ident, 'mri:processingLevel/*/mcc:code') ?? (image ? string(image, 'mrc:processingLevelCode/*/mcc:code') : undefined) ?? (eo.fields.processingLevel as string | undefined),
    creationDate: dates.creation,
    modificationDate: dates.revision ?? metadataDates.revision ?? metadataDates.creation,
    links,
    offerings,
    owner: options.owner,
    metadata: { format: 'iso19115-3', content: text },
    properties: {
      alternateTitle: citation ? string(citation, 'cit:alternateTitle') : undefined,
      publicationDate: dates.publication,
      revisionDate: dates.revision,
      language: language('mdb:defaultLocale'),
      resourceLanguage: language('mri:defaultLocale') ?? r.codes(ident, 'mri:defaultLocale/lan:PT_Locale/lan:language/lan:LanguageCode')[0],
      topicCategories: unique(r.values(ident, 'mri:topicCategory/mri:MD_TopicCategoryCode')),
      organisationName: organisation?.organisationName,
      contacts,
      formats: unique(strings(root, `${distribution}/mrd:distributionFormat/mrd:MD_Format/mrd:formatSpecificationCitation/cit:CI_Citation/cit:title`)),
      rights: unique([
        ...r.codes(ident, 'mri:resourceConstraints/*/mco:accessConstraints/mco:MD_RestrictionCode'),
        ...strings(ident, 'mri:resourceConstraints/*/mco:otherConstraints'),
        ...strings(ident, 'mri:resourceConstraints/*/mco:useLimitation'),
      ]),
      lineage: string(root, 'mdb:resourceLineage/mrl:LI_Lineage/mrl:statement'),
      crs: unique(strings(root, 'mdb:referenceSystemInfo/mrs:MD_ReferenceSystem/mrs:referenceSystemIdentifier/mcc:MD_Identifier/mcc:code')),
      scaleDenominator: r.number(ident, 'mri:spatialResolution/mri:MD_Resolution/mri:equivalentScale/mri:MD_RepresentativeFraction/mri:denominator/gco:Integer', 'mri:denominator'),
      serviceType,
      serviceTypeVersion: isService ? string(ident, 'srv:serviceTypeVersion | srv21:serviceTypeVersion') : undefined,
      couplingType: isService ? r.codes(ident, 'srv:couplingType/srv:SV_CouplingType | srv21:couplingType/srv21:SV_CouplingType')[0] : undefined,
      operatesOn: isService ? unique(r.values(ident, 'srv:operatesOn/@uuidref | srv:operatesOn/@xlink:href | srv21:operatesOn/@uuidref | srv21:operatesOn/@xlink:href')) : undefined,
    },
  };
  return prune(record);
}

export const iso19115_3Format: MetadataFormat = {
  name: 'iso19115-3',
  title: 'ISO 19115-3 (ISO 19115-1/-2 metadata in XML)',
  mediaType: 'application/vnd.iso.19115-3+xml',
  schema: ISO19115_3_NS.mdb,
  detect: (doc) => hasRoot(doc, ROOTS) || (cswResponseRecords(doc, ROOTS)?.length ?? 0) > 0,
  decode(doc, options) {
    const page = pageRecords(doc, ROOTS, 'mdb:MD_Metadata');
    if (page) return page.map((el) => readIso19115_3(el, standaloneXml(el), options));
    return [readIso19115_3(rootElement(doc, ROOTS, 'mdb:MD_Metadata'), doc.text, options)];
  },
};
