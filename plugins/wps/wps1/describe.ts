/**
 * WPS 1.0.0 DescribeProcess (OGC 05-007r7 §9, wpsDescribeProcess_response.xsd): the engine's
 * descriptions as wps:ProcessDescriptions. That schema has no elementFormDefault, so its local
 * elements (ProcessDescription, DataInputs, Input, ComplexData, LiteralData, Default, Format, ...)
 * are unqualified, as the schema's own example writes them. Every process can store its response
 * and report status (the engine runs each execution as a job), so storeSupported and
 * statusSupported are true.
 */
import { el, serializeXml, type XmlElement } from '../../../core/ows/index.js';
import type { InputDescription, OutputDescription, ProcessRecord, ValueSchema } from '../../processing/types.js';
import { CRS84, dataKindOf, EPSG4326, literalTypeOf, mediaTypesOf } from '../process-xml.js';
import { description1Parts } from './capabilities.js';
import { wps1RootAttrs } from './namespaces.js';

/** xs:positiveInteger has no "unbounded": the largest 32-bit value stands for it. */
export const UNBOUNDED_1_0 = '2147483647';

const isFile = (s: ValueSchema) => s.contentEncoding === 'binary' || s.format === 'binary';

function formatXml(mimeType: string, encoding?: string): XmlElement {
  return el('Format', null, el('MimeType', null, mimeType), encoding && el('Encoding', null, encoding));
}

function complexXml(name: string, schema: ValueSchema): XmlElement {
  const types = mediaTypesOf(schema);
  const supported = types.map((t) => formatXml(t));
  if (isFile(schema)) supported.push(formatXml(types[0]!, 'base64'));
  return el(name, null, el('Default', null, formatXml(types[0]!)), el('Supported', null, supported));
}

function crsXml(name: string): XmlElement {
  return el(name, null, el('Default', null, el('CRS', null, CRS84)), el('Supported', null, el('CRS', null, CRS84), el('CRS', null, EPSG4326)));
}

function literalInputXml(schema: ValueSchema): XmlElement {
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
    'LiteralData',
    null,
    el('ows:DataType', { 'ows:reference': type.uri }, type.name),
    domain,
    fallback !== undefined && fallback !== null && typeof fallback !== 'object' && el('DefaultValue', null, String(fallback)),
  );
}

function inputXml(id: string, d: InputDescription): XmlElement {
  const kind = dataKindOf(d.schema);
  const form = kind === 'bbox' ? crsXml('BoundingBoxData') : kind === 'literal' ? literalInputXml(d.schema) : complexXml('ComplexData', d.schema);
  return el('Input', { minOccurs: String(d.minOccurs), maxOccurs: d.maxOccurs === 'unbounded' ? UNBOUNDED_1_0 : String(d.maxOccurs) }, description1Parts(id, d), form);
}

function outputXml(id: string, d: OutputDescription): XmlElement {
  const kind = dataKindOf(d.schema);
  const type = literalTypeOf(d.schema);
  const form =
    kind === 'bbox' ? crsXml('BoundingBoxOutput') : kind === 'literal' ? el('LiteralOutput', null, el('ows:DataType', { 'ows:reference': type.uri }, type.name)) : complexXml('ComplexOutput', d.schema);
  return el('Output', null, description1Parts(id, d), form);
}

export function processDescription1Xml(p: ProcessRecord): XmlElement {
  const d = p.description;
  const inputs = Object.entries(d.inputs);
  return el(
    'ProcessDescription',
    { 'wps:processVersion': d.version, storeSupported: 'true', statusSupported: 'true' },
    description1Parts(p.id, d),
    inputs.length > 0 && el('DataInputs', null, inputs.map(([id, i]) => inputXml(id, i))),
    el('ProcessOutputs', null, Object.entries(d.outputs).map(([id, o]) => outputXml(id, o))),
  );
}

export function processDescriptions1Xml(processes: ProcessRecord[]): string {
  return serializeXml(el('wps:ProcessDescriptions', wps1RootAttrs('wpsDescribeProcess_response.xsd'), processes.map(processDescription1Xml)));
}
