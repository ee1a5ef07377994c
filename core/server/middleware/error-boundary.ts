import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { toMeridianError, type MeridianError } from '../../errors.js';
import type { ErrorEncoder } from '../../plugin.js';

/** application/problem+json (RFC 7807): the core's own error format and a plugin's default. */
export const problemJson: ErrorEncoder = (err: MeridianError, ctx: Context) => {
  ctx.status = err.status;
  ctx.type = 'application/problem+json';
  ctx.body = {
    type: `about:blank`,
    title: err.code,
    status: err.status,
    detail: err.expose ? err.message : 'Internal server error',
    ...(err.locator ? { locator: err.locator } : {}),
    instance: ctx.state.requestId ? `urn:request:${ctx.state.requestId}` : undefined,
  };
};

/**
 * Catches whatever the routes below throw and renders it with the scope's encoder (see renderError).
 */
export function errorBoundary(encoder: ErrorEncoder, logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (thrown) {
      renderError(thrown, ctx, encoder, logger);
    }
  };
}

/**
 * Renders anything thrown with `encoder`. Anything not a MeridianError becomes a 500 whose detail
 * stays in the log (with the request id) and never reaches the client. An encoder that itself
 * throws falls back to plain text.
 */
export function renderError(thrown: unknown, ctx: Context, encoder: ErrorEncoder, logger: Logger): void {
  const err = toMeridianError(thrown);
  if (err.status >= 500) {
    logger.error({ err: thrown, reqId: ctx.state.requestId, plugin: ctx.state.plugin }, 'request failed');
  } else {
    logger.debug({ reqId: ctx.state.requestId, code: err.code, msg: err.message }, 'request refused');
  }
  if (ctx.headerSent || !ctx.writable) return;
  ctx.remove('Content-Disposition');
  try {
    encoder(err, ctx);
  } catch (encodeErr) {
    logger.error({ err: encodeErr, reqId: ctx.state.requestId }, 'error encoder failed');
    ctx.status = err.status;
    ctx.type = 'text/plain';
    ctx.body = err.expose ? err.message : 'Internal server error';
  }
  for (const [k, v] of Object.entries(err.headers)) ctx.set(k, v);
}
