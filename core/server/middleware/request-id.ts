import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';

// A client-sent id is kept only when it is short and plain, so it is safe to log and echo.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const COUNTER_LIMIT = 2 ** 48;
let prefix = '';
let counter = COUNTER_LIMIT;

/**
 * A new request id: a UUID of version 8 (RFC 9562, custom) made of 74 random bits drawn once per
 * process and a 48-bit counter. Unique like a random UUID (ids only need to be unique, not
 * unpredictable: they name a request in logs and error documents), without drawing random bytes
 * for every request. The prefix is drawn again when the counter runs out.
 */
export function newRequestId(): string {
  if (counter >= COUNTER_LIMIT) {
    const hex = randomBytes(10).toString('hex');
    // 8-4-4-4: 60 random bits, version 8, then the RFC variant (10xx) and 14 more random bits.
    const variant = ((parseInt(hex.slice(15, 19), 16) & 0x3fff) | 0x8000).toString(16);
    prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(12, 15)}-${variant}-`;
    counter = 0;
  }
  return prefix + (counter++).toString(16).padStart(12, '0');
}

/** The request's id: the client's X-Request-Id when it is safe to echo, else a new one. */
export function requestIdOf(ctx: Context): string {
  const given = ctx.req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : newRequestId();
}
