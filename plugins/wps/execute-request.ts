/**
 * The Execute request (OGC 14-065 §9.3, wpsExecute.xsd) read against the process description
 * into the engine's ExecuteRequest: wps:Data as literals (typed by the input's schema), bounding
 * boxes (ows:BoundingBox, or JSON) or inline complex data (text, XML, or base64), wps:Reference
 * as `{href}` (http(s) URLs, `catalogue:ID`, `blob:KEY`, resolved by the engine's stage-in),
 * repeated inputs as lists; the outputs asked for with their transmission and media type.
 */
import { OwsException, type XmlTreeNode } from '../../core/ows/index.js';
import type { ExecuteRequest, InputDescription, ProcessRecord, TransmissionMode } from '../processing/types.js';
import { CRS84, dataKindOf, literalTypeOf, mediaTypesOf } from './process-xml.js';
import { childrenNamed, embeddedXml, firstChild, hrefOf, isOws, isWps, rawText } from './xml-read.js';

export type ExecutionMode = 'sync' | 'async' | 'auto';
export type ResponseForm = 'raw' | 'document';

export interface OutputDefinition {
  id: string;
  transmission?: TransmissionMode;
  mimeType?: string;
}

export interface WpsExecuteRequest {
  processId: string;
  mode: ExecutionMode;
  response: ResponseForm;
  /** The inputs by id, as the engine takes them. */
  inputs: Record<string, unknown>;
  outputs: OutputDefinition[];
}

/** ows:Identifier and the attributes, before the process is looked up. */
export function executeHead(root: XmlTreeNode): { processId: string; mode: ExecutionMode; response: ResponseForm } {
  const id = firstChild(root, (c) => isOws(c, 'Identifier'))?.text;
  if (!id) throw new OwsException('MissingParameterValue', 'Execute needs the ows:Identifier of the process', { locator: 'Identifier' });
  const mode = root.attrs.mode;
  if (mode === undefined) throw new OwsException('MissingParameterValue', 'Execute needs mode="sync|async|auto"', { locator: 'mode' });
  // 14-065r2 table 46: the locator of NoSuchMode is the violating mode value.
  if (mode !== 'sync' && mode !== 'async' && mode !== 'auto') throw new OwsException('NoSuchMode', `mode '${mode}' is not one of sync, async, auto`, { locator: mode, status: 400 });
  const response = root.attrs.response;
  if (response === undefined) throw new OwsException('MissingParameterValue', 'Execute needs response="raw|document"', { locator: 'response' });
  if (response !== 'raw' && response !== 'document') throw new OwsException('InvalidParameterValue', `response '${response}' is not raw or document`, { locator: 'response' });
  return { processId: id, mode, response };
}

const bad = (id: string, message: string) => new OwsException('InvalidParameterValue', message, { locator: id });
/** 14-065r2 table 46: data the server has but cannot read as the input's type (WPS 1.0.0 reports it as InvalidParameterValue). */
const unreadable = (id: string, message: string) => new OwsException('WrongInputData', message, { locator: id, status: 400 });

/** The media type without its parameters, lower case. */
const baseType = (t: string) => t.split(';')[0]!.trim().toLowerCase();

/** Whether a mimeType the request names is one of the formats described for a complex input or output (any, for a file of no declared type; any JSON type for JSON). */
function offersFormat(schema: InputDescription['schema'], mimeType: string): boolean {
  const asked = baseType(mimeType);
  return mediaTypesOf(schema).some((t) => {
    const offered = baseType(t);
    if (offered === 'application/octet-stream' || offered === asked) return true;
    return offered === 'application/json' && /^[a-z]+\/([a-z0-9.+-]*\+)?json$/.test(asked);
  });
}

export function literalOf(id: string, text: string, d: InputDescription): unknown {
  const type = literalTypeOf(d.schema).name;
  const t = text.trim();
  if (type === 'integer') {
    if (!/^[+-]?\d+$/.test(t)) throw unreadable(id, `Input '${id}' takes an integer, not '${t}'`);
    return Number(t);
  }
  if (type === 'double') {
    const n = Number(t);
    if (t === '' || !Number.isFinite(n)) throw unreadable(id, `Input '${id}' takes a number, not '${t}'`);
    return n;
  }
  if (type === 'boolean') {
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    throw unreadable(id, `Input '${id}' takes a boolean (true or false), not '${t}'`);
  }
  return text;
}

/** An ows:BoundingBox (or a JSON {bbox, crs}) as the engine's `{bbox: [minx, miny, maxx, maxy], crs}`, in x/y order. */
function bboxOf(id: string, data: XmlTreeNode): unknown {
  const box = firstChild(data, (c) => isOws(c, 'BoundingBox') || isOws(c, 'WGS84BoundingBox'));
  if (!box) {
    try {
      return JSON.parse(rawText(data));
    } catch {
      throw unreadable(id, `Input '${id}' takes an ows:BoundingBox`);
    }
  }
  const corner = (name: string) => {
    const el = firstChild(box, (c) => isOws(c, name));
    const nums = (el?.text ?? '').split(/\s+/).filter(Boolean).map(Number);
    if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n))) throw unreadable(id, `Input '${id}': ows:${name} must hold two numbers`);
    return nums as [number, number];
  };
  let [a, b] = [corner('LowerCorner'), corner('UpperCorner')];
  const crs = box.name === 'WGS84BoundingBox' ? CRS84 : (box.attrs.crs ?? CRS84);
  // EPSG:4326 in its authority order is latitude first; the engine computes in x/y.
  if (/EPSG(\/0\/|::?)4326$/.test(crs)) {
    a = [a[1], a[0]];
    b = [b[1], b[0]];
    return { bbox: [a[0], a[1], b[0], b[1]], crs: CRS84 };
  }
  return { bbox: [a[0], a[1], b[0], b[1]], crs };
}

/** Inline complex data as the engine takes it: a file's content (text, or base64), else JSON. */
export function complexTextOf(id: string, text: string, encoding: string | undefined, d: InputDescription): unknown {
  const isFile = d.schema.contentEncoding === 'binary' || d.schema.format === 'binary' || d.schema.format === 'uri';
  if (isFile) return encoding?.toLowerCase() === 'base64' ? { value: text.replace(/\s+/g, ''), encoding: 'base64' } : { value: text };
  // JSON-valued inputs (objects, arrays): the Data element holds the JSON text.
  try {
    return JSON.parse(text);
  } catch {
    throw unreadable(id, `Input '${id}' takes JSON (mimeType application/json)`);
  }
}

/** A Data (2.0) or ComplexData (1.0.0) element's content: embedded XML, or its text. */
export function complexOf(id: string, data: XmlTreeNode, d: InputDescription): unknown {
  return complexTextOf(id, embeddedXml(data) ?? rawText(data), data.attrs.encoding, d);
}

function inputValue(input: XmlTreeNode, d: InputDescription): unknown {
  const id = input.attrs.id!;
  if (firstChild(input, (c) => isWps(c, 'Input'))) throw bad(id, `Input '${id}' has no sub-inputs`);
  const reference = firstChild(input, (c) => isWps(c, 'Reference'));
  const data = firstChild(input, (c) => isWps(c, 'Data'));
  const kind = dataKindOf(d.schema);
  // 14-065r2 table 46: a format the input does not take is NoSuchFormat (complex data; literals
  // and bounding boxes have the one text/plain format and their own types).
  const mimeType = (reference ?? data)?.attrs.mimeType;
  if (kind === 'complex' && mimeType && !offersFormat(d.schema, mimeType)) {
    throw new OwsException('NoSuchFormat', `Input '${id}' does not take ${mimeType}; it takes ${mediaTypesOf(d.schema).join(', ')}`, { locator: id, status: 400 });
  }
  if (reference) {
    if (firstChild(reference, (c) => isWps(c, 'Body') || isWps(c, 'BodyReference'))) {
      throw new OwsException('OptionNotSupported', `Input '${id}': references with a request body (POST) are not supported`, { locator: id });
    }
    const href = hrefOf(reference);
    if (!href) throw new OwsException('MissingParameterValue', `Input '${id}': wps:Reference needs xlink:href`, { locator: id });
    if (kind !== 'complex') throw bad(id, `Input '${id}' is a ${kind === 'bbox' ? 'bounding box' : 'literal'}; give it inline as wps:Data`);
    return { href };
  }
  if (!data) throw new OwsException('MissingParameterValue', `Input '${id}' needs wps:Data or wps:Reference`, { locator: id });
  if (kind === 'bbox') return bboxOf(id, data);
  if (kind === 'literal') {
    const literal = firstChild(data, (c) => isWps(c, 'LiteralValue'));
    return literalOf(id, literal ? literal.text : rawText(data), d);
  }
  return complexOf(id, data, d);
}

/** The whole request, read against the process it names. */
export function readExecute(root: XmlTreeNode, process: ProcessRecord): WpsExecuteRequest {
  const head = executeHead(root);
  const description = process.description;
  const inputs: Record<string, unknown[]> = {};
  const given = childrenNamed(root, (c) => isWps(c, 'Input'));
  if (given.some((i) => !i.attrs.id)) throw new OwsException('MissingParameterValue', 'wps:Input needs an id', { locator: 'Input' });
  // 14-065r2 table 46: NoSuchInput / NoSuchOutput name every identifier the process does not have.
  const unknownInputs = [...new Set(given.map((i) => i.attrs.id!).filter((id) => !(id in description.inputs)))];
  if (unknownInputs.length) {
    throw new OwsException('NoSuchInput', `Process '${process.id}' has no input ${unknownInputs.map((id) => `'${id}'`).join(', ')}`, { locator: unknownInputs.join(','), status: 400 });
  }
  for (const input of given) (inputs[input.attrs.id!] ??= []).push(inputValue(input, description.inputs[input.attrs.id!]!));
  const values: Record<string, unknown> = {};
  for (const [id, list] of Object.entries(inputs)) {
    const d = description.inputs[id]!;
    if (d.maxOccurs !== 'unbounded' && list.length > d.maxOccurs) {
      throw new OwsException('TooManyInputs', `Input '${id}' takes at most ${d.maxOccurs} value(s), got ${list.length}`, { locator: id, status: 400 });
    }
    values[id] = d.maxOccurs === 1 ? list[0] : list;
  }
  const outputs: OutputDefinition[] = [];
  const asked = childrenNamed(root, (c) => isWps(c, 'Output'));
  if (asked.some((o) => !o.attrs.id)) throw new OwsException('MissingParameterValue', 'wps:Output needs an id', { locator: 'Output' });
  const unknownOutputs = [...new Set(asked.map((o) => o.attrs.id!).filter((id) => !(id in description.outputs)))];
  if (unknownOutputs.length) {
    throw new OwsException('NoSuchOutput', `Process '${process.id}' has no output ${unknownOutputs.map((id) => `'${id}'`).join(', ')}`, { locator: unknownOutputs.join(','), status: 400 });
  }
  for (const o of asked) {
    const id = o.attrs.id!;
    const transmission = o.attrs.transmission;
    // The valid values are the offering's outputTransmission (14-065r2 table 44): others are invalid values.
    if (transmission !== undefined && transmission !== 'value' && transmission !== 'reference') throw bad(id, `transmission '${transmission}' is not value or reference`);
    if (transmission && !description.outputTransmission.includes(transmission)) {
      throw bad(id, `Process '${process.id}' does not return outputs by ${transmission} (outputTransmission: ${description.outputTransmission.join(' ')})`);
    }
    const schema = description.outputs[id]!.schema;
    if (o.attrs.mimeType && dataKindOf(schema) === 'complex' && !offersFormat(schema, o.attrs.mimeType)) {
      throw new OwsException('NoSuchFormat', `Output '${id}' is not offered as ${o.attrs.mimeType}; it is ${mediaTypesOf(schema).join(', ')}`, { locator: id, status: 400 });
    }
    outputs.push({ id, transmission: transmission as TransmissionMode | undefined, mimeType: o.attrs.mimeType });
  }
  // 14-065r2 table 46: TooManyOutputs (raw data needs exactly one output), naming the outputs.
  if (head.response === 'raw' && (outputs.length > 1 || (outputs.length === 0 && Object.keys(description.outputs).length > 1))) {
    const named = outputs.length > 1 ? [...new Set(outputs.map((o) => o.id))] : Object.keys(description.outputs);
    throw new OwsException('TooManyOutputs', 'A raw response carries exactly one output: name it with one wps:Output', { locator: named.join(','), status: 400 });
  }
  return { ...head, inputs: values, outputs };
}

/** The engine's request. */
export function engineRequest(r: WpsExecuteRequest): ExecuteRequest {
  const request: ExecuteRequest = { inputs: r.inputs, response: r.response };
  if (r.outputs.length) {
    request.outputs = Object.fromEntries(r.outputs.map((o) => [o.id, { ...(o.transmission ? { transmissionMode: o.transmission } : {}), ...(o.mimeType ? { format: { mediaType: o.mimeType } } : {}) }]));
  }
  return request;
}
