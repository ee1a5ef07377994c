/**
 * Which binding carried the request: a GET query string or a form POST is KVP, any other POST
 * is an XML document (read within the plugin's body limit, parsed without DTDs or entities).
 */
import type { Context } from 'koa';
import { parseKvp, parseXmlElementTree } from '../../core/ows/index.js';
import { readBody } from '../../core/server/body.js';
import { kvpHead } from './kvp-request.js';
import type { RequestHead } from './requests.js';
import { xmlHead } from './xml-request.js';

export async function readRequest(ctx: Context): Promise<RequestHead> {
  // SUBSET repeats by design (read with all()); other repeats must agree.
  const options = { repeated: 'reject' as const };
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return kvpHead(parseKvp(ctx.querystring, options));
  const body = await readBody(ctx);
  if (ctx.is('application/x-www-form-urlencoded')) return kvpHead(parseKvp(body, options));
  return xmlHead(parseXmlElementTree(body, { maxBytes: (ctx.state.bodyLimit as number | undefined) ?? undefined, code: 'InvalidEncodingSyntax' }));
}
