/**
 * ISO 19139 (gmd:MD_Metadata, and gmi:MI_Metadata of ISO 19115-2) into a catalogue record: the
 * fields the engine indexes, links and offerings from the distribution, contacts and the rest in
 * `properties`. Read as harvested documents are written: default or prefixed namespaces, GML 3.2
 * or the older GML namespace, gmx:Anchor for text, rings left open, empty elements.
 */
import { NS, type XmlDomElement } from '../../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';
import type { CatalogueRecordInput, Offering, RecordLink } from '../types.js';
import {
  bboxGeometry,
  combineGeometries,
  linkOfResource,
  offeringOfResource,
  recordTypeOfScopes,
  unique,
  uniqueLinks,
  type OnlineResource,
} from './iso-common.js';
import type { DecodeOptions } from './types.js';
import { attribute, gmlGeometry, gmlTime, invalidRecord, isoInstant, XmlReader } from './xml-read.js';

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

/** A code list value: its codeListValue attribute, else its text. */
function codes(ctx: XmlDomElement, path: string): string[] {
  return r.all(ctx, path).map((el) => attribute(el, 'codeListValue') ?? el.text().trim()).filter((v) => v !== '');
}

function dateOf(ctx: XmlDomElement, path: string, locator: string): string | undefined {
  return isoInstant(r.value(ctx, `${path}/gco:DateTime | ${path}/gco:Date`), locator);
}

/** CI_Citation dates by type (creation, revision, publication...). */
function citationDates(citation: XmlDomElement | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!citation) return out;
  for (const d of r.all(citation, 'gmd:date/gmd:CI_Date')) {
    const type = codes(d, 'gmd:dateType/gmd:CI_DateTypeCode')[0];
    const value = dateOf(d, 'gmd:date', 'gmd:CI_Date');
    if (type && value && out[type] === undefined) out[type] = value;
  }
  return out;
}

interface Keywords {
  type?: string;
  thesaurus?: string;
  values: string[];
}

function keywordGroups(ident: XmlDomElement): Keywords[] {
  return r.all(ident, 'gmd:descriptiveKeywords/gmd:MD_Keywords | srv:keywords/gmd:MD_Keywords').map((k) => ({
    type: codes(k, 'gmd:type/gmd:MD_KeywordTypeCode')[0],
    thesaurus: string(k, 'gmd:thesaurusName/gmd:CI_Citation/gmd:title'),
    values: strings(k, 'gmd:keyword'),
  }));
}

/** The first keyword of a group typed `kind` (or from a thesaurus named after it, as GCMD's). */
function keywordOfKind(groups: Keywords[], kind: 'platform' | 'instrument'): string | undefined {
  const typed = groups.find((g) => g.type?.toLowerCase() === kind && g.values.length);
  const named = groups.find((g) => new RegExp(kind, 'i').test(g.thesaurus ?? '') && g.values.length);
  // GCMD keywords read "Earth Observation Satellites > Sentinel-2A": the last level names it.
  return (typed ?? named)?.values[0]?.split('>').pop()?.trim();
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
    function: codes(el, 'gmd:function/gmd:CI_OnLineFunctionCode')[0],
    type: (mime ? attribute(mime, 'type') : undefined) ?? (profile && MEDIA_TYPE.test(profile) ? profile : undefined),
  };
}

/** Resolution in metres from a gco:Distance and its unit (metres unless it says km, cm or mm). */
function metres(value: number, uom: string | undefined): number | undefined {
  const u = (uom ?? 'm').toLowerCase().replace(/.*[#:/]/, '');
  const factors: Record<string, number> = { m: 1, metre: 1, metres: 1, meter: 1, meters: 1, '9001': 1, km: 1000, kilometre: 1000, kilometer: 1000, '9036': 1000, cm: 0.01, mm: 0.001 };
  const factor = factors[u];
  return factor === undefined ? undefined : value * factor;
}

function responsibleParties(ctx: XmlDomElement, path: string, scope: 'metadata' | 'resource'): Array<Record<string, string>> {
  return r.all(ctx, `${path}/gmd:CI_ResponsibleParty`).map((p) => {
    const contact: Record<string, string | undefined> = {
      scope,
      role: codes(p, 'gmd:role/gmd:CI_RoleCode')[0],
      organisationName: string(p, 'gmd:organisationName'),
      individualName: string(p, 'gmd:individualName'),
      positionName: string(p, 'gmd:positionName'),
      email: string(p, 'gmd:contactInfo/gmd:CI_Contact/gmd:address/gmd:CI_Address/gmd:electronicMailAddress'),
      phone: string(p, 'gmd:contactInfo/gmd:CI_Contact/gmd:phone/gmd:CI_Telephone/gmd:voice'),
      url: r.value(p, 'gmd:contactInfo/gmd:CI_Contact/gmd:onlineResource/gmd:CI_OnlineResource/gmd:linkage/gmd:URL'),
    };
    return Object.fromEntries(Object.entries(contact).filter(([, v]) => v !== undefined)) as Record<string, string>;
  }).filter((c) => Object.keys(c).length > 2);
}

/** Whether an extent element excludes its area (extentTypeCode false). */
function excluded(el: XmlDomElement): boolean {
  const v = r.value(el, 'gmd:extentTypeCode/gco:Boolean');
  return v === '0' || v === 'false';
}

function footprint(extents: XmlDomElement[]): GeoJSONGeometry | undefined {
  const polygons: GeoJSONGeometry[] = [];
  const boxes: GeoJSONGeometry[] = [];
  for (const extent of extents) {
    for (const poly of r.all(extent, 'gmd:geographicElement/gmd:EX_BoundingPolygon')) {
      if (excluded(poly)) continue;
      for (const g of r.all(poly, 'gmd:polygon/*')) polygons.push(gmlGeometry(g, 'gmd:EX_BoundingPolygon'));
    }
    for (const box of r.all(extent, 'gmd:geographicElement/gmd:EX_GeographicBoundingBox')) {
      if (excluded(box)) continue;
      const side = (name: string) => r.number(box, `gmd:${name}/gco:Decimal`, name);
      const [w, e, s, n] = [side('westBoundLongitude'), side('eastBoundLongitude'), side('southBoundLatitude'), side('northBoundLatitude')];
      // Templates leave the four decimals empty: no box rather than a bad one.
      if (w === undefined && e === undefined && s === undefined && n === undefined) continue;
      if (w === undefined || e === undefined || s === undefined || n === undefined) throw invalidRecord('EX_GeographicBoundingBox needs all four bounds', 'gmd:EX_GeographicBoundingBox');
      boxes.push(bboxGeometry(w, e, s, n));
    }
  }
  // The polygons are the finer footprint; the boxes only bound them.
  return combineGeometries(polygons.length ? polygons : boxes);
}

function temporalExtent(extents: XmlDomElement[]): { start?: string; end?: string } {
  let start: string | undefined;
  let end: string | undefined;
  for (const t of extents.flatMap((e) => r.all(e, 'gmd:temporalElement/*/gmd:extent/*'))) {
    const period = gmlTime(r, t);
    if (period.start && (!start || period.start < start)) start = period.start;
    if (period.end && (!end || period.end > end)) end = period.end;
  }
  return { start, end };
}

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
  const platform = string(root, `${acquisition}/gmi:platform/gmi:MI_Platform/gmi:identifier/*/gmd:code`) ?? keywordOfKind(groups, 'platform');
  const instrument =
    string(root, `${acquisition}/gmi:instrument/gmi:MI_Instrument/gmi:identifier/*/gmd:code | ${acquisition}/gmi:platform/gmi:MI_Platform/gmi:instrument/gmi:MI_Instrument/gmi:identifier/*/gmd:code`) ??
    keywordOfKind(groups, 'instrument');

  const distance = r.first(ident, 'gmd:spatialResolution/gmd:MD_Resolution/gmd:distance/gco:Distance');
  const distanceValue = distance ? r.number(distance, '.', 'gco:Distance') : undefined;
  const resolution = distanceValue === undefined ? undefined : metres(distanceValue, attribute(distance!, 'uom'));

  const image = r.first(root, 'gmd:contentInfo/gmd:MD_ImageDescription | gmd:contentInfo/gmi:MI_ImageDescription');
  const cloudCover = image ? r.number(image, 'gmd:cloudCoverPercentage/gco:Real', 'gmd:cloudCoverPercentage') : undefined;
  const processingLevel = image ? string(image, 'gmd:processingLevelCode/gmd:MD_Identifier/gmd:code') : undefined;

  // Links and offerings: distribution, service connect points, browse graphics.
  const distribution = 'gmd:distributionInfo/gmd:MD_Distribution';
  const onLine = 'gmd:MD_DigitalTransferOptions/gmd:onLine/gmd:CI_OnlineResource';
  const resources = r.all(root, `${distribution}/gmd:transferOptions/${onLine} | ${distribution}/gmd:distributor/gmd:MD_Distributor/gmd:distributorTransferOptions/${onLine}`).map(onlineResource);
  const serviceType = isService ? string(ident, 'srv:serviceType') : undefined;
  for (const el of r.all(ident, 'srv:containsOperations/srv:SV_OperationMetadata/srv:connectPoint/gmd:CI_OnlineResource')) {
    const res = onlineResource(el);
    if (res) resources.push({ ...res, protocol: res.protocol ?? (serviceType && /^(?:OGC:)?W[MCFP]T?S$|^CSW$/i.test(serviceType) ? `OGC:${serviceType.replace(/^OGC:/i, '').toUpperCase()}` : undefined) });
  }
  const links: RecordLink[] = [];
  const offerings: Offering[] = [];
  for (const res of resources) {
    if (!res) continue;
    const offering = offeringOfResource(res);
    if (offering) {
      if (!offerings.some((o) => o.code === offering.code && o.operations?.[0]?.href === offering.operations?.[0]?.href)) offerings.push(offering);
    } else {
      links.push(linkOfResource(res));
    }
  }
  for (const g of r.all(ident, 'gmd:graphicOverview/gmd:MD_BrowseGraphic')) {
    const href = string(g, 'gmd:fileName');
    if (href) links.push({ href, rel: 'icon', ...(string(g, 'gmd:fileType') ? { type: string(g, 'gmd:fileType') } : {}), ...(string(g, 'gmd:fileDescription') ? { title: string(g, 'gmd:fileDescription') } : {}) });
  }

  const contacts = [...responsibleParties(root, 'gmd:contact', 'metadata'), ...responsibleParties(ident, 'gmd:pointOfContact', 'resource')];
  const resourceOrg = contacts.find((c) => c.scope === 'resource' && c.organisationName) ?? contacts.find((c) => c.organisationName);
  const properties: Record<string, unknown> = {
    alternateTitle: string(citation ?? ident, 'gmd:alternateTitle'),
    publicationDate: dates.publication,
    revisionDate: dates.revision,
    language: string(root, 'gmd:language') ?? codes(root, 'gmd:language/gmd:LanguageCode')[0],
    resourceLanguage: string(ident, 'gmd:language') ?? codes(ident, 'gmd:language/gmd:LanguageCode')[0],
    topicCategories: unique(r.values(ident, 'gmd:topicCategory/gmd:MD_TopicCategoryCode')),
    organisationName: resourceOrg?.organisationName,
    contacts,
    formats: unique(strings(root, 'gmd:distributionInfo/gmd:MD_Distribution/gmd:distributionFormat/gmd:MD_Format/gmd:name')),
    rights: unique([
      ...codes(ident, 'gmd:resourceConstraints/*/gmd:accessConstraints/gmd:MD_RestrictionCode'),
      ...strings(ident, 'gmd:resourceConstraints/*/gmd:otherConstraints'),
      ...strings(ident, 'gmd:resourceConstraints/*/gmd:useLimitation'),
    ]),
    lineage: string(root, 'gmd:dataQualityInfo/gmd:DQ_DataQuality/gmd:lineage/gmd:LI_Lineage/gmd:statement'),
    crs: unique(strings(root, 'gmd:referenceSystemInfo/gmd:MD_ReferenceSystem/gmd:referenceSystemIdentifier/gmd:RS_Identifier/gmd:code')),
    scaleDenominator: r.number(ident, 'gmd:spatialResolution/gmd:MD_Resolution/gmd:equivalentScale/gmd:MD_RepresentativeFraction/gmd:denominator/gco:Integer', 'gmd:denominator'),
    serviceType,
    serviceTypeVersion: isService ? string(ident, 'srv:serviceTypeVersion') : undefined,
    couplingType: isService ? codes(ident, 'srv:couplingType/srv:SV_CouplingType')[0] : undefined,
    operatesOn: isService ? unique(r.values(ident, 'srv:operatesOn/@uuidref | srv:operatesOn/@xlink:href')) : undefined,
  };

  const record: CatalogueRecordInput = {
    identifier,
    type: recordTypeOfScopes(codes(root, 'gmd:hierarchyLevel/gmd:MD_ScopeCode'), isService),
    title: string(citation ?? ident, 'gmd:title'),
    abstract: string(ident, 'gmd:abstract'),
    keywords: unique(groups.flatMap((g) => g.values)),
    geometry: footprint(extents),
    ...temporalExtent(extents),
    parentIdentifier: string(root, 'gmd:parentIdentifier') ?? options.parentIdentifier,
    platform,
    instrument,
    resolution,
    cloudCover,
    processingLevel,
    creationDate: dates.creation,
    modificationDate: dates.revision ?? dateOf(root, 'gmd:dateStamp', 'gmd:dateStamp'),
    links: uniqueLinks(links),
    offerings,
    owner: options.owner,
    metadata: { format: 'iso19139', content: text },
    properties,
  };
  return prune(record);
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
