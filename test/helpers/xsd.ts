/**
 * Validates XML documents against the official OGC/W3C schemas in ../shared/schemas, offline.
 *
 * Follows the schemas README's "reliable recipe": the schema tree is copied once per process to
 * a temporary folder, every absolute `schemaLocation` whose prefix is a key of map.json is
 * rewritten to a relative path (so libxml2 never sees one file under two names, and never
 * reaches for the network), and top-level schemas are loaded from disk with their file path as
 * base URL. Parsed schema documents are cached per path.
 *
 *   const errors = validateXml(xml, 'ogc/ows/2.0/owsAll.xsd');   // [] when valid
 *   assertValidXml(xml, 'ogc/wms/1.3.0/exceptions_1_3_0.xsd');  // throws listing the errors
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Libxml from 'libxmljs2';

const require = createRequire(import.meta.url);
const libxml = require('libxmljs2') as typeof Libxml;

const here = path.dirname(fileURLToPath(import.meta.url));
/** Where the shared schemas live; MERIDIAN_SCHEMAS overrides it. */
export const SCHEMAS_SOURCE = process.env.MERIDIAN_SCHEMAS ?? path.resolve(here, '../../../shared/schemas');

/**
 * Official schemas the shared tree lacks (WCS 1.0.0 and 1.1.1), kept in the repository with their
 * provenance and laid over the shared tree at the same paths.
 */
export const SCHEMAS_OVERLAY = path.resolve(here, '../fixtures/schemas');

let preparedRoot: string | undefined;
const schemaCache = new Map<string, Libxml.Document>();

/** The rewritten copy of the schema tree (made on first use, removed when the process exits). */
export function schemasRoot(): string {
  if (preparedRoot) return preparedRoot;
  if (!existsSync(path.join(SCHEMAS_SOURCE, 'map.json'))) {
    throw new Error(`Official schemas not found at ${SCHEMAS_SOURCE} (set MERIDIAN_SCHEMAS)`);
  }
  const root = mkdtempSync(path.join(tmpdir(), 'meridian-xsd-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  cpSync(SCHEMAS_SOURCE, root, { recursive: true });
  if (existsSync(SCHEMAS_OVERLAY)) cpSync(SCHEMAS_OVERLAY, root, { recursive: true });
  const map = JSON.parse(readFileSync(path.join(root, 'map.json'), 'utf8')) as Record<string, string>;
  // Longest prefix first, so 'https://schemas.opengis.net/' never loses to a shorter key.
  const prefixes = Object.keys(map).sort((a, b) => b.length - a.length);
  for (const file of listFiles(root, '.xsd')) rewriteSchemaLocations(file, root, map, prefixes);
  preparedRoot = root;
  return root;
}

function listFiles(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, ext));
    else if (name.endsWith(ext)) out.push(full);
  }
  return out;
}

function rewriteSchemaLocations(file: string, root: string, map: Record<string, string>, prefixes: string[]): void {
  const source = readFileSync(file, 'utf8');
  const rewritten = source.replace(/schemaLocation\s*=\s*(["'])(.*?)\1/g, (whole, quote: string, location: string) => {
    const prefix = prefixes.find((p) => location.startsWith(p));
    if (!prefix) return whole;
    const target = path.join(root, map[prefix], location.slice(prefix.length));
    const relative = path.relative(path.dirname(file), target).split(path.sep).join('/');
    return `schemaLocation=${quote}${relative}${quote}`;
  });
  if (rewritten !== source) writeFileSync(file, rewritten);
}

/** The parsed schema document for a path relative to the schemas root ('ogc/ows/2.0/owsAll.xsd'). */
export function loadSchema(schemaPath: string): Libxml.Document {
  const cached = schemaCache.get(schemaPath);
  if (cached) return cached;
  const file = path.join(schemasRoot(), schemaPath);
  const doc = libxml.parseXml(readFileSync(file, 'utf8'), { baseUrl: file, nonet: true });
  schemaCache.set(schemaPath, doc);
  return doc;
}

/** Validation errors of `xml` against the schema (empty when valid); parse errors count too. */
export function validateXml(xml: string, schemaPath: string): string[] {
  let doc: Libxml.Document;
  try {
    doc = libxml.parseXml(xml, { nonet: true });
  } catch (err) {
    return [`not well-formed: ${(err as Error).message.trim()}`];
  }
  if (doc.validate(loadSchema(schemaPath))) return [];
  return doc.validationErrors.map((e) => `line ${e.line ?? '?'}: ${e.message.trim()}`);
}

/** Throws an AssertionError-like Error naming every validation error. */
export function assertValidXml(xml: string, schemaPath: string): void {
  const errors = validateXml(xml, schemaPath);
  if (errors.length > 0) {
    throw new Error(`XML does not validate against ${schemaPath}:\n  ${errors.join('\n  ')}\n--- document ---\n${xml.slice(0, 4000)}`);
  }
}
