/**
 * The engine's process descriptions (OGC API Processes JSON Schemas) as WPS 2.0 process
 * offerings (OGC 14-065 §7, processDescription.xsd/dataTypes.xsd): File inputs and outputs are
 * ComplexData in their media type, Directory inputs ComplexData of a STAC item or catalog,
 * bounding boxes (`format: ogc-bbox`) BoundingBoxData, other objects ComplexData in JSON, and
 * strings, numbers, integers and booleans LiteralData with their XML Schema data type.
 */
import { el, type XmlElement } from '../../core/ows/index.js';
import type { InputDescription, OutputDescription, ProcessDescription, ProcessRecord, ValueSchema } from '../processing/types.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const EPSG4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';

export type DataKind = 'complex' | 'literal' | 'bbox';

/** How a value of this schema travels in WPS: as complex data (a file or JSON), a literal, or a bounding box. */
export function dataKindOf(schema: ValueSchema): DataKind {
  if (schema.format === 'ogc-bbox') return 'bbox';
  if (isComplexSchema(schema)) return 'complex';
  return 'literal';
}

function isComplexSchema(schema: ValueSchema): boolean {
  if (schema.contentEncoding === 'binary' || schema.format === 'binary') return true;
  if (schema.format === 'uri' && schema.contentMediaType) return true;
  const type = schema.type;
  return type === 'object' || type === 'array' || (schema.oneOf !== undefined && type === undefined);
}

/** The media types a complex value takes: the file's, else JSON. */
export function mediaTypesOf(schema: ValueSchema): string[] {
  const declared = typeof schema.contentMediaType === 'string' ? schema.contentMediaType : undefined;
  if (declared) return [declared];
  if (schema.contentEncoding === 'binary' || schema.format === 'binary') return ['application/octet-stream'];
  return ['application/json'];
}

/** The XML Schema data type of a literal. */
export function literalTypeOf(schema: ValueSchema): { name: string; uri: string } {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const name = type === 'integer' ? 'integer' : type === 'number' ? 'double' : type === 'boolean' ? 'boolean' : 'string';
  return { name, uri: `${XSD}${name}` };
}

function formatXml(mimeType: string, isDefault: boolean, extra: Record<string, string> = {}): XmlElement {
  return el('wps:Format', { mimeType, ...extra, default: isDefault ? 'true' : undefined });
}

function literalDataXml(schema: ValueSchema): XmlElement {
  const type = literalTypeOf(schema);
  const values = Array.isArray(schema.enum) ? schema.enum : undefined;
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  let domain: XmlElement;
  if (values) domain = el('ows:AllowedValues', null, values.map((v) => el('ows:Value', null, String(v))));
  else if (min !== undefined || max !== undefined) {
    domain = el('ows:AllowedValues', null, el('ows:Range', { 'ows:rangeClosure': 'closed' }, min !== undefined && el('ows:MinimumValue', null, String(min)), max !== undefined && el('ows:MaximumValue', null, String(max))));
  } else domain = el('ows:AnyValue');
  const fallback = schema.default;
  return el(
    'wps:LiteralData',
    null,
    formatXml('text/plain', true),
    el(
      'LiteralDataDomain', // dataTypes.xsd is unqualified: local elements have no namespace
      { default: 'true' },
      domain,
      el('ows:DataType', { 'ows:reference': type.uri }, type.name),
      fallback !== undefined && fallback !== null && typeof fallback !== 'object' && el('ows:DefaultValue', null, String(fallback)),
    ),
  );
}

function dataDescriptionXml(schema: ValueSchema): XmlElement {
  const kind = dataKindOf(schema);
  if (kind === 'bbox') {
    return el('wps:BoundingBoxData', null, formatXml('text/plain', true), el('wps:SupportedCRS', { default: 'true' }, CRS84), el('wps:SupportedCRS', null, EPSG4326));
  }
  if (kind === 'literal') return literalDataXml(schema);
  const types = mediaTypesOf(schema);
  // Files travel inline as base64 (or raw text for text formats), or by reference.
  const formats = types.map((t, i) => formatXml(t, i === 0));
  if (schema.contentEncoding === 'binary' || schema.format === 'binary') formats.push(formatXml(types[0]!, false, { encoding: 'base64' }));
  return el('wps:ComplexData', null, formats);
}

function descriptionParts(id: string, d: { title?: string; description?: string; keywords?: string[] }): XmlElement[] {
  return [
    el('ows:Title', null, d.title ?? id),
    d.description ? el('ows:Abstract', null, d.description) : (null as never),
    d.keywords?.length ? el('ows:Keywords', null, d.keywords.map((k) => el('ows:Keyword', null, k))) : (null as never),
    el('ows:Identifier', null, id),
  ].filter(Boolean);
}

function inputXml(id: string, d: InputDescription): XmlElement {
  return el(
    'wps:Input',
    { minOccurs: String(d.minOccurs), maxOccurs: String(d.maxOccurs) },
    descriptionParts(id, d),
    dataDescriptionXml(d.schema),
  );
}

function outputXml(id: string, d: OutputDescription): XmlElement {
  return el('wps:Output', null, descriptionParts(id, d), dataDescriptionXml(d.schema));
}

/** The processPropertiesAttributes of a summary or offering. */
export function processProperties(d: ProcessDescription): Record<string, string> {
  return {
    jobControlOptions: d.jobControlOptions.join(' '),
    outputTransmission: d.outputTransmission.join(' '),
    processVersion: d.version,
  };
}

/** wps:ProcessSummary (GetCapabilities Contents, DeployProcess result). */
export function processSummaryXml(p: ProcessRecord): XmlElement {
  return el('wps:ProcessSummary', processProperties(p.description), descriptionParts(p.id, p.description));
}

/** wps:ProcessOffering holding the wps:Process (DescribeProcess). */
export function processOfferingXml(p: ProcessRecord): XmlElement {
  const d = p.description;
  return el(
    'wps:ProcessOffering',
    processProperties(d),
    el(
      'wps:Process',
      null,
      descriptionParts(p.id, d),
      Object.entries(d.inputs).map(([id, i]) => inputXml(id, i)),
      Object.entries(d.outputs).map(([id, o]) => outputXml(id, o)),
    ),
  );
}
