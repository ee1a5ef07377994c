/**
 * Errors under /pdp: the decision resource answers in XACML (an Indeterminate Response in the
 * request's encoding, with the HTTP status: 400/413/415 as syntax-error, others as
 * processing-error); everything else (home, PAP, sharing) in application/problem+json.
 */
import type { Context } from 'koa';
import type { MeridianError } from '../../core/errors.js';
import type { ErrorEncoder } from '../../core/plugin.js';
import { problemJson } from '../../core/server/middleware/error-boundary.js';
import { errorResponse, sendXacml } from './rest/decision.js';
import { requestEncoding, responseEncoding, type XacmlEncoding } from './rest/media.js';

export const pdpErrorEncoder: ErrorEncoder = (err: MeridianError, ctx: Context) => {
  if (!ctx.path.endsWith('/decision')) {
    problemJson(err, ctx);
    return;
  }
  const encoding = (ctx.state.xacmlEncoding as XacmlEncoding | undefined) ?? responseEncoding(ctx, requestEncoding(ctx));
  sendXacml(ctx, errorResponse(err.status, err.expose ? err.message : 'Internal server error'), encoding, err.status);
};
