/**
 * Runs XACML conformance vectors from a folder in the OASIS/AuthzForce layout:
 * `<category>/<ID>/` (or `<ID>/`) holding policy.xml (the root; policy-N.xml are referenced
 * policies, or all roots when there is no policy.xml), request.xml or request.json, and
 * response.xml or response.json; index.json, when present, lists the cases. Each Result is
 * compared on Decision, Status code, Obligations, AssociatedAdvice, returned Attributes and
 * PolicyIdentifierList (the last four where the expected response has them), as unordered sets.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Element as XmlElement } from 'libxmljs2';
import { dataType } from './xacml/datatypes.js';
import { parseSafeXml, elementChildren, attr } from './xacml/xml-dom.js';
import {
  PolicySyntaxError, XacmlSyntaxError, compilePolicyDocument, createPolicyDecisionPoint, parseJsonRequest, parseXmlRequest, syntaxErrorResponse,
  STATUS_OK, type AttributeFinder, type CompiledPolicyDocument, type XacmlRequest, type XacmlResponse,
} from './xacml/index.js';

export interface VectorCaseResult {
  id: string;
  category: string;
  ok: boolean;
  mismatches: string[];
  /** Set when the case passed because the PDP refused a statically invalid policy at load time. */
  rejectedAtLoad?: boolean;
}

export interface VectorRunOptions {
  /** Only cases for which this returns true. */
  filter?: (id: string, category: string) => boolean;
  /** Attribute finders given to every case's PDP (e.g. for IIA002's role=Physician). */
  attributeFinders?: AttributeFinder[];
}

export interface VectorRunReport {
  passed: number;
  failed: number;
  cases: VectorCaseResult[];
}

interface CaseEntry {
  id: string;
  category: string;
  dir: string;
  notes: string;
}

/** A Result reduced to what is compared, values in canonical form. */
interface Comparable {
  decision: string;
  status: string;
  obligations?: string[];
  advice?: string[];
  attributes?: string[];
  policyIds?: string[];
}

function canonicalValue(type: string, value: string): string {
  const t = dataType(type);
  if (!t) return value.trim();
  try {
    return t.format(t.parse(value));
  } catch {
    return value.trim();
  }
}

function listCases(dir: string): CaseEntry[] {
  const indexPath = join(dir, 'index.json');
  if (existsSync(indexPath)) {
    const entries = JSON.parse(readFileSync(indexPath, 'utf8')) as { id: string; category?: string; notes?: string }[];
    return entries.map((e) => {
      const nested = e.category ? join(dir, e.category, e.id) : undefined;
      const caseDir = nested && existsSync(nested) ? nested : join(dir, e.id);
      return { id: e.id, category: e.category ?? '', dir: caseDir, notes: e.notes ?? '' };
    });
  }
  const out: CaseEntry[] = [];
  const isCase = (d: string) => existsSync(join(d, 'request.xml')) || existsSync(join(d, 'request.json'));
  for (const name of readdirSync(dir).sort()) {
    const d = join(dir, name);
    if (!statSync(d).isDirectory()) continue;
    if (isCase(d)) { out.push({ id: name, category: '', dir: d, notes: '' }); continue; }
    for (const sub of readdirSync(d).sort()) {
      const c = join(d, sub);
      if (statSync(c).isDirectory() && isCase(c)) out.push({ id: sub, category: name, dir: c, notes: '' });
    }
  }
  return out;
}

// --- expected responses -------------------------------------------------------------------

function xmlAssignments(el: XmlElement): string {
  const id = attr(el, 'ObligationId') ?? attr(el, 'AdviceId') ?? '';
  const parts = elementChildren(el).filter((a) => a.name() === 'AttributeAssignment')
    .map((a) => `${attr(a, 'AttributeId')} ${attr(a, 'Category') ?? '-'} ${attr(a, 'DataType')} = ${canonicalValue(attr(a, 'DataType') ?? '', a.text())}`).sort();
  return `${id} {${parts.join('; ')}}`;
}

function fromXmlResponse(text: string): Comparable[] {
  const root = parseSafeXml(text).root()!;
  return elementChildren(root).filter((r) => r.name() === 'Result').map((r) => {
    const c: Comparable = { decision: '', status: STATUS_OK };
    for (const el of elementChildren(r)) {
      switch (el.name()) {
        case 'Decision': c.decision = el.text().trim(); break;
        case 'Status': {
          const code = elementChildren(el).find((s) => s.name() === 'StatusCode');
          if (code) c.status = attr(code, 'Value') ?? STATUS_OK;
          break;
        }
        case 'Obligations': c.obligations = elementChildren(el).map(xmlAssignments).sort(); break;
        case 'AssociatedAdvice': c.advice = elementChildren(el).map(xmlAssignments).sort(); break;
        case 'Attributes': {
          const category = attr(el, 'Category');
          c.attributes ??= [];
          for (const a of elementChildren(el).filter((x) => x.name() === 'Attribute')) {
            for (const v of elementChildren(a)) c.attributes.push(`${category} ${attr(a, 'AttributeId')} ${attr(v, 'DataType')} = ${canonicalValue(attr(v, 'DataType') ?? '', v.text())}`);
          }
          c.attributes.sort();
          break;
        }
        case 'PolicyIdentifierList':
          c.policyIds = elementChildren(el).map((p) => `${p.name()} ${p.text().trim()} v${attr(p, 'Version') ?? ''}`).sort();
          break;
      }
    }
    return c;
  });
}

type JsonObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function jsonAssignments(o: JsonObject): string {
  const list = (o.AttributeAssignment ?? []) as JsonObject[];
  const parts = list.map((a) => `${a.AttributeId} ${a.Category ?? '-'} ${a.DataType} = ${canonicalValue(a.DataType ?? '', String(a.Value))}`).sort();
  return `${o.Id} {${parts.join('; ')}}`;
}

function fromJsonResponse(doc: JsonObject): Comparable[] {
  const results = (Array.isArray(doc.Response) ? doc.Response : [doc.Response]) as JsonObject[];
  return results.map((r) => {
    const c: Comparable = { decision: r.Decision, status: r.Status?.StatusCode?.Value ?? STATUS_OK };
    if (r.Obligations) c.obligations = (r.Obligations as JsonObject[]).map(jsonAssignments).sort();
    if (r.AssociatedAdvice) c.advice = (r.AssociatedAdvice as JsonObject[]).map(jsonAssignments).sort();
    if (r.Category?.length) {
      c.attributes = [];
      for (const cat of r.Category as JsonObject[]) {
        for (const a of (cat.Attribute ?? []) as JsonObject[]) {
          for (const v of Array.isArray(a.Value) ? a.Value : [a.Value]) c.attributes.push(`${cat.CategoryId} ${a.AttributeId} ${a.DataType} = ${canonicalValue(a.DataType ?? '', String(v))}`);
        }
      }
      c.attributes.sort();
    }
    if (r.PolicyIdentifierList) {
      const l = r.PolicyIdentifierList as JsonObject;
      c.policyIds = [
        ...((l.PolicyIdReference ?? []) as JsonObject[]).map((p) => `PolicyIdReference ${p.Id} v${p.Version ?? ''}`),
        ...((l.PolicySetIdReference ?? []) as JsonObject[]).map((p) => `PolicySetIdReference ${p.Id} v${p.Version ?? ''}`),
      ].sort();
    }
    return c;
  });
}

function fromResponse(response: XacmlResponse): Comparable[] {
  const effects = (list: XacmlResponse['results'][number]['obligations']) => list.map((o) =>
    `${o.id} {${o.assignments.map((a) => `${a.attributeId} ${a.category ?? '-'} ${a.dataType} = ${canonicalValue(a.dataType, a.value)}`).sort().join('; ')}}`).sort();
  return response.results.map((r) => ({
    decision: r.decision,
    status: r.status?.code ?? STATUS_OK,
    obligations: effects(r.obligations),
    advice: effects(r.advice),
    attributes: r.attributes.flatMap((c) => c.attributes.flatMap((a) => a.values.map((v) => `${c.category} ${a.attributeId} ${v.dataType} = ${canonicalValue(v.dataType, String(v.value))}`))).sort(),
    policyIds: r.policyIdentifiers ? [
      ...r.policyIdentifiers.policies.map((p) => `PolicyIdReference ${p.id} v${p.version}`),
      ...r.policyIdentifiers.policySets.map((p) => `PolicySetIdReference ${p.id} v${p.version}`),
    ].sort() : [],
  }));
}

function diffSets(what: string, expected: string[], actual: string[]): string[] {
  const missing = expected.filter((e) => !actual.includes(e));
  const extra = actual.filter((a) => !expected.includes(a));
  if (!missing.length && !extra.length && expected.length === actual.length) return [];
  return [`${what}: expected [${expected.join(', ')}], got [${actual.join(', ')}]`];
}

/** Differences between an expected and an actual Result, one readable line each. */
function compareResult(expected: Comparable, actual: Comparable): string[] {
  const out: string[] = [];
  if (expected.decision !== actual.decision) out.push(`Decision: expected ${expected.decision}, got ${actual.decision}`);
  if (expected.status !== actual.status) out.push(`Status: expected ${expected.status}, got ${actual.status}`);
  for (const key of ['obligations', 'advice', 'attributes', 'policyIds'] as const) {
    const e = expected[key];
    if (e === undefined) continue;
    out.push(...diffSets(key === 'policyIds' ? 'PolicyIdentifierList' : key === 'advice' ? 'AssociatedAdvice' : key[0]!.toUpperCase() + key.slice(1), e, actual[key] ?? []));
  }
  return out;
}

function compareResponses(expected: Comparable[], actual: Comparable[]): string[] {
  if (expected.length === 1 && actual.length === 1) return compareResult(expected[0]!, actual[0]!);
  const out: string[] = [];
  if (expected.length !== actual.length) out.push(`Results: expected ${expected.length}, got ${actual.length}`);
  const unused = actual.slice();
  expected.forEach((e, i) => {
    const at = unused.findIndex((a) => compareResult(e, a).length === 0);
    if (at >= 0) { unused.splice(at, 1); return; }
    out.push(`Result ${i + 1} (${e.decision}) has no match: ${unused.map((a) => compareResult(e, a).join('; ')).join(' | ') || 'no results left'}`);
  });
  return out;
}

function loadPolicies(dir: string): { roots: CompiledPolicyDocument[]; referenced: CompiledPolicyDocument[] } {
  const numbered = readdirSync(dir).filter((f) => /^policy-\d+\.xml$/.test(f)).sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
  const load = (f: string) => compilePolicyDocument(readFileSync(join(dir, f), 'utf8'));
  if (existsSync(join(dir, 'policy.xml'))) return { roots: [load('policy.xml')], referenced: numbered.map(load) };
  return { roots: numbered.map(load), referenced: [] };
}

async function runCase(entry: CaseEntry, options: VectorRunOptions): Promise<VectorCaseResult> {
  const result: VectorCaseResult = { id: entry.id, category: entry.category, ok: false, mismatches: [] };
  const responseXml = join(entry.dir, 'response.xml');
  const expected = existsSync(responseXml)
    ? fromXmlResponse(readFileSync(responseXml, 'utf8'))
    : fromJsonResponse(JSON.parse(readFileSync(join(entry.dir, 'response.json'), 'utf8')) as JsonObject);
  let pdp;
  try {
    const { roots, referenced } = loadPolicies(entry.dir);
    pdp = createPolicyDecisionPoint({ roots, referenced, attributeFinders: options.attributeFinders });
  } catch (err) {
    if (!(err instanceof PolicySyntaxError)) throw err;
    // The README lets a PDP refuse the statically invalid policies at load time.
    const mayReject = /invalid policy at load time/.test(entry.notes) || (!entry.notes && expected.every((e) => e.decision === 'Indeterminate'));
    result.ok = mayReject;
    result.rejectedAtLoad = mayReject;
    if (!mayReject) result.mismatches.push(`policy rejected at load time: ${err.message}`);
    return result;
  }
  let request: XacmlRequest | undefined;
  let response: XacmlResponse;
  try {
    const xmlPath = join(entry.dir, 'request.xml');
    request = existsSync(xmlPath) ? parseXmlRequest(readFileSync(xmlPath, 'utf8')) : parseJsonRequest(readFileSync(join(entry.dir, 'request.json'), 'utf8'));
  } catch (err) {
    if (!(err instanceof XacmlSyntaxError)) throw err;
    request = undefined;
    response = syntaxErrorResponse(err.message);
  }
  response = request ? await pdp.evaluate(request) : response!;
  result.mismatches = compareResponses(expected, fromResponse(response));
  result.ok = result.mismatches.length === 0;
  return result;
}

export async function runConformanceVectors(dir: string, options: VectorRunOptions = {}): Promise<VectorRunReport> {
  const cases: VectorCaseResult[] = [];
  for (const entry of listCases(dir)) {
    if (options.filter && !options.filter(entry.id, entry.category)) continue;
    try {
      cases.push(await runCase(entry, options));
    } catch (err) {
      cases.push({ id: entry.id, category: entry.category, ok: false, mismatches: [`error: ${(err as Error).message}`] });
    }
  }
  const passed = cases.filter((c) => c.ok).length;
  return { passed, failed: cases.length - passed, cases };
}
