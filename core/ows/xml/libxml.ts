import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Libxml from 'libxmljs2';
import { assertSafeXml } from './guard.js';
import { decodeXmlInput, xmlRejected, type SafeXmlOptions } from './input.js';

export type XmlDocument = Libxml.Document;
export type XmlDomElement = Libxml.Element;

const require = createRequire(import.meta.url);
let libxml: typeof Libxml | undefined;

/** libxmljs2 is a native addon; it is loaded on first use so that server start-up does not pay for it. */
function lib(): typeof Libxml {
  libxml ??= require('libxmljs2') as typeof Libxml;
  return libxml;
}

/** Parser flags: no entity substitution, no DTD loading or validation, no network, no XInclude. */
const SAFE_FLAGS = { noent: false, dtdload: false, dtdvalid: false, dtdattr: false, nonet: true, xinclude: false, huge: false, noblanks: false } as const;

/**
 * Parses XML into a libxml2 document for XPath and XSD validation, after the same safety scan
 * as the fast path. Errors become an OwsException naming the line.
 */
export function parseXmlDocument(input: string | Uint8Array, options: SafeXmlOptions = {}): XmlDocument {
  const text = decodeXmlInput(input, options);
  assertSafeXml(text, options);
  try {
    return lib().parseXml(text, SAFE_FLAGS);
  } catch (err) {
    const e = err as Partial<Libxml.SyntaxError>;
    const where = e.line ? ` (line ${e.line}${e.column ? `, column ${e.column}` : ''})` : '';
    throw xmlRejected(`XML is not well-formed: ${String(e.message ?? err).trim()}${where}`, options);
  }
}

/** Loads an XSD from disk (its imports resolve relative to it); the document is cached per path. */
const schemaCache = new Map<string, XmlDocument>();
export function loadXmlSchema(path: string): XmlDocument {
  let doc = schemaCache.get(path);
  if (!doc) {
    doc = lib().parseXml(readFileSync(path, 'utf8'), { ...SAFE_FLAGS, baseUrl: path });
    schemaCache.set(path, doc);
  }
  return doc;
}

/** Schema-validation errors of a parsed document (empty when valid), as "line N: message". */
export function xmlSchemaErrors(doc: XmlDocument, schema: XmlDocument): string[] {
  if (doc.validate(schema)) return [];
  return doc.validationErrors.map((e) => `line ${e.line ?? '?'}: ${e.message.trim()}`);
}

/** XPath 1.0 over a parsed document with prefix bindings: `selectNodes(doc, '//ows:Title', { ows: NS.ows20 })`. */
export function selectNodes(doc: XmlDocument | XmlDomElement, xpath: string, namespaces: Record<string, string> = {}): Libxml.Node[] {
  // libxmljs2 answers an invalid expression with undefined rather than an error.
  let nodes: Libxml.Node[] | undefined;
  try {
    nodes = doc.find(xpath, namespaces) as Libxml.Node[] | undefined;
  } catch (err) {
    throw new Error(`Invalid XPath '${xpath}': ${(err as Error).message}`);
  }
  if (!Array.isArray(nodes)) throw new Error(`Invalid XPath '${xpath}'`);
  return nodes;
}
