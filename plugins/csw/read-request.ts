/**
 * Which binding carried the request: a GET query string or a form POST is KVP, any other POST is
 * an XML document (read within the plugin's body limit, parsed without DTDs or entities).
 */
import type { Context } from 'koa';
import { readBody } from '../../core/server/body.js';
import { parseKvp, parseXmlElementTree } from '../../core/ows/index.js';
import { kvpHead } from './kvp.js';
import type { RequestHead } from './request-head.js';
import { xmlHead } from './xml-request.js';

/** The request URL as the client sent it, for resultType=validate echoes. */
function requestUrl(ctx: Context, baseUrl: string): string {
  return ctx.querystring ? `${baseUrl}?${ctx.querystring}` : baseUrl;
}

export async function readRequest(ctx: Context, baseUrl: string): Promise<RequestHead> {
  // Repeated parameters with different values are refused: which one the client meant is unknowable.
  const kvpOptions = { repeated: 'reject' as const };
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return kvpHead(parseKvp(ctx.querystring, kvpOptions), requestUrl(ctx, baseUrl));
  const body = await readBody(ctx);
  if (ctx.is('application/x-www-form-urlencoded')) return kvpHead(parseKvp(body, kvpOptions), baseUrl);
  const limit = (ctx.state.bodyLimit as number | undefined) ?? undefined;
  return xmlHead(parseXmlElementTree(body, { maxBytes: limit, code: 'NoApplicableCode' }));
}
