/**
 * The WPS 1.0.0 Execute request (OGC 05-007r7 §10.2) in both encodings, read against the process
 * description into the engine's inputs and the response form:
 *
 * - XML (wpsExecute_request.xsd): wps:DataInputs/wps:Input with wps:Reference xlink:href, or
 *   wps:Data holding wps:LiteralData, wps:ComplexData (text, embedded XML, or encoding="base64")
 *   or wps:BoundingBoxData; wps:ResponseForm with wps:ResponseDocument (storeExecuteResponse,
 *   lineage, status; wps:Output asReference/mimeType) or wps:RawDataOutput.
 * - KVP (§10.2.2): `DataInputs=id=value@attr=v;id2=...` (a reference is `id=@xlink:href=URL`;
 *   a bounding box `minx,miny,maxx,maxy[,crs]`), `ResponseDocument=id@asReference=true;...` or
 *   `RawDataOutput=id@mimeType=...`, `storeExecuteResponse`, `lineage`, `status`. The pieces are
 *   split before they are percent-decoded, so an encoded `;`, `@` or `=` stays in its value.
 *
 * Bounding boxes: the URN/URI forms of EPSG:4326 are latitude first (their authority order) and
 * are swapped to x/y; the short `EPSG:4326` (what OWSLib sends by default) is taken longitude
 * first, as WPS 1.0.0 clients write it.
 */
import { OwsException, type XmlTreeNode } from '../../../core/ows/index.js';
import type { InputDescription, ProcessRecord } from '../../processing/types.js';
import { complexOf, complexTextOf, literalOf } from '../execute-request.js';
import { CRS84, dataKindOf } from '../process-xml.js';
import { childrenNamed, embeddedXml, firstChild, hrefOf, rawText } from '../xml-read.js';
import { isOws11, isWps1 } from './namespaces.js';

export interface Wps1OutputDefinition {
  id: string;
  asReference?: boolean;
  mimeType?: string;
}

/** What the response should be, kept with the job so its status document answers alike. */
export interface Wps1Prefs {
  store: boolean;
  status: boolean;
  lineage: boolean;
  /** RawDataOutput: the one output, answered as itself. */
  raw?: Wps1OutputDefinition;
  /** The ResponseDocument's outputs; empty: all of them. */
  outputs: Wps1OutputDefinition[];
  /** The inputs as received, for lineage. */
  inputs: ReceivedInput[];
}

/** An input as sent, before it is read against the description. */
export type ReceivedInput =
  | { id: string; kind: 'reference'; href: string; mimeType?: string }
  | { id: string; kind: 'literal'; text: string }
  | { id: string; kind: 'complex'; text: string; mimeType?: string; encoding?: string }
  | { id: string; kind: 'bbox'; lower: number[]; upper: number[]; crs?: string };

export interface Wps1Execute {
  processId: string;
  prefs: Wps1Prefs;
  /** The engine's inputs. */
  inputs: Record<string, unknown>;
}

const invalid = (locator: string, message: string) => new OwsException('InvalidParameterValue', message, { locator });

function bool(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalid(name, `${name} must be true or false; got '${value}'`);
}

function numbers(locator: string, text: string | undefined, what: string): number[] {
  const nums = (text ?? '').trim().split(/[\s,]+/).filter(Boolean).map(Number);
  if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n))) throw invalid(locator, `Input '${locator}': ${what} must hold two numbers`);
  return nums;
}

/** A bounding box as the engine's `{bbox: [minx, miny, maxx, maxy], crs}` in x/y order. */
function bboxValue(b: Extract<ReceivedInput, { kind: 'bbox' }>): unknown {
  const crs = b.crs?.trim() || CRS84;
  const latFirst = /^(urn:ogc:def:crs:EPSG:[\d.]*:4326|https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/4326)$/i.test(crs);
  if (latFirst) return { bbox: [b.lower[1], b.lower[0], b.upper[1], b.upper[0]], crs: CRS84 };
  if (/^EPSG:4326$/i.test(crs)) return { bbox: [b.lower[0], b.lower[1], b.upper[0], b.upper[1]], crs: CRS84 };
  return { bbox: [b.lower[0], b.lower[1], b.upper[0], b.upper[1]], crs };
}

function engineValue(r: ReceivedInput, d: InputDescription, complexNode?: XmlTreeNode): unknown {
  const kind = dataKindOf(d.schema);
  if (r.kind === 'reference') {
    if (kind !== 'complex') throw invalid(r.id, `Input '${r.id}' is a ${kind === 'bbox' ? 'bounding box' : 'literal'}; give it as data, not by reference`);
    return { href: r.href };
  }
  if (kind === 'bbox') {
    if (r.kind !== 'bbox') throw invalid(r.id, `Input '${r.id}' takes wps:BoundingBoxData`);
    return bboxValue(r);
  }
  if (kind === 'literal') {
    if (r.kind !== 'literal') throw invalid(r.id, `Input '${r.id}' takes wps:LiteralData`);
    return literalOf(r.id, r.text, d);
  }
  if (r.kind === 'bbox') throw invalid(r.id, `Input '${r.id}' takes wps:ComplexData or wps:Reference`);
  if (complexNode) return complexOf(r.id, complexNode, d);
  return complexTextOf(r.id, r.text, r.kind === 'complex' ? r.encoding : undefined, d);
}

/** The received inputs read against the description: unknown ids and too many values are InvalidParameterValue (1.0.0 has no NoSuchInput/TooManyInputs). */
function engineInputs(process: ProcessRecord, received: ReceivedInput[], complexNodes: Map<ReceivedInput, XmlTreeNode>): Record<string, unknown> {
  const lists: Record<string, unknown[]> = {};
  for (const r of received) {
    const d = process.description.inputs[r.id];
    if (!d) throw invalid(r.id, `Process '${process.id}' has no input '${r.id}'`);
    (lists[r.id] ??= []).push(engineValue(r, d, complexNodes.get(r)));
  }
  const values: Record<string, unknown> = {};
  for (const [id, list] of Object.entries(lists)) {
    const d = process.description.inputs[id]!;
    if (d.maxOccurs !== 'unbounded' && list.length > d.maxOccurs) throw invalid(id, `Input '${id}' takes at most ${d.maxOccurs} value(s), got ${list.length}`);
    values[id] = d.maxOccurs === 1 ? list[0] : list;
  }
  return values;
}

function checkOutputs(process: ProcessRecord, prefs: Wps1Prefs): void {
  for (const o of [...prefs.outputs, ...(prefs.raw ? [prefs.raw] : [])]) {
    if (!(o.id in process.description.outputs)) throw invalid(o.id, `Process '${process.id}' has no output '${o.id}'`);
  }
  if (prefs.status && !prefs.store) throw invalid('status', 'status="true" needs storeExecuteResponse="true"');
}

// ---- XML ----

export function executeIdOfXml(root: XmlTreeNode): string {
  const id = firstChild(root, (c) => isOws11(c, 'Identifier'))?.text;
  if (!id) throw new OwsException('MissingParameterValue', 'Execute needs the ows:Identifier of the process', { locator: 'Identifier' });
  return id;
}

function receivedOfXml(input: XmlTreeNode, complexNodes: Map<ReceivedInput, XmlTreeNode>): ReceivedInput {
  const id = firstChild(input, (c) => isOws11(c, 'Identifier'))?.text;
  if (!id) throw new OwsException('MissingParameterValue', 'wps:Input needs an ows:Identifier', { locator: 'Input' });
  const reference = firstChild(input, (c) => isWps1(c, 'Reference'));
  if (reference) {
    if (firstChild(reference, (c) => isWps1(c, 'Body') || isWps1(c, 'BodyReference')) || reference.attrs.method?.toUpperCase() === 'POST') {
      throw new OwsException('OptionNotSupported', `Input '${id}': references with a POST body are not supported`, { locator: id });
    }
    const href = hrefOf(reference);
    if (!href) throw new OwsException('MissingParameterValue', `Input '${id}': wps:Reference needs xlink:href`, { locator: id });
    return { id, kind: 'reference', href, mimeType: reference.attrs.mimeType };
  }
  const data = firstChild(input, (c) => isWps1(c, 'Data'));
  const value = data?.children[0];
  if (!data || !value) throw new OwsException('MissingParameterValue', `Input '${id}' needs wps:Data or wps:Reference`, { locator: id });
  if (isWps1(value, 'LiteralData')) return { id, kind: 'literal', text: value.text };
  if (isWps1(value, 'BoundingBoxData')) {
    const corner = (name: string) => numbers(id, firstChild(value, (c) => isOws11(c, name) || isWps1(c, name))?.text, `ows:${name}`);
    return { id, kind: 'bbox', lower: corner('LowerCorner'), upper: corner('UpperCorner'), crs: value.attrs.crs };
  }
  if (isWps1(value, 'ComplexData')) {
    const r: ReceivedInput = { id, kind: 'complex', text: embeddedXml(value) ?? rawText(value), mimeType: value.attrs.mimeType, encoding: value.attrs.encoding };
    complexNodes.set(r, value);
    return r;
  }
  throw invalid(id, `Input '${id}': wps:Data holds wps:LiteralData, wps:ComplexData or wps:BoundingBoxData, not '${value.name}'`);
}

function outputOfXml(o: XmlTreeNode): Wps1OutputDefinition {
  const id = firstChild(o, (c) => isOws11(c, 'Identifier'))?.text;
  if (!id) throw new OwsException('MissingParameterValue', `wps:${o.name} needs an ows:Identifier`, { locator: o.name });
  return { id, asReference: o.attrs.asReference === undefined ? undefined : bool(o.attrs.asReference, 'asReference'), mimeType: o.attrs.mimeType };
}

export function readExecute1Xml(root: XmlTreeNode, process: ProcessRecord): Wps1Execute {
  const complexNodes = new Map<ReceivedInput, XmlTreeNode>();
  const dataInputs = firstChild(root, (c) => isWps1(c, 'DataInputs'));
  const received = dataInputs ? childrenNamed(dataInputs, (c) => isWps1(c, 'Input')).map((i) => receivedOfXml(i, complexNodes)) : [];
  const form = firstChild(root, (c) => isWps1(c, 'ResponseForm'));
  const doc = form && firstChild(form, (c) => isWps1(c, 'ResponseDocument'));
  const raw = form && firstChild(form, (c) => isWps1(c, 'RawDataOutput'));
  const prefs: Wps1Prefs = {
    store: bool(doc?.attrs.storeExecuteResponse, 'storeExecuteResponse'),
    status: bool(doc?.attrs.status, 'status'),
    lineage: bool(doc?.attrs.lineage, 'lineage'),
    raw: raw ? outputOfXml(raw) : undefined,
    outputs: doc ? childrenNamed(doc, (c) => isWps1(c, 'Output')).map(outputOfXml) : [],
    inputs: received,
  };
  checkOutputs(process, prefs);
  return { processId: process.id, prefs, inputs: engineInputs(process, received, complexNodes) };
}

// ---- KVP ----

/** A parameter's value as sent (still percent-encoded), by case-insensitive name. */
export function rawKvpValue(query: string, name: string): string | undefined {
  for (const pair of query.split('&')) {
    const at = pair.indexOf('=');
    const key = decodeURIComponent((at < 0 ? pair : pair.slice(0, at)).replace(/\+/g, ' '));
    if (key.toLowerCase() === name.toLowerCase()) return at < 0 ? '' : pair.slice(at + 1);
  }
  return undefined;
}

const decode = (s: string, locator: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw invalid(locator, `'${s}' is not percent-encoded correctly`);
  }
};

/** `a=v@k=x@k2=y;b=...` as [{name, value, attrs}], each piece decoded after splitting. */
function kvpList(raw: string, locator: string, withValue: boolean): Array<{ name: string; value: string; attrs: Record<string, string> }> {
  return raw
    .split(';')
    .filter((s) => s !== '')
    .map((item) => {
      const [head, ...attrParts] = item.split('@');
      const attrs: Record<string, string> = {};
      for (const part of attrParts) {
        const at = part.indexOf('=');
        if (at < 0) throw invalid(locator, `'${decode(part, locator)}' in ${locator} is not attribute=value`);
        attrs[decode(part.slice(0, at), locator).toLowerCase().replace(/^xlink:/, '')] = decode(part.slice(at + 1), locator);
      }
      const at = head!.indexOf('=');
      if (withValue && at < 0 && attrs.href === undefined) throw invalid(locator, `'${decode(head!, locator)}' in ${locator} is not id=value`);
      const name = decode(at < 0 ? head! : head!.slice(0, at), locator);
      if (!name) throw invalid(locator, `An item of ${locator} has no identifier`);
      return { name, value: at < 0 ? '' : decode(head!.slice(at + 1), locator), attrs };
    });
}

function receivedOfKvp(item: { name: string; value: string; attrs: Record<string, string> }, d: InputDescription | undefined): ReceivedInput {
  const id = item.name;
  if (item.attrs.href !== undefined) return { id, kind: 'reference', href: item.attrs.href, mimeType: item.attrs.mimetype };
  const kind = d ? dataKindOf(d.schema) : 'literal';
  if (kind === 'bbox') {
    const parts = item.value.split(',');
    const nums = parts.slice(0, 4).map((p) => Number(p.trim()));
    if (parts.length < 4 || nums.some((n) => !Number.isFinite(n))) throw invalid(id, `Input '${id}' takes minx,miny,maxx,maxy[,crs]`);
    return { id, kind: 'bbox', lower: nums.slice(0, 2), upper: nums.slice(2, 4), crs: parts.slice(4).join(',') || undefined };
  }
  if (kind === 'complex') return { id, kind: 'complex', text: item.value, mimeType: item.attrs.mimetype, encoding: item.attrs.encoding };
  return { id, kind: 'literal', text: item.value };
}

export function readExecute1Kvp(query: string, process: ProcessRecord): Wps1Execute {
  const dataInputs = rawKvpValue(query, 'DataInputs');
  const received = dataInputs ? kvpList(dataInputs, 'DataInputs', true).map((i) => receivedOfKvp(i, process.description.inputs[i.name])) : [];
  const doc = rawKvpValue(query, 'ResponseDocument');
  const raw = rawKvpValue(query, 'RawDataOutput');
  if (doc !== undefined && raw !== undefined) throw invalid('RawDataOutput', 'Give ResponseDocument or RawDataOutput, not both');
  const outputOf = (o: { name: string; attrs: Record<string, string> }): Wps1OutputDefinition => ({
    id: o.name,
    asReference: o.attrs.asreference === undefined ? undefined : bool(o.attrs.asreference, 'asReference'),
    mimeType: o.attrs.mimetype,
  });
  const rawOutputs = raw ? kvpList(raw, 'RawDataOutput', false).map(outputOf) : [];
  if (rawOutputs.length > 1) throw invalid('RawDataOutput', 'RawDataOutput names one output');
  const param = (name: string) => {
    const v = rawKvpValue(query, name);
    return v === undefined ? undefined : decode(v, name);
  };
  const prefs: Wps1Prefs = {
    store: bool(param('storeExecuteResponse'), 'storeExecuteResponse'),
    status: bool(param('status'), 'status'),
    lineage: bool(param('lineage'), 'lineage'),
    raw: rawOutputs[0],
    outputs: doc ? kvpList(doc, 'ResponseDocument', false).map(outputOf) : [],
    inputs: received,
  };
  checkOutputs(process, prefs);
  return { processId: process.id, prefs, inputs: engineInputs(process, received, new Map()) };
}
