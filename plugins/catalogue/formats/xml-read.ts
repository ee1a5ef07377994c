/**
 * Reading metadata documents for the XML formats: one safe parse per document (core/ows
 * parseXmlDocument: no DTD, no entities, size and depth limits), shared by a format's detect and
 * decode, and a small namespace-aware reader over the parsed tree (XPath through selectNodes).
 */
import { BadRequest, MeridianError } from '../../../core/errors.js';
import { readGmlGeometry, type GmlOptions, type XmlNode } from '../../../core/filter/index.js';
import { escapeXmlAttr, parseInstant, parseXmlDocument, selectNodes, type XmlDocument, type XmlDomElement } from '../../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';
import type { MetadataDocument } from './types.js';

/** A document-level problem: 400 InvalidRecord naming where (an element, or 'document'). */
export function invalidRecord(message: string, locator: string): BadRequest {
  return new BadRequest(message, { code: 'InvalidRecord', locator });
}

type Parsed = { doc: XmlDocument } | { error: MeridianError };
const parsedDocuments = new WeakMap<MetadataDocument, Parsed>();

function looksLikeXml(text: string): boolean {
  const head = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return head.trimStart().startsWith('<');
}

/** Parses once per document object, so detect and decode of every XML format share one parse. */
function parsed(doc: MetadataDocument): Parsed {
  let result = parsedDocuments.get(doc);
  if (result) return result;
  try {
    if (!looksLikeXml(doc.text)) throw invalidRecord(`${doc.source ?? 'The document'} is not XML`, 'document');
    result = { doc: parseXmlDocument(doc.text, { code: 'InvalidRecord', locator: 'document' }) };
  } catch (err) {
    const e = err as MeridianError;
    const message = `${doc.source ? `${doc.source}: ` : ''}${e.message}`;
    // Refused as too large keeps its 413; everything else about the text is a bad record.
    result = { error: e.status === 413 ? new MeridianError(413, message, { code: 'InvalidRecord', locator: 'document' }) : invalidRecord(message, e.locator ?? 'document') };
  }
  parsedDocuments.set(doc, result);
  return result;
}

/** The root element's namespace URI and local name, read from the start tag without parsing. */
function sniffRoot(text: string): { namespace?: string; localName: string } | undefined {
  const m = /<([A-Za-z_][\w.-]*)(?::([A-Za-z_][\w.-]*))?([^>]*)>/.exec(text);
  if (!m) return undefined;
  const [, first, second, rest] = m;
  const prefix = second === undefined ? undefined : first;
  const localName = second ?? first!;
  const decl = new RegExp(`xmlns${prefix ? `:${prefix}` : ''}\\s*=\\s*["']([^"']*)["']`).exec(rest ?? '');
  return { namespace: decl?.[1], localName };
}

/**
 * Whether the document's root is one of `roots` ({namespace, localName}). A document the safe
 * parser refuses (a DOCTYPE, an entity, not well-formed) but whose start tag names such a root
 * still counts, so that decode reports why it was refused rather than "no format reads it".
 */
export function hasRoot(doc: MetadataDocument, roots: ReadonlyArray<{ namespace: string; localName: string }>): boolean {
  if (doc.json !== undefined || !looksLikeXml(doc.text)) return false;
  const p = parsed(doc);
  if ('doc' in p) {
    const root = p.doc.root();
    const ns = root?.namespace()?.href();
    return !!root && roots.some((r) => r.localName === root.name() && r.namespace === ns);
  }
  const sniffed = sniffRoot(doc.text);
  return !!sniffed && roots.some((r) => r.localName === sniffed.localName && r.namespace === sniffed.namespace);
}

/** The parsed root element, or BadRequest InvalidRecord (not XML, refused, wrong root). */
export function rootElement(doc: MetadataDocument, roots: ReadonlyArray<{ namespace: string; localName: string }>, expected: string): XmlDomElement {
  const p = parsed(doc);
  if ('error' in p) throw p.error;
  const root = p.doc.root();
  const ns = root?.namespace()?.href();
  if (!root || !roots.some((r) => r.localName === root.name() && r.namespace === ns)) {
    const found = root ? `{${ns ?? ''}}${root.name()}` : 'no root element';
    throw invalidRecord(`${doc.source ? `${doc.source}: ` : ''}expected ${expected}, found ${found}`, expected);
  }
  return root;
}

/**
 * Text as a person wrote it, without the indentation of the XML around it: lines wrapped by a
 * pretty-printer are joined, paragraphs (blank lines) are kept.
 */
export function tidyText(raw: string): string {
  return raw
    .split(/\n[ \t\r]*\n\s*/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter((paragraph) => paragraph !== '')
    .join('\n\n');
}

type Root = { namespace: string; localName: string };

/** Whether an element is one of `roots` by namespace and local name. */
export function isOneOf(el: XmlDomElement, roots: ReadonlyArray<Root>): boolean {
  const ns = el.namespace()?.href();
  return roots.some((r) => r.localName === el.name() && r.namespace === ns);
}

function childElements(el: XmlDomElement): XmlDomElement[] {
  return el.childNodes().filter((c): c is XmlDomElement => c.type() === 'element');
}

/** The CSW 2.0.2 and 3.0 responses that carry records (a harvested page, one record by id). */
export const CSW_RESPONSES: ReadonlyArray<Root> = ['http://www.opengis.net/cat/csw/2.0.2', 'http://www.opengis.net/cat/csw/3.0'].flatMap((namespace) =>
  ['GetRecordsResponse', 'GetRecordByIdResponse'].map((localName) => ({ namespace, localName })),
);

/**
 * When the document is a CSW GetRecords or GetRecordById response: its records that are one of
 * `roots` (all its records when `roots` is omitted). Undefined for any other document.
 */
export function cswResponseRecords(doc: MetadataDocument, roots?: ReadonlyArray<Root>): XmlDomElement[] | undefined {
  if (doc.json !== undefined || !looksLikeXml(doc.text)) return undefined;
  const p = parsed(doc);
  const root = 'doc' in p ? p.doc.root() : null;
  if (!root || !isOneOf(root, CSW_RESPONSES)) return undefined;
  const container = root.name() === 'GetRecordsResponse' ? childElements(root).find((c) => c.name() === 'SearchResults') : root;
  return container ? childElements(container).filter((c) => !roots || isOneOf(c, roots)) : [];
}

/**
 * For decode: the records of `roots` in a CSW response (none for an empty page), or undefined
 * when the document is no response. A page holding only records of another kind is refused.
 */
export function pageRecords(doc: MetadataDocument, roots: ReadonlyArray<Root>, expected: string): XmlDomElement[] | undefined {
  const all = cswResponseRecords(doc);
  if (all === undefined) return undefined;
  const mine = all.filter((el) => isOneOf(el, roots));
  if (all.length > 0 && mine.length === 0) {
    const found = all[0]!;
    throw invalidRecord(`${doc.source ? `${doc.source}: ` : ''}expected ${expected} records in the response, found {${found.namespace()?.href() ?? ''}}${found.name()}`, expected);
  }
  return mine;
}

/** XPath over one namespace binding set, returning elements, texts and numbers. */
export class XmlReader {
  constructor(readonly ns: Record<string, string>) {}

  /** Elements matching `xpath` under `ctx` (attributes and text nodes are left out). */
  all(ctx: XmlDomElement, xpath: string): XmlDomElement[] {
    return selectNodes(ctx, xpath, this.ns).filter((n): n is XmlDomElement => n.type() === 'element');
  }

  first(ctx: XmlDomElement, xpath: string): XmlDomElement | undefined {
    return this.all(ctx, xpath)[0];
  }

  /** String values (element text or attribute value, tidied) of the matches, empty ones left out. */
  values(ctx: XmlDomElement, xpath: string): string[] {
    const out: string[] = [];
    for (const node of selectNodes(ctx, xpath, this.ns)) {
      const kind = node.type();
      const raw = kind === 'attribute' ? (node as unknown as { value(): string }).value() : kind === 'element' || kind === 'text' ? (node as XmlDomElement).text() : '';
      const value = tidyText(raw);
      if (value) out.push(value);
    }
    return out;
  }

  value(ctx: XmlDomElement, xpath: string): string | undefined {
    return this.values(ctx, xpath)[0];
  }

  /** Code list values of the matches: each one's codeListValue attribute, else its text. */
  codes(ctx: XmlDomElement, xpath: string): string[] {
    return this.all(ctx, xpath).map((el) => attribute(el, 'codeListValue') ?? el.text().trim()).filter((v) => v !== '');
  }

  /** A number, undefined when absent or empty; InvalidRecord when present and not a number. */
  number(ctx: XmlDomElement, xpath: string, locator: string): number | undefined {
    const text = this.value(ctx, xpath);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n)) throw invalidRecord(`${locator} '${text}' is not a number`, locator);
    return n;
  }
}

/**
 * An element of a larger document as a document of its own: its markup with the namespaces it
 * inherits declared on it (a record taken out of a GetRecords response).
 */
export function standaloneXml(el: XmlDomElement): string {
  const local = new Set(el.namespaces(true).map((n) => n.prefix() ?? ''));
  const inherited = el
    .namespaces()
    .filter((n) => !local.has(n.prefix() ?? ''))
    .map((n) => (n.prefix() ? ` xmlns:${n.prefix()}="${escapeXmlAttr(n.href())}"` : ` xmlns="${escapeXmlAttr(n.href())}"`))
    .join('');
  return el.toString(false).replace(/^<[^\s>/]+/, (tag) => tag + inherited);
}

/** The local name of an element. */
export function localName(el: XmlDomElement): string {
  return el.name();
}

export function attribute(el: XmlDomElement, name: string): string | undefined {
  const value = el.attr(name)?.value().trim();
  return value ? value : undefined;
}

/** An element subtree as core/filter's local-name tree, for its GML reader. */
export function toXmlNode(el: XmlDomElement): XmlNode {
  const attrs: Record<string, string> = {};
  for (const a of el.attrs()) attrs[a.name()] = a.value();
  const children: XmlNode[] = [];
  let text = '';
  for (const c of el.childNodes()) {
    const kind = c.type();
    if (kind === 'element') children.push(toXmlNode(c as XmlDomElement));
    else if (kind === 'text' || (kind as string) === 'cdata') text += (c as unknown as { text(): string }).text();
  }
  return { name: el.name(), attrs, children, text: text.trim() };
}

/** A GML geometry element (3.2 or earlier) as GeoJSON in CRS:84; InvalidRecord when it is not one. */
export function gmlGeometry(el: XmlDomElement, locator: string, options: GmlOptions = {}): GeoJSONGeometry {
  try {
    return readGmlGeometry(toXmlNode(el), { closeRings: true, ...options, locator });
  } catch (err) {
    throw invalidRecord(`${locator}: ${(err as Error).message}`, locator);
  }
}

/** Values standing for "no date" in harvested metadata: treated as absent (an open end). */
const NO_DATE = /^(?:unknown|now|present|n\/?a|none|null|missing|inapplicable|tbd|-)$/i;

/**
 * An ISO 8601 instant as Date.toISOString text: the first millisecond it denotes, or with
 * `end`, the last (a date as an end covers its whole day). Tolerates a space for 'T'. Undefined
 * for an empty or "unknown" value; InvalidRecord for anything else that is not a date.
 */
export function isoInstant(text: string | undefined, locator: string, end = false): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '' || NO_DATE.test(t)) return undefined;
  const extended = t
    .replace(/^(\d{4}-\d{2}-\d{2}) (\d{2})/, '$1T$2')
    // ISO 8601 basic format (20070716, 20070716T101500Z), which some catalogues write.
    .replace(/^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?)?(?=$|[Z+-])/, (_m, y, mo, d, h, mi, s) => `${y}-${mo}-${d}${h ? `T${h}:${mi}${s ? `:${s}` : ''}` : ''}`);
  const parsedInstant = parseInstant(extended);
  if (!parsedInstant) throw invalidRecord(`${locator} '${t}' is not an ISO 8601 date or date-time`, locator);
  return (end ? parsedInstant.end : parsedInstant.begin).toISOString();
}

/** Like isoInstant, but a value that is no date reads as absent: for dates nothing searches by. */
export function lenientInstant(text: string | undefined, locator: string): string | undefined {
  try {
    return isoInstant(text, locator);
  } catch {
    return undefined;
  }
}

/** The prefix `reader` binds to `el`'s namespace (GML 3.2 or the older GML namespace). */
function prefixOf(reader: XmlReader, el: XmlDomElement): string | undefined {
  const ns = el.namespace()?.href();
  return Object.keys(reader.ns).find((p) => reader.ns[p] === ns);
}

/**
 * The start and end of a GML TimePeriod or TimeInstant, in either GML namespace (the reader must
 * bind a prefix to it). A period whose end is empty or indeterminate ("now", "unknown") after a
 * known start is open-ended (an ongoing collection).
 */
export function gmlTime(reader: XmlReader, el: XmlDomElement): { start?: string; end?: string; openEnd?: boolean } {
  const gml = prefixOf(reader, el);
  if (!gml) return {};
  if (el.name() === 'TimeInstant') {
    const at = reader.value(el, `${gml}:timePosition`);
    return { start: isoInstant(at, 'gml:timePosition'), end: isoInstant(at, 'gml:timePosition', true) };
  }
  if (el.name() !== 'TimePeriod') return {};
  const begin = reader.value(el, `${gml}:beginPosition | ${gml}:begin/${gml}:TimeInstant/${gml}:timePosition`);
  const finish = reader.value(el, `${gml}:endPosition | ${gml}:end/${gml}:TimeInstant/${gml}:timePosition`);
  const start = isoInstant(begin, 'gml:beginPosition');
  const end = isoInstant(finish, 'gml:endPosition', true);
  return start !== undefined && end === undefined ? { start, openEnd: true } : { start, end };
}
