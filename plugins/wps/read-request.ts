/**
 * A WPS request as received: KVP on GET (or a form POST), or an XML document on POST whose root
 * element names the operation (OGC 14-065 §10: GetCapabilities, DescribeProcess, GetStatus,
 * GetResult and Dismiss in both encodings, Execute in XML only; DeployProcess in XML and
 * UndeployProcess in both, OGC 18-036r1).
 */
import type { Context } from 'koa';
import { readBody } from '../../core/server/body.js';
import { WPS_NS } from './namespaces.js';
import { OwsException, parseKvp, parseXmlElementTree, type KvpParams, type XmlTreeNode } from '../../core/ows/index.js';

export const OPERATIONS = ['GetCapabilities', 'DescribeProcess', 'Execute', 'GetStatus', 'GetResult', 'Dismiss'] as const;
export const TRANSACTIONS = ['DeployProcess', 'UndeployProcess'] as const;
export type Operation = (typeof OPERATIONS)[number] | (typeof TRANSACTIONS)[number];

export type WpsRequest = { binding: 'kvp'; operation: Operation; kvp: KvpParams } | { binding: 'xml'; operation: Operation; xml: XmlTreeNode };

function operationNamed(name: string | undefined, transactions: boolean): Operation {
  const trimmed = name?.trim();
  if (!trimmed) throw new OwsException('MissingParameterValue', "Missing required parameter 'request'", { locator: 'request' });
  const known: readonly string[] = transactions ? [...OPERATIONS, ...TRANSACTIONS] : OPERATIONS;
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

/** The version of an operation other than GetCapabilities must be 2.0.0. */
export function checkVersion(version: string | undefined): void {
  const v = version?.trim();
  if (!v) throw new OwsException('MissingParameterValue', "Missing required parameter 'version'", { locator: 'version' });
  if (v !== '2.0.0') throw new OwsException('InvalidParameterValue', `Version '${v}' is not supported; supported: 2.0.0`, { locator: 'version' });
}

export async function readWpsRequest(ctx: Context, options: { transactions: boolean; maxBytes: number }): Promise<WpsRequest> {
  if (ctx.method === 'GET') {
    const kvp = parseKvp(ctx.querystring, { repeated: 'reject' });
    const operation = operationNamed(kvp.optional('request'), options.transactions);
    checkService(kvp.optional('service'), 'kvp');
    if (operation === 'Execute' || operation === 'DeployProcess') {
      throw new OwsException('OperationNotSupported', `${operation} takes the XML encoding: POST the wps:${operation} document`, { locator: operation });
    }
    if (operation !== 'GetCapabilities') checkVersion(kvp.optional('version'));
    return { binding: 'kvp', operation, kvp };
  }
  const body = await readBody(ctx, { limit: options.maxBytes });
  const type = ctx.get('Content-Type').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const kvp = parseKvp(body, { repeated: 'reject' });
    const operation = operationNamed(kvp.optional('request'), options.transactions);
    checkService(kvp.optional('service'), 'kvp');
    if (operation === 'Execute' || operation === 'DeployProcess') throw new OwsException('OperationNotSupported', `${operation} takes the XML encoding`, { locator: operation });
    if (operation !== 'GetCapabilities') checkVersion(kvp.optional('version'));
    return { binding: 'kvp', operation, kvp };
  }
  if (body.length === 0) throw new OwsException('MissingParameterValue', 'The POST body is empty: send a WPS request document', { locator: 'request' });
  const xml = parseXmlElementTree(body, { code: 'InvalidParameterValue', locator: 'request', maxBytes: options.maxBytes });
  const operation = operationNamed(xml.name, options.transactions);
  if (xml.namespace !== WPS_NS) throw new OwsException('InvalidParameterValue', `The root element must be in the WPS 2.0 namespace ${WPS_NS}; got '${xml.namespace}'`, { locator: xml.name });
  checkService(xml.attrs.service, 'xml');
  if (xml.attrs.service === undefined) throw new OwsException('MissingParameterValue', `wps:${operation} needs service="WPS"`, { locator: 'service' });
  if (operation !== 'GetCapabilities') checkVersion(xml.attrs.version);
  return { binding: 'xml', operation, xml };
}
