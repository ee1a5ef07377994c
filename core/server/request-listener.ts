import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import { respond } from './respond.js';

const resolved = Promise.resolve();
const nothingAfter = () => resolved;

/**
 * The Node request listener of a Meridian app: a Koa context for each request, the edge
 * middleware, then the handler, then the response written from `ctx.body` (respond.ts).
 *
 * What Koa's own `app.callback()` does, less two things Meridian has no use for on every
 * request: composing a two-element middleware array (the two run here directly), and an
 * `on-finished` watch of the response and its socket, whose only effect once the middleware has
 * settled is to report a socket error to the app's 'error' listener. Node's HTTP server already
 * handles socket errors, and the edge's 'close' listener already records how every response
 * ended (the access log marks an aborted one). Koa attaches and removes four listeners per
 * request for that watch. Without the two, a trivial route through the whole core took 72 µs of
 * CPU instead of 82.6 (test/bench/core-overhead, where bare Koa takes 57-60).
 */
export function requestListener(app: Koa, edge: Middleware, handler: Middleware): RequestListener {
  // As Koa's callback does: ctx.onerror reports to the app's 'error' event, which throws unheard.
  if (!app.listenerCount('error')) app.on('error', app.onerror.bind(app));
  const next = (ctx: Koa.Context) => () => {
    try {
      return Promise.resolve(handler(ctx, nothingAfter));
    } catch (err) {
      return Promise.reject(err);
    }
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    const ctx = app.createContext(req, res) as Koa.Context;
    res.statusCode = 404;
    let settled: Promise<unknown>;
    try {
      settled = Promise.resolve(edge(ctx, next(ctx)));
    } catch (err) {
      settled = Promise.reject(err);
    }
    settled.then(
      () => {
        try {
          respond(ctx);
        } catch (err) {
          ctx.onerror(err as Error);
        }
      },
      (err: Error) => ctx.onerror(err),
    );
  };
}
