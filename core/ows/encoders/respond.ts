import type { Context } from 'koa';

/**
 * Writes an error response. The content type is set before the body so Koa keeps it, and
 * headers the error carries (WWW-Authenticate) are kept.
 */
export function sendErrorResponse(
  ctx: Context,
  status: number,
  headers: Record<string, string>,
  contentType: string,
  body: string,
): void {
  ctx.status = status;
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  ctx.set('Content-Type', contentType);
  ctx.body = body;
}
