import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';

// A client-sent id is kept only when it is short and plain, so it is safe to log and echo.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the client's X-Request-Id when it is safe to echo, else a new UUID. */
export function requestIdOf(ctx: Context): string {
  const given = ctx.req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}
