/**
 * A WPS request as received: KVP on GET (or a form POST), or an XML document on POST whose root
 * element names the operation, and the version it is answered in.
 *
 * WPS 2.0 (OGC 14-065 §10): GetCapabilities, DescribeProcess, GetStatus, GetResult and Dismiss
 * in both encodings, Execute in XML only; DeployProcess in XML and UndeployProcess in both (OGC
 * 18-036r1). WPS 1.0.0 (OGC 05-007r7): GetCapabilities, DescribeProcess and Execute, each in KVP
 * and XML. The version: an XML request's namespace; KVP GetCapabilities negotiates with
 * AcceptVersions (else a supported `version`, else 2.0.0); other KVP requests name it.
 */
import type { Context } from 'koa';
import { readBody } from '../../core/server/body.js';
import { negotiated } from './errors.js';
import { WPS_NS } from './namespaces.js';
import { WPS1_NS } from './wps1/namespaces.js';
import { negotiateAcceptVersions, OwsException, parseKvp, parseXmlElementTree, type KvpParams, type XmlTreeNode } from '../../core/ows/index.js';

export const OPERATIONS = ['GetCapabilities', 'DescribeProcess', 'Execute', 'GetStatus', 'GetResult', 'Dismiss'] as const;
export const TRANSACTIONS = ['DeployProcess', 'UndeployProcess'] as const;
/** The operations of WPS 1.0.0 (OGC 05-007r7 §8-10). */
export const OPERATIONS_1_0 = ['GetCapabilities', 'DescribeProcess', 'Execute'] as const;
export type Operation = (typeof OPERATIONS)[number] | (typeof TRANSACTIONS)[number];

export const WPS_VERSIONS = ['1.0.0', '2.0.0'] as const;
export type WpsVersion = (typeof WPS_VERSIONS)[number];
/** Where the version a request is answered in is kept (the error encoder writes its exception format). */
export const WPS_VERSION_STATE = 'wpsVersion';

export type WpsRequest =
  | { binding: 'kvp'; operation: Operation; version: WpsVersion; kvp: KvpParams; query: string }
  | { binding: 'xml'; operation: Operation; version: WpsVersion; xml: XmlTreeNode };

function operationNamed(name: string | undefined, transactions: boolean, version: WpsVersion | undefined): Operation {
  const trimmed = name?.trim();
  if (!trimmed) throw new OwsException('MissingParameterValue', "Missing required parameter 'request'", { locator: 'request' });
  const known: readonly string[] = version === '1.0.0' ? OPERATIONS_1_0 : transactions ? [...OPERATIONS, ...TRANSACTIONS] : OPERATIONS;
  const match = known.find((o) => o.toLowerCase() === trimmed.toLowerCase());
  if (!match) throw new OwsException('OperationNotSupported', `Operation '${trimmed}' is not supported; operations are ${known.join(', ')}`, { locator: trimmed });
  return match as Operation;
}

function checkService(value: string | undefined, binding: 'kvp' | 'xml'): void {
  const service = value?.trim();
  if (!service) {
    if (binding === 'kvp') throw new OwsException('MissingParameterValue', "Missing required parameter 'service'", { locator: 'service' });
    return;
  }
  if (service.toUpperCase() !== 'WPS') throw new OwsException('InvalidParameterValue', `service must be WPS; got '${service}'`, { locator: 'service' });
}

/** The version of an operation other than GetCapabilities: 1.0.0 or 2.0.0 (or the one an XML namespace fixes). */
export function checkVersion(version: string | undefined, allowed: readonly WpsVersion[] = WPS_VERSIONS): WpsVersion {
  const v = version?.trim();
  if (!v) throw new OwsException('MissingParameterValue', "Missing required parameter 'version'", { locator: 'version' });
  const match = allowed.find((a) => a === v);
  if (!match) throw new OwsException('InvalidParameterValue', `Version '${v}' is not supported here; supported: ${allowed.join(', ')}`, { locator: 'version' });
  return match;
}

/** KVP GetCapabilities: AcceptVersions (the client's order), else a supported `version`, else 2.0.0. */
function capabilitiesVersion(kvp: KvpParams): WpsVersion {
  if (kvp.has('AcceptVersions')) return negotiated(() => negotiateAcceptVersions(kvp.list('AcceptVersions'), WPS_VERSIONS)) as WpsVersion;
  const v = kvp.optional('version')?.trim();
  return WPS_VERSIONS.find((s) => s === v) ?? '2.0.0';
}

function readKvp(ctx: Context, query: string, transactions: boolean): WpsRequest {
  const kvp = parseKvp(query, { repeated: 'reject' });
  const name = kvp.optional('request');
  let version: WpsVersion | undefined;
  if (name?.trim().toLowerCase() === 'getcapabilities') {
    checkService(kvp.optional('service'), 'kvp');
    version = capabilitiesVersion(kvp);
  } else if (name?.trim()) {
    // The version decides which operations exist (and the exception format): read it first.
    version = checkVersion(kvp.optional('version'));
  }
  if (version) ctx.state[WPS_VERSION_STATE] = version;
  const operation = operationNamed(name, transactions, version);
  checkService(kvp.optional('service'), 'kvp');
  if (version === '2.0.0' && (operation === 'Execute' || operation === 'DeployProcess')) {
    throw new OwsException('OperationNotSupported', `${operation} takes the XML encoding: POST the wps:${operation} document`, { locator: operation });
  }
  return { binding: 'kvp', operation, version: version!, kvp, query };
}

export async function readWpsRequest(ctx: Context, options: { transactions: boolean; maxBytes: number }): Promise<WpsRequest> {
  if (ctx.method === 'GET') return readKvp(ctx, ctx.querystring, options.transactions);
  const body = await readBody(ctx, { limit: options.maxBytes });
  const type = ctx.get('Content-Type').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return readKvp(ctx, body.toString('utf8'), options.transactions);
  if (body.length === 0) throw new OwsException('MissingParameterValue', 'The POST body is empty: send a WPS request document', { locator: 'request' });
  // A document that does not parse is answered in the format of the namespace it mentions.
  if (body.includes(WPS1_NS) && !body.includes(WPS_NS)) ctx.state[WPS_VERSION_STATE] = '1.0.0';
  const xml = parseXmlElementTree(body, { code: 'InvalidParameterValue', locator: 'request', maxBytes: options.maxBytes });
  if (xml.namespace !== WPS_NS && xml.namespace !== WPS1_NS) {
    throw new OwsException('InvalidParameterValue', `The root element must be in the WPS 2.0 (${WPS_NS}) or WPS 1.0.0 (${WPS1_NS}) namespace; got '${xml.namespace}'`, { locator: xml.name });
  }
  const version: WpsVersion = xml.namespace === WPS1_NS ? '1.0.0' : '2.0.0';
  ctx.state[WPS_VERSION_STATE] = version;
  const operation = operationNamed(xml.name, options.transactions, version);
  checkService(xml.attrs.service, 'xml');
  if (xml.attrs.service === undefined) throw new OwsException('MissingParameterValue', `wps:${operation} needs service="WPS"`, { locator: 'service' });
  if (operation !== 'GetCapabilities') checkVersion(xml.attrs.version, [version]);
  return { binding: 'xml', operation, version, xml };
}
