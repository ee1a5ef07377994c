/**
 * Which binding carried the request: a GET query string or a form POST is KVP, any other POST is
 * an XML document (read within the plugin's body limit, parsed without DTDs or entities).
 */
import type { Context } from 'koa';
import { parseKvp, parseXmlElementTree } from '../../core/ows/index.js';
import { readBody } from '../../core/server/body.js';
import { kvpHead } from './kvp.js';
import type { RequestHead } from './request-head.js';
import { xmlHead } from './xml-request.js';

export async function readRequest(ctx: Context): Promise<RequestHead> {
  // Repeated parameters with different values are refused: which one the client meant is unknowable.
  const kvpOptions = { repeated: 'reject' as const };
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return kvpHead(parseKvp(ctx.querystring, kvpOptions));
  const body = await readBody(ctx);
  if (ctx.is('application/x-www-form-urlencoded')) return kvpHead(parseKvp(body, kvpOptions));
  return xmlHead(parseXmlElementTree(body, { maxBytes: (ctx.state.bodyLimit as number | undefined) ?? undefined, code: 'OperationParsingFailed' }));
}
