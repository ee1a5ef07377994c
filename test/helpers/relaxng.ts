/**
 * Validates XML against the official RELAX NG compact grammars in ../shared/schemas (OpenSearch
 * Geo and Time, OGC 10-032r8, is published only as .rnc), offline, in two parts:
 *
 * - the grammar, with jing (Debian `jing`), which reads .rnc itself. libxml2's RELAX NG (what
 *   libxmljs2's rngValidate runs) rejects the official valid Atom examples of 10-032r8
 *   (atomgeo01.xml, atomgeotime01.xml: its interleave handling of attributes and wildcard
 *   elements), so it cannot be the judge of these grammars;
 * - the Schematron rules the grammars embed as annotations (an Atom entry needs atom:content, a
 *   georss element in the entry or feed; the description needs an Atom template with geo:box),
 *   which no RELAX NG validator checks: the .rnc is converted to RELAX NG XML with trang (Debian
 *   `trang`) in a temporary folder, includes are resolved with their overrides, the rules of the
 *   grammar in effect are collected into a Schematron schema and libxmljs2 runs it.
 *
 *   validateRnc(xml, 'ogc/opensearchgeo/1.0/schemas/atomgeo.rnc')   // [] when valid
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as Libxml from 'libxmljs2';
import { SCHEMAS_SOURCE } from './xsd.js';

const require = createRequire(import.meta.url);
const libxml = require('libxmljs2') as typeof Libxml;

const RNG = 'http://relaxng.org/ns/structure/1.0';
const SCH = 'http://purl.oclc.org/dsdl/schematron';

let workDir: string | undefined;
function work(): string {
  if (workDir) return workDir;
  workDir = mkdtempSync(path.join(tmpdir(), 'meridian-rng-'));
  process.once('exit', () => rmSync(workDir!, { recursive: true, force: true }));
  return workDir;
}

/** Grammar errors of each document, by jing (one JVM for all of them). */
export function jingErrors(documents: readonly string[], rncPath: string): string[][] {
  const dir = mkdtempSync(path.join(work(), 'docs-'));
  const files = documents.map((xml, i) => {
    const file = path.join(dir, `doc${i}.xml`);
    writeFileSync(file, xml);
    return file;
  });
  const run = spawnSync('jing', ['-c', path.join(SCHEMAS_SOURCE, rncPath), ...files], { encoding: 'utf8' });
  if (run.error) throw new Error(`jing could not run (apt-get install jing): ${run.error.message}`);
  const out = `${run.stdout}${run.stderr}`;
  if (run.status !== 0 && !files.some((f) => out.includes(f))) throw new Error(`jing failed on ${rncPath}: ${out}`);
  rmSync(dir, { recursive: true, force: true });
  return files.map((f) =>
    out
      .split('\n')
      .filter((line) => line.startsWith(`${f}:`))
      .map((line) => line.slice(f.length + 1).trim()),
  );
}

/**
 * The grammar as one RELAX NG XML document: each include replaced by the included grammar minus
 * the definitions the include overrides (anywhere in it, nested includes too, as RELAX NG §4.7
 * says); ns and datatypeLibrary made explicit on each pattern, since the included grammar's own
 * root no longer carries them.
 */
function flatten(file: string, remove: ReadonlySet<string>, prefixes: Map<string, string>): string {
  const doc = libxml.parseXml(readFileSync(file, 'utf8'));
  const root = doc.root()!;
  for (const n of root.namespaces()) {
    const p = n.prefix();
    if (!p) continue;
    if (prefixes.has(p) && prefixes.get(p) !== n.href()) throw new Error(`prefix ${p} has two namespaces in ${file}`);
    prefixes.set(p, n.href());
  }
  const isRng = (n: Libxml.Node): n is Libxml.Element => n.type() === 'element' && (n as Libxml.Element).namespace()?.href() === RNG;
  const explicit = (e: Libxml.Element, ns: string, dl: string) => {
    ns = e.attr('ns')?.value() ?? ns;
    dl = e.attr('datatypeLibrary')?.value() ?? dl;
    const name = e.name();
    const qname = name === 'name' ? e.text().trim() : (e.attr('name')?.value() ?? '');
    const prefixed = qname.includes(':');
    if ((name === 'data' || name === 'value') && !e.attr('datatypeLibrary')) e.attr({ datatypeLibrary: dl });
    if ((name === 'nsName' || name === 'value' || (name === 'name' && !prefixed) || (name === 'element' && e.attr('name') && !prefixed)) && !e.attr('ns')) e.attr({ ns });
    // An attribute's name="" is in no namespace unless it says (RELAX NG §4.8).
    if (name === 'attribute' && e.attr('name') && !prefixed && !e.attr('ns')) e.attr({ ns: '' });
    for (const c of e.childNodes()) if (isRng(c)) explicit(c, ns, dl);
  };
  explicit(root, '', '');
  const walk = (e: Libxml.Element, removeHere: ReadonlySet<string>): string => {
    let out = '';
    for (const c of e.childNodes()) {
      if (c.type() !== 'element') continue;
      if (!isRng(c)) {
        out += c.toString();
        continue;
      }
      const name = c.name();
      if (name === 'define' && removeHere.has(c.attr('name')!.value())) continue;
      if (name === 'start' && removeHere.has('#start')) continue;
      if (name === 'div') out += `<div>${walk(c, removeHere)}</div>`;
      else if (name === 'include') {
        const overrides = new Set(removeHere);
        for (const o of c.childNodes()) {
          if (!isRng(o)) continue;
          if (o.name() === 'define') overrides.add(o.attr('name')!.value());
          if (o.name() === 'start') overrides.add('#start');
        }
        out += `<div>${flatten(path.resolve(path.dirname(file), c.attr('href')!.value()), overrides, prefixes)}${walk(c, removeHere)}</div>`;
      } else out += c.toString();
    }
    return out;
  };
  return `<div>${walk(root, remove)}</div>`;
}

const schematronCache = new Map<string, Libxml.Document>();

/** The Schematron rules embedded in the grammar in effect (overridden definitions' rules dropped). */
export function embeddedSchematron(rncPath: string): Libxml.Document {
  const cached = schematronCache.get(rncPath);
  if (cached) return cached;
  const out = mkdtempSync(path.join(work(), 'rng-'));
  const name = path.basename(rncPath, '.rnc');
  execFileSync('trang', ['-I', 'rnc', '-O', 'rng', path.join(SCHEMAS_SOURCE, rncPath), path.join(out, `${name}.rng`)]);
  const prefixes = new Map<string, string>();
  const body = flatten(path.join(out, `${name}.rng`), new Set(), prefixes);
  const xmlns = [...prefixes].map(([p, uri]) => ` xmlns:${p}="${uri}"`).join('');
  const grammar = libxml.parseXml(`<grammar xmlns="${RNG}"${xmlns}>${body}</grammar>`);
  const ns = [...prefixes].filter(([p, uri]) => uri !== SCH && p !== 'xml');
  const patterns = grammar.find('//s:pattern', { s: SCH }).map((p) => p.toString());
  // A rule written without its pattern (osddtime.rnc) gets one.
  const loose = grammar.find('//s:rule[not(parent::s:pattern)]', { s: SCH }).map((r, i) => `<s:pattern name="rule ${i + 1}">${r.toString()}</s:pattern>`);
  const schema = libxml.parseXml(
    `<s:schema xmlns:s="${SCH}"${ns.map(([p, uri]) => ` xmlns:${p}="${uri}"`).join('')}>${ns.map(([p, uri]) => `<s:ns prefix="${p}" uri="${uri}"/>`).join('')}${patterns.join('')}${loose.join('')}</s:schema>`,
  );
  schematronCache.set(rncPath, schema);
  return schema;
}

export function schematronErrors(xml: string, rncPath: string): string[] {
  const doc = libxml.parseXml(xml, { nonet: true });
  if (doc.schematronValidate(embeddedSchematron(rncPath))) return [];
  return doc.validationErrors.map((e) => e.message.trim());
}

/** Grammar and embedded-rule errors of each document against the .rnc (relative to the schemas root). */
export function validateRncAll(documents: readonly string[], rncPath: string): string[][] {
  const grammar = jingErrors(documents, rncPath);
  return documents.map((xml, i) => [...grammar[i]!, ...schematronErrors(xml, rncPath).map((e) => `schematron: ${e}`)]);
}

export function validateRnc(xml: string, rncPath: string): string[] {
  return validateRncAll([xml], rncPath)[0]!;
}

/** Throws listing every error of every document. */
export function assertValidRnc(documents: string | readonly string[], rncPath: string): void {
  const docs = typeof documents === 'string' ? [documents] : documents;
  const errors = validateRncAll(docs, rncPath);
  const bad = errors.flatMap((e, i) => (e.length > 0 ? [`document ${i + 1}:\n    ${e.join('\n    ')}\n--- document ---\n${docs[i]!.slice(0, 3000)}`] : []));
  if (bad.length > 0) throw new Error(`XML does not validate against ${rncPath}:\n  ${bad.join('\n  ')}`);
}
