import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import type Koa from 'koa';

// Statuses whose responses carry no body (RFC 9110 §15.3.5, §15.4.5; 304 and 205/204).
const EMPTY = new Set([204, 205, 304]);

const isNodeStream = (body: unknown): body is NodeJS.ReadableStream =>
  body !== null && typeof body === 'object' && typeof (body as { pipe?: unknown }).pipe === 'function';

/**
 * Writes `ctx.body` to the response once the middleware is done, as Koa's own response step
 * does (the same rules for `ctx.respond = false`, bodiless statuses, HEAD, a missing body, bytes,
 * text, streams, web streams, Blobs, Responses and JSON), so plugins see Koa's documented
 * behaviour. Kept here because Meridian's listener (request-listener.ts) replaces Koa's.
 */
export function respond(ctx: Koa.Context): void {
  if (ctx.respond === false) return;
  const res = ctx.res as ServerResponse<IncomingMessage>;
  // The response and request objects directly, not through ctx's delegating accessors: this runs
  // on every request.
  const response = ctx.response;
  if (!response.writable) {
    res.end();
    return;
  }
  let body: unknown = response.body;
  const code = res.statusCode;
  if (EMPTY.has(code)) {
    ctx.body = null;
    res.end();
    return;
  }
  if (ctx.req.method === 'HEAD') {
    if (!res.headersSent && !res.hasHeader('Content-Length')) {
      const { length } = response;
      if (Number.isInteger(length)) ctx.length = length;
    }
    res.end();
    return;
  }
  if (body === null || body === undefined) {
    if ((response as { _explicitNullBody?: boolean })._explicitNullBody) {
      response.remove('Content-Type');
      response.remove('Transfer-Encoding');
      ctx.length = 0;
      res.end();
      return;
    }
    const text = ctx.req.httpVersionMajor >= 2 ? String(code) : ctx.message || String(code);
    if (!res.headersSent) {
      ctx.type = 'text';
      ctx.length = Buffer.byteLength(text);
    }
    res.end(text);
    return;
  }
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    res.end(body);
    return;
  }
  let stream: NodeJS.ReadableStream | undefined;
  if (body instanceof Blob) stream = Readable.from(body.stream() as AsyncIterable<unknown>);
  else if (body instanceof ReadableStream) stream = Readable.from(body as AsyncIterable<unknown>);
  else if (body instanceof Response) stream = Readable.from((body.body ?? '') as AsyncIterable<unknown>);
  else if (isNodeStream(body)) stream = body;
  if (stream) {
    pipeline(stream, res, (err) => {
      if (err && ctx.app.listenerCount('error')) ctx.onerror(err);
    });
    return;
  }
  body = JSON.stringify(body);
  if (!res.headersSent) ctx.length = Buffer.byteLength(body as string);
  res.end(body as string);
}
