import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

// A client-sent id is kept only when it is short and plain, so it is safe to log and echo.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives every request an id (X-Request-Id, passed through or generated) and echoes it. */
export function requestId(): Middleware {
  return async (ctx, next) => {
    const given = ctx.get('X-Request-Id');
    const id = SAFE_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    await next();
  };
}
