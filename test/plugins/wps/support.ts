/**
 * The WPS tests' harness: the ADES harness (catalogue, processing engine, ADES, users alice, bob
 * and an admin with API keys, the policy letting authenticated users run public processes) with
 * the WPS plugin enabled at /wps; XML requests and XPath over the answers; schema checks against
 * the official WPS 2.0 and OWS 2.0 XSDs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseXmlDocument, selectNodes } from '../../../core/ows/index.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import { assertValidXml } from '../../helpers/xsd.js';
import { startAdes, type AdesHarness, type ApiResponse, type HarnessOptions } from '../ades/support.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

export const WPS_XSD = 'ogc/wps/2.0/wps.xsd';
export const OWS_EXCEPTION_XSD = 'ogc/ows/2.0/owsExceptionReport.xsd';
export const NSMAP = { wps: 'http://www.opengis.net/wps/2.0', ows: 'http://www.opengis.net/ows/2.0', xlink: 'http://www.w3.org/1999/xlink' };

export type User = 'admin' | 'alice' | 'bob';

export interface WpsHarness extends AdesHarness {
  wps: string;
  kvp(query: string, as?: User): Promise<ApiResponse>;
  post(xml: string, as?: User): Promise<ApiResponse>;
}

export async function startWps(kind: TestDatabaseKind | null, options: HarnessOptions & { wps?: Record<string, unknown> } = {}): Promise<WpsHarness> {
  const h = await startAdes(kind, { ...options, plugins: { wps: { contextFetch: { allowPrivateNetworks: true }, ...options.wps }, ...options.plugins } });
  const wps = `${h.server.url}/wps`;
  return {
    ...h,
    wps,
    kvp: (query, as) => h.request('GET', `${wps}?${query}`, { as }),
    post: (xml, as) => h.request('POST', wps, { as, body: xml, type: 'application/xml' }),
  };
}

/** Values of an XPath over an XML answer (text of elements, values of attributes). */
export function xpath(xml: string, path: string): string[] {
  const doc = parseXmlDocument(xml);
  return selectNodes(doc, path, NSMAP).map((n: any) => (typeof n.value === 'function' ? n.value() : n.text()));
}

export function assertWps(res: ApiResponse, status = 200): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /xml/);
  assertValidXml(res.text, WPS_XSD);
}

/** An ows:ExceptionReport (OWS 2.0, valid) with this code and status; its locator. */
export function assertException(res: ApiResponse, status: number, code: string): string | undefined {
  assert.equal(res.status, status, res.text);
  assertValidXml(res.text, OWS_EXCEPTION_XSD);
  assert.deepEqual(xpath(res.text, '/ows:ExceptionReport/ows:Exception/@exceptionCode'), [code], res.text);
  return xpath(res.text, '/ows:ExceptionReport/ows:Exception/@locator')[0];
}

const HEAD = `service="WPS" version="2.0.0" xmlns:wps="${NSMAP.wps}" xmlns:ows="${NSMAP.ows}" xmlns:xlink="${NSMAP.xlink}"`;

export interface ExecuteSpec {
  process: string;
  mode?: 'sync' | 'async' | 'auto';
  response?: 'raw' | 'document';
  /** Inner XML of each wps:Input, by id (repeat with an array). */
  inputs?: Record<string, string | string[]>;
  outputs?: Array<{ id: string; transmission?: 'value' | 'reference'; mimeType?: string }>;
}

export function executeXml(s: ExecuteSpec): string {
  const inputs = Object.entries(s.inputs ?? {}).flatMap(([id, v]) => (Array.isArray(v) ? v : [v]).map((x) => `<wps:Input id="${id}">${x}</wps:Input>`));
  const outputs = (s.outputs ?? []).map((o) => `<wps:Output id="${o.id}"${o.transmission ? ` transmission="${o.transmission}"` : ''}${o.mimeType ? ` mimeType="${o.mimeType}"` : ''}/>`);
  return `<wps:Execute ${HEAD} mode="${s.mode ?? 'sync'}" response="${s.response ?? 'document'}"><ows:Identifier>${s.process}</ows:Identifier>${inputs.join('')}${outputs.join('')}</wps:Execute>`;
}

export const literal = (v: string | number) => `<wps:Data>${v}</wps:Data>`;
export const reference = (href: string) => `<wps:Reference xlink:href="${href.replace(/&/g, '&amp;')}"/>`;
export const jobRequest = (op: 'GetStatus' | 'GetResult' | 'Dismiss', id: string) => `<wps:${op} ${HEAD}><wps:JobID>${id}</wps:JobID></wps:${op}>`;
export const undeployXml = (id: string) => `<wps:UndeployProcess ${HEAD}><ows:Identifier>${id}</ows:Identifier></wps:UndeployProcess>`;

/** A wps:DeployProcess whose execution unit is `unit` (inner XML), with an optional offering. */
export function deployXml(unit: string, offering = ''): string {
  return `<wps:DeployProcess ${HEAD}>${offering}<wps:ExecutionUnit>${unit}</wps:ExecutionUnit><wps:DeploymentProfileName>http://www.opengis.net/profiles/eoc/applicationPackage</wps:DeploymentProfileName></wps:DeployProcess>`;
}

/** Polls GetStatus until the job leaves Accepted/Running; every StatusInfo is schema-checked. */
export async function pollStatus(h: WpsHarness, id: string, as: User, timeoutMs = 60_000): Promise<{ statuses: string[]; final: string }> {
  const deadline = Date.now() + timeoutMs;
  const statuses: string[] = [];
  for (;;) {
    const res = await h.kvp(`service=WPS&version=2.0.0&request=GetStatus&jobId=${id}`, as);
    assertWps(res);
    const status = xpath(res.text, '/wps:StatusInfo/wps:Status')[0]!;
    statuses.push(status);
    if (status !== 'Accepted' && status !== 'Running') return { statuses, final: status };
    if (Date.now() > deadline) throw new Error(`job ${id} still ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
