/**
 * CSW records in Dublin Core: csw:Record, csw:SummaryRecord and csw:BriefRecord of CSW 2.0.2
 * (`dublin-core`, OGC 07-006r1 clause 10.2.5) and of CSW 3.0 (`dublin-core-3`, OGC 12-176r7),
 * with their bounding boxes (OWS 1.0 / 2.0) and, in 3.0, csw:TemporalExtent. Decode also takes
 * a GetRecords / GetRecordById response and reads each record in it (a harvested page).
 */
import { el, lookupCrs, needsAxisSwap, NS, transformBbox, type XmlDomElement, type XmlElement } from '../../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';
import type { CatalogueRecord, CatalogueRecordInput } from '../types.js';
import { bboxGeometry, combineGeometries, linksAndOfferingsOf, prune, resourceOfLink, resourceOfOffering, unique } from './iso-common.js';
import { DC_TYPE_NAMES, dcTypeOf, DUBLIN_CORE_QUERYABLES, recordTypeOfDcType } from './queryables.js';
import type { DecodeOptions, EncodeOptions, MetadataDocument, MetadataFormat } from './types.js';
import { CSW_RESPONSES, cswResponseRecords, hasRoot, invalidRecord, isOneOf, isoInstant, pageRecords, rootElement, standaloneXml, XmlReader } from './xml-read.js';

interface CswVersion {
  name: 'dublin-core' | 'dublin-core-3';
  csw: string;
  ows: string;
  /** CRS written on ows:BoundingBox (EPSG:4326, latitude first). */
  bboxCrs: string;
  /** CSW 3.0 records carry csw:TemporalExtent. */
  temporalExtent: boolean;
}

const RECORD_NAMES = ['Record', 'SummaryRecord', 'BriefRecord'];

function decodeRecord(v: CswVersion, r: XmlReader, rec: XmlDomElement, content: string, options: DecodeOptions): CatalogueRecordInput {
  const values = (name: string) => unique(r.values(rec, name));
  const value = (name: string) => values(name)[0];
  const identifier = value('dc:identifier');
  if (!identifier) throw invalidRecord(`csw:${rec.name()} has no dc:identifier`, 'dc:identifier');
  const references = r.all(rec, 'dct:references').flatMap((ref) => {
    const href = ref.text().trim();
    return href ? [{ href, protocol: ref.attr('scheme')?.value() }] : [];
  });
  const { links, offerings } = linksAndOfferingsOf({ distribution: references });
  const boxes = r.all(rec, 'ows:BoundingBox | ows:WGS84BoundingBox').map((b) => boundingBox(r, b));
  const period = temporal(r, rec, v, identifier);
  const record: CatalogueRecordInput = {
    identifier,
    type: recordTypeOfDcType(value('dc:type')) ?? 'product',
    title: value('dc:title'),
    abstract: value('dct:abstract') ?? value('dc:description'),
    keywords: values('dc:subject'),
    geometry: combineGeometries(boxes),
    ...period,
    parentIdentifier: value('dct:isPartOf') ?? options.parentIdentifier,
    creationDate: isoInstant(value('dct:created'), 'dct:created'),
    modificationDate: isoInstant(value('dct:modified'), 'dct:modified'),
    links,
    offerings,
    owner: options.owner,
    metadata: { format: v.name, content },
    properties: {
      alternateTitle: value('dct:alternative'),
      publicationDate: isoInstant(value('dct:issued'), 'dct:issued'),
      date: value('dc:date'),
      formats: values('dc:format'),
      creator: values('dc:creator'),
      publisher: values('dc:publisher'),
      contributor: values('dc:contributor'),
      language: value('dc:language'),
      rights: unique([...values('dc:rights'), ...values('dct:accessRights'), ...values('dct:license')]),
      relations: values('dc:relation'),
      source: values('dc:source'),
      spatial: values('dct:spatial'),
      coverage: values('dc:coverage'),
    },
  };
  return prune(record);
}

/** An ows:BoundingBox / WGS84BoundingBox in CRS:84: axes by its crs (URNs latitude first), CRS:84 without one. */
function boundingBox(r: XmlReader, box: XmlDomElement): GeoJSONGeometry {
  const corner = (name: string) => {
    const text = r.value(box, `ows:${name}`) ?? '';
    const numbers = text.split(/\s+/).filter(Boolean).map(Number);
    if (numbers.length < 2 || numbers.some((n) => !Number.isFinite(n))) throw invalidRecord(`ows:${name} '${text}' is not two numbers`, `ows:${name}`);
    return numbers;
  };
  let [x0, y0] = corner('LowerCorner') as [number, number];
  let [x1, y1] = corner('UpperCorner') as [number, number];
  const crs = box.name() === 'BoundingBox' ? box.attr('crs')?.value().trim() : undefined;
  if (crs) {
    const ref = lookupCrs(crs);
    if (!ref) throw invalidRecord(`ows:BoundingBox crs '${crs}' is unknown`, 'ows:BoundingBox');
    if (needsAxisSwap(ref, 'by-identifier')) [x0, y0, x1, y1] = [y0, x0, y1, x1];
    if (ref.crs.id !== 'EPSG:4326' && ref.crs.id !== 'OGC:CRS84') {
      try {
        [x0, y0, x1, y1] = transformBbox([x0, y0, x1, y1], ref.crs.id, 'OGC:CRS84');
      } catch (err) {
        throw invalidRecord(`ows:BoundingBox in ${crs} cannot be transformed: ${(err as Error).message}`, 'ows:BoundingBox');
      }
    }
  }
  return bboxGeometry(x0, x1, y0, y1);
}

/** csw:TemporalExtent (3.0), else dct:temporal as an ISO 8601 interval or a DCMI Period. */
function temporal(r: XmlReader, rec: XmlDomElement, v: CswVersion, identifier: string): { start?: string; end?: string; openEnd?: boolean } {
  if (v.temporalExtent) {
    const ext = r.first(rec, 'csw:TemporalExtent');
    if (ext) return period(isoInstant(r.value(ext, 'csw:begin'), 'csw:begin'), isoInstant(r.value(ext, 'csw:end'), 'csw:end', true));
  }
  const text = r.value(rec, 'dct:temporal');
  if (!text) return {};
  const open = (s: string | undefined) => (s === undefined || s.trim() === '' || s.trim() === '..' ? undefined : s);
  const dcmi = /start=([^;]*)/.exec(text);
  if (dcmi) return period(isoInstant(open(dcmi[1]), 'dct:temporal'), isoInstant(open(/end=([^;]*)/.exec(text)?.[1]), 'dct:temporal', true));
  if (!text.includes('/')) {
    // One instant or reduced-precision date ("2020") covers its own span.
    const start = isoInstant(text, 'dct:temporal');
    return start === undefined ? {} : { start, end: isoInstant(text, 'dct:temporal', true) };
  }
  const [from, to, extra] = text.split('/');
  if (extra !== undefined) throw invalidRecord(`Record '${identifier}': dct:temporal '${text}' is not an ISO 8601 interval`, 'dct:temporal');
  return period(isoInstant(open(from), 'dct:temporal'), isoInstant(open(to), 'dct:temporal', true));
}

/** A start with no end is an open-ended extent (omitting csw:end "implies infinity"). */
function period(start: string | undefined, end: string | undefined): { start?: string; end?: string; openEnd?: boolean } {
  return start !== undefined && end === undefined ? { start, openEnd: true } : { start, end };
}

function recordRoots(v: CswVersion) {
  return RECORD_NAMES.map((localName) => ({ namespace: v.csw, localName }));
}

function decode(v: CswVersion, doc: MetadataDocument, options: DecodeOptions): CatalogueRecordInput[] {
  const r = reader(v);
  // A response of the other CSW version is refused below as "expected csw:Record".
  const page = hasRoot(doc, CSW_RESPONSES.filter((x) => x.namespace === v.csw)) ? pageRecords(doc, recordRoots(v), 'csw:Record') : undefined;
  if (page) return page.map((rec) => decodeRecord(v, r, rec, standaloneXml(rec), options));
  return [decodeRecord(v, r, rootElement(doc, recordRoots(v), 'csw:Record'), doc.text, options)];
}

/** A record of this version, or a response page of its records. */
function detect(v: CswVersion, doc: MetadataDocument): boolean {
  if (hasRoot(doc, recordRoots(v))) return true;
  const responses = CSW_RESPONSES.filter((x) => x.namespace === v.csw);
  const page = cswResponseRecords(doc);
  // Not a parsed response (perhaps one the parser refused, which decode then explains), or an
  // empty page of this version: a harvest of nothing reads as no records, not an unknown document.
  if (page === undefined || page.length === 0) return hasRoot(doc, responses);
  return page.some((el) => isOneOf(el, recordRoots(v)));
}

function reader(v: CswVersion): XmlReader {
  return new XmlReader({ csw: v.csw, dc: NS.dc, dct: NS.dct, ows: v.ows });
}

function bboxElement(v: CswVersion, b: [number, number, number, number]): XmlElement {
  // Latitude first, as the EPSG:4326 URN/URI says (pycsw, OWSLib and GDAL read it so).
  return el('ows:BoundingBox', { crs: v.bboxCrs, dimensions: 2 }, el('ows:LowerCorner', null, `${b[1]} ${b[0]}`), el('ows:UpperCorner', null, `${b[3]} ${b[2]}`));
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string' && x !== '') : typeof value === 'string' && value ? [value] : [];
}

function encode(v: CswVersion, record: CatalogueRecord, options: EncodeOptions): XmlElement {
  const set = options.elementSet ?? 'full';
  const p = record.properties ?? {};
  const dc = (name: string, value: string | undefined, attrs?: Record<string, string | undefined>) => (value === undefined ? undefined : el(name, attrs ?? null, value));
  const many = (name: string, values: string[]) => values.map((x) => el(name, null, x));
  const head = [el('dc:identifier', null, record.identifier), el('dc:title', null, record.title ?? ''), el('dc:type', null, dcTypeOf(record.type))];
  const box = record.bbox ? bboxElement(v, record.bbox) : undefined;
  const time =
    v.temporalExtent && record.start !== undefined
      ? el('csw:TemporalExtent', null, el('csw:begin', null, record.start), !record.openEnd && el('csw:end', null, record.end ?? record.start))
      : undefined;
  const attrs = { 'xmlns:csw': v.csw, 'xmlns:dc': NS.dc, 'xmlns:dct': NS.dct, 'xmlns:ows': v.ows };
  if (set === 'brief') return el('csw:BriefRecord', attrs, head, box);
  const relations = stringList(p.relations);
  if (set === 'summary') {
    return el(
      'csw:SummaryRecord',
      attrs,
      head,
      many('dc:subject', record.keywords ?? []),
      many('dc:format', stringList(p.formats)),
      many('dc:relation', relations),
      el('dct:modified', null, record.updated),
      dc('dct:abstract', record.abstract),
      box,
      time,
    );
  }
  const references = [
    ...[...(record.links ?? []), ...(options.links ?? [])].map(resourceOfLink),
    ...(record.offerings ?? []).map(resourceOfOffering).filter((x) => x !== undefined),
  ];
  return el(
    'csw:Record',
    attrs,
    head,
    many('dc:subject', record.keywords ?? []),
    many('dc:format', stringList(p.formats)),
    many('dc:creator', stringList(p.creator)),
    many('dc:publisher', stringList(p.publisher ?? p.organisationName)),
    many('dc:contributor', stringList(p.contributor)),
    dc('dc:language', stringList(p.language)[0]),
    many('dc:rights', stringList(p.rights)),
    many('dc:source', stringList(p.source)),
    many('dc:relation', relations),
    dc('dct:isPartOf', record.parentIdentifier),
    dc('dct:alternative', stringList(p.alternateTitle)[0]),
    dc('dct:abstract', record.abstract),
    dc('dct:created', record.creationDate),
    el('dct:modified', null, record.updated),
    dc('dct:issued', stringList(p.publicationDate)[0]),
    record.start !== undefined && el('dct:temporal', null, `${record.start}/${record.openEnd ? '..' : (record.end ?? record.start)}`),
    references.map((ref) => el('dct:references', { scheme: ref!.protocol }, ref!.href)),
    box,
    time,
  );
}

function format(v: CswVersion, title: string): MetadataFormat {
  return {
    name: v.name,
    title,
    mediaType: 'application/xml',
    schema: v.csw,
    queryables: DUBLIN_CORE_QUERYABLES,
    typeNames: DC_TYPE_NAMES,
    recordTypeOf: recordTypeOfDcType,
    detect: (doc) => detect(v, doc),
    decode: (doc, options) => decode(v, doc, options),
    toXml: (record, options) => encode(v, record, options),
  };
}

export const dublinCoreFormat = format(
  { name: 'dublin-core', csw: NS.csw202, ows: NS.ows10, bboxCrs: 'urn:ogc:def:crs:EPSG::4326', temporalExtent: false },
  'Dublin Core (CSW 2.0.2 csw:Record)',
);

export const dublinCore3Format = format(
  { name: 'dublin-core-3', csw: NS.csw30, ows: NS.ows20, bboxCrs: 'http://www.opengis.net/def/crs/EPSG/0/4326', temporalExtent: true },
  'Dublin Core (CSW 3.0 csw:Record)',
);
