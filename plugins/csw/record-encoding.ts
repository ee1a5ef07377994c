/**
 * Records in responses: outputSchema → the catalogue metadata format that writes it (csw:Record
 * of the request's version, ISO 19139 gmd:MD_Metadata, or any XML format the catalogue has whose
 * schema URI is named), the element set, and ElementName views of csw:Record.
 */
import { MeridianError } from '../../core/errors.js';
import { invalidParameterValue, OwsException, serializeXml, type XmlElement, type XmlNode } from '../../core/ows/index.js';
import type { CatalogueRecord } from '../catalogue/types.js';
import type { MetadataFormat, MetadataFormats } from '../catalogue/formats/types.js';
import { CSW_NS } from './namespaces.js';
import type { ElementSet, QualifiedName } from './requests.js';
import { PROFILES, type CswVersion } from './versions.js';

export interface OutputSchema {
  /** The outputSchema URI as recordSchema writes it. */
  uri: string;
  format: MetadataFormat & { toXml: NonNullable<MetadataFormat['toXml']> };
  /** Whether records in it are csw:Record (ElementName applies). */
  dublinCore: boolean;
}

/** XML media types GetRecords and GetRecordById answer in. */
export const OUTPUT_FORMATS = ['application/xml', 'text/xml'] as const;

export function checkOutputFormat(format: string | undefined, locator = 'outputFormat'): void {
  if (format === undefined || format.trim() === '') return;
  const base = format.split(';')[0]!.trim().toLowerCase();
  if (!(OUTPUT_FORMATS as readonly string[]).includes(base)) {
    throw invalidParameterValue(locator, `outputFormat must be one of ${OUTPUT_FORMATS.join(', ')}; got '${format}'`);
  }
}

/** The output schemas offered: csw:Record of the version first, then every other XML format with a schema URI. */
export function outputSchemas(formats: MetadataFormats, version: CswVersion): OutputSchema[] {
  const profile = PROFILES[version];
  const out: OutputSchema[] = [];
  const dc = formats.find(profile.recordFormat);
  if (dc?.toXml) out.push({ uri: profile.csw, format: dc as OutputSchema['format'], dublinCore: true });
  for (const f of formats.list()) {
    if (!f.toXml || !f.schema || f.name === profile.recordFormat) continue;
    // The other version's csw:Record is not offered: its records would not validate in this envelope.
    if (f.schema === CSW_NS.csw202 || f.schema === CSW_NS.csw30) continue;
    out.push({ uri: f.schema, format: f as OutputSchema['format'], dublinCore: false });
  }
  return out;
}

export function resolveOutputSchema(formats: MetadataFormats, version: CswVersion, requested: string | undefined, locator = 'outputSchema'): OutputSchema {
  const schemas = outputSchemas(formats, version);
  const uri = requested?.trim() || PROFILES[version].csw;
  const found = schemas.find((s) => s.uri === uri);
  if (found) return found;
  if (schemas.length === 0) throw new OwsException('NoApplicableCode', 'The catalogue has no record encoder for CSW', { status: 503 });
  throw invalidParameterValue(locator, `outputSchema must be one of ${schemas.map((s) => s.uri).join(', ')}; got '${uri}'`);
}

/** The prefix → namespace declarations written on an element. */
function declarations(element: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of element.attrs) {
    if (name === 'xmlns') out.set('', value);
    else if (name.startsWith('xmlns:')) out.set(name.slice(6), value);
  }
  return out;
}

/** A full csw:Record cut down to the elements named (in record order); the record's declarations kept. */
export function projectElements(record: XmlElement, names: readonly QualifiedName[]): XmlElement {
  const scope = declarations(record);
  const wanted = (node: XmlNode): boolean => {
    if (node.kind !== 'element') return false;
    const colon = node.name.indexOf(':');
    const prefix = colon === -1 ? '' : node.name.slice(0, colon);
    const local = colon === -1 ? node.name : node.name.slice(colon + 1);
    const namespace = declarations(node).get(prefix) ?? scope.get(prefix);
    return names.some((n) => n.local === local && (n.namespace === namespace || (n.namespace === CSW_NS.ows10 && namespace === CSW_NS.ows20)));
  };
  return { ...record, children: record.children.filter(wanted) };
}

export interface EncodeRequest {
  elementSet: ElementSet;
  elementNames?: readonly QualifiedName[];
  selfUrl?: string;
  links?: Array<{ href: string; rel: string; type?: string; title?: string }>;
}

export function encodeRecord(record: CatalogueRecord, schema: OutputSchema, request: EncodeRequest): XmlElement {
  const element = schema.format.toXml(record, { elementSet: request.elementNames ? 'full' : request.elementSet, selfUrl: request.selfUrl, links: request.links });
  return request.elementNames ? projectElements(element, request.elementNames) : element;
}

/**
 * The records serialised without declaration, all before the response starts: a record the
 * format cannot write (an EOP product format given a collection) is then an InvalidParameterValue
 * on outputSchema rather than a response cut off half-way.
 */
export function encodeRecordTexts(records: readonly CatalogueRecord[], schema: OutputSchema, request: (record: CatalogueRecord) => EncodeRequest): string[] {
  return records.map((record) => {
    try {
      return serializeXml(encodeRecord(record, schema, request(record)), { declaration: false });
    } catch (err) {
      if (err instanceof MeridianError && err.status === 400) throw invalidParameterValue('outputSchema', `${err.message} (outputSchema ${schema.uri})`);
      throw err;
    }
  });
}

/** ElementName applies to csw:Record only (ISO views are the APISO element sets). */
export function checkElementNames(schema: OutputSchema, names: readonly QualifiedName[] | undefined): void {
  if (names && !schema.dublinCore) throw invalidParameterValue('ElementName', `ElementName selects csw:Record elements; with outputSchema ${schema.uri} use ElementSetName`);
}

/** GetRecordById URL of a record in an output schema: self and alternate links of embedded records. */
export function recordUrl(baseUrl: string, version: CswVersion, identifier: string, schema: string): string {
  const query = new URLSearchParams({ service: 'CSW', version, request: 'GetRecordById', id: identifier, outputSchema: schema, elementSetName: 'full' });
  return `${baseUrl}?${query.toString()}`;
}

/** Links of an embedded record: itself in this schema, and in each other schema offered. */
export function recordLinks(baseUrl: string, version: CswVersion, identifier: string, schemas: readonly OutputSchema[], current: OutputSchema): EncodeRequest['links'] {
  return schemas
    .filter((s) => s.uri !== current.uri)
    .map((s) => ({ href: recordUrl(baseUrl, version, identifier, s.uri), rel: 'alternate', type: s.format.mediaType, title: s.format.title }));
}
