/**
 * The Execute request (OGC 14-065 §9.3, wpsExecute.xsd) read against the process description
 * into the engine's ExecuteRequest: wps:Data as literals (typed by the input's schema), bounding
 * boxes (ows:BoundingBox, or JSON) or inline complex data (text, XML, or base64), wps:Reference
 * as `{href}` (http(s) URLs, `catalogue:ID`, `blob:KEY`, resolved by the engine's stage-in),
 * repeated inputs as lists; the outputs asked for with their transmission and media type.
 */
import { OwsException, type XmlTreeNode } from '../../core/ows/index.js';
import type { ExecuteRequest, InputDescription, ProcessRecord, TransmissionMode } from '../processing/types.js';
import { CRS84, dataKindOf, literalTypeOf } from './process-xml.js';
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
  if (mode !== 'sync' && mode !== 'async' && mode !== 'auto') throw new OwsException('NoSuchMode', `mode '${mode}' is not one of sync, async, auto`, { locator: 'mode', status: 400 });
  const response = root.attrs.response;
  if (response === undefined) throw new OwsException('MissingParameterValue', 'Execute needs response="raw|document"', { locator: 'response' });
  if (response !== 'raw' && response !== 'document') throw new OwsException('InvalidParameterValue', `response '${response}' is not raw or document`, { locator: 'response' });
  return { processId: id, mode, response };
}

const bad = (id: string, message: string) => new OwsException('InvalidParameterValue', message, { locator: id });

export function literalOf(id: string, text: string, d: InputDescription): unknown {
  const type = literalTypeOf(d.schema).name;
  const t = text.trim();
  if (type === 'integer') {
    if (!/^[+-]?\d+$/.test(t)) throw bad(id, `Input '${id}' takes an integer, not '${t}'`);
    return Number(t);
  }
  if (type === 'double') {
    const n = Number(t);
    if (t === '' || !Number.isFinite(n)) throw bad(id, `Input '${id}' takes a number, not '${t}'`);
    return n;
  }
  if (type === 'boolean') {
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    throw bad(id, `Input '${id}' takes a boolean (true or false), not '${t}'`);
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
      throw bad(id, `Input '${id}' takes an ows:BoundingBox`);
    }
  }
  const corner = (name: string) => {
    const el = firstChild(box, (c) => isOws(c, name));
    const nums = (el?.text ?? '').split(/\s+/).filter(Boolean).map(Number);
    if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n))) throw bad(id, `Input '${id}': ows:${name} must hold two numbers`);
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
    throw bad(id, `Input '${id}' takes JSON (mimeType application/json)`);
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
  const kind = dataKindOf(d.schema);
  if (reference) {
    if (firstChild(reference, (c) => isWps(c, 'Body') || isWps(c, 'BodyReference'))) {
      throw new OwsException('OptionNotSupported', `Input '${id}': references with a request body (POST) are not supported`, { locator: id });
    }
    const href = hrefOf(reference);
    if (!href) throw new OwsException('MissingParameterValue', `Input '${id}': wps:Reference needs xlink:href`, { locator: id });
    if (kind !== 'complex') throw bad(id, `Input '${id}' is a ${kind === 'bbox' ? 'bounding box' : 'literal'}; give it inline as wps:Data`);
    return { href };
  }
  const data = firstChild(input, (c) => isWps(c, 'Data'));
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
  for (const input of childrenNamed(root, (c) => isWps(c, 'Input'))) {
    const id = input.attrs.id;
    if (!id) throw new OwsException('MissingParameterValue', 'wps:Input needs an id', { locator: 'Input' });
    const d = description.inputs[id];
    if (!d) throw new OwsException('NoSuchInput', `Process '${process.id}' has no input '${id}'`, { locator: id, status: 400 });
    (inputs[id] ??= []).push(inputValue(input, d));
  }
  const values: Record<string, unknown> = {};
  for (const [id, list] of Object.entries(inputs)) {
    const d = description.inputs[id]!;
    if (d.maxOccurs !== 'unbounded' && list.length > d.maxOccurs) {
      throw new OwsException('TooManyInputs', `Input '${id}' takes at most ${d.maxOccurs} value(s), got ${list.length}`, { locator: id, status: 400 });
    }
    values[id] = d.maxOccurs === 1 ? list[0] : list;
  }
  const outputs: OutputDefinition[] = [];
  for (const o of childrenNamed(root, (c) => isWps(c, 'Output'))) {
    const id = o.attrs.id;
    if (!id) throw new OwsException('MissingParameterValue', 'wps:Output needs an id', { locator: 'Output' });
    if (!(id in description.outputs)) throw new OwsException('NoSuchOutput', `Process '${process.id}' has no output '${id}'`, { locator: id, status: 400 });
    const transmission = o.attrs.transmission;
    if (transmission !== undefined && transmission !== 'value' && transmission !== 'reference') throw bad(id, `transmission '${transmission}' is not value or reference`);
    if (transmission && !description.outputTransmission.includes(transmission)) {
      throw new OwsException('NoSuchFormat', `Process '${process.id}' does not return outputs by ${transmission}`, { locator: id, status: 400 });
    }
    outputs.push({ id, transmission: transmission as TransmissionMode | undefined, mimeType: o.attrs.mimeType });
  }
  if (head.response === 'raw' && (outputs.length > 1 || (outputs.length === 0 && Object.keys(description.outputs).length > 1))) {
    throw new OwsException('TooManyOutputs', 'A raw response carries exactly one output: name it with one wps:Output', { locator: 'response', status: 400 });
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
