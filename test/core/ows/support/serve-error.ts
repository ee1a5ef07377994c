import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { toMeridianError } from '../../../../core/errors.js';
import type { ErrorEncoder } from '../../../../core/plugin.js';

export interface ErrorResponse {
  status: number;
  contentType: string;
  headers: Headers;
  body: string;
}

/**
 * Serves one request on a real Koa app whose route throws `error`, rendered by `encoder` the
 * way the server assembly does (anything thrown goes through toMeridianError first).
 */
export async function renderThroughKoa(encoder: ErrorEncoder, error: unknown, query = '?service=X'): Promise<ErrorResponse> {
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      encoder(toMeridianError(err), ctx);
    }
  });
  app.use(() => {
    throw error;
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/ows${query}`);
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers, body: await res.text() };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
