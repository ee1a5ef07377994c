/**
 * POST /pdp/decision (and /pdp/domains/{domain}/decision): the REST Profile's PDP resource.
 * Requests in XACML XML or the JSON Profile; the answer in the request's encoding unless Accept
 * asks for the other. An unreadable request is Indeterminate with status syntax-error and HTTP
 * 400, as the REST profile says.
 */
import type { Context } from 'koa';
import { readText } from '../../../core/server/body.js';
import { MeridianError } from '../../../core/errors.js';
import type { AuthHooks } from '../../../core/auth/types.js';
import type { Domains } from '../domains.js';
import {
  parseJsonRequest,
  parseXmlRequest,
  responseToJson,
  responseToXml,
  STATUS_PROCESSING_ERROR,
  STATUS_SYNTAX_ERROR,
  syntaxErrorResponse,
  XacmlSyntaxError,
  type XacmlRequest,
  type XacmlResponse,
} from '../xacml/index.js';
import { requestEncoding, responseEncoding, XACML_JSON, XACML_XML, type XacmlEncoding } from './media.js';

export function sendXacml(ctx: Context, response: XacmlResponse, encoding: XacmlEncoding, status = 200): void {
  ctx.status = status;
  if (encoding === 'json') {
    ctx.type = XACML_JSON;
    ctx.body = JSON.stringify(responseToJson(response));
  } else {
    ctx.type = XACML_XML;
    ctx.body = responseToXml(response);
  }
  ctx.set('Cache-Control', 'no-store');
}

/** One Indeterminate result for an error before evaluation (bad body, too large, refused). */
export function errorResponse(status: number, message: string): XacmlResponse {
  if (status === 400 || status === 413 || status === 415) return syntaxErrorResponse(message);
  return { results: [{ decision: 'Indeterminate', status: { code: STATUS_PROCESSING_ERROR, message }, obligations: [], advice: [], attributes: [] }] };
}

export async function decide(ctx: Context, deps: { auth: AuthHooks; domains: Domains; maxRequestBytes: number }, domain: string): Promise<void> {
  const encoding = requestEncoding(ctx);
  ctx.state.xacmlEncoding = responseEncoding(ctx, encoding);
  await deps.auth.enforce(ctx, { type: 'decision', service: 'pdp', id: domain, attributes: { domain } }, 'execute');
  if (!encoding) {
    throw new MeridianError(415, `Send the request as ${XACML_XML} or ${XACML_JSON}`, { code: 'UnsupportedMediaType' });
  }
  const text = await readText(ctx, { limit: deps.maxRequestBytes });
  let request: XacmlRequest;
  try {
    request = encoding === 'xml' ? parseXmlRequest(text) : parseJsonRequest(text);
  } catch (err) {
    if (err instanceof XacmlSyntaxError) {
      sendXacml(ctx, syntaxErrorResponse(err.message), ctx.state.xacmlEncoding as XacmlEncoding, 400);
      return;
    }
    throw err;
  }
  const response = await deps.domains.evaluate(domain, request);
  sendXacml(ctx, response, ctx.state.xacmlEncoding as XacmlEncoding);
}

export { STATUS_SYNTAX_ERROR };
