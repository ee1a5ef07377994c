import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { routeDispatch } from '../../../core/server/route-dispatch.js';

/** What a handler can see of the routing, as JSON. */
const seen = (ctx: Koa.Context & Record<string, unknown>, by: string) => ({
  by,
  params: ctx.params,
  requestParams: (ctx.request as unknown as { params: unknown }).params,
  captures: ctx.captures,
  routerPath: String(ctx.routerPath),
  routerName: ctx.routerName ?? null,
  matchedRoute: String(ctx._matchedRoute),
  matchedRouteName: ctx._matchedRouteName ?? null,
  matched: (ctx.matched as Array<{ path: unknown }>).map((l) => String(l.path)),
  routeMatched: ctx.routeMatched,
  trail: ctx.state.trail,
});

/** A router with what plugins use: params, names, router middleware, a nested router, a prefix. */
function pluginRouter(): Router {
  const router = new Router();
  router.use(async (ctx, next) => {
    (ctx.state.trail ??= []).push('router middleware');
    await next();
  });
  router.get('items', '/items/:id', (ctx) => {
    ctx.body = seen(ctx as never, 'item');
  });
  router.get('/items/:id/assets/*asset', (ctx) => {
    ctx.body = seen(ctx as never, 'asset');
  });
  router.post('/items', (ctx) => {
    ctx.status = 201;
    ctx.body = seen(ctx as never, 'create');
  });
  // Two layers for one path: the first hands on.
  router.get('/twice', async (ctx, next) => {
    (ctx.state.trail ??= []).push('first');
    await next();
  });
  router.get('/twice', (ctx) => {
    ctx.body = seen(ctx as never, 'second');
  });
  router.get('/encoded/:name', (ctx) => {
    ctx.body = seen(ctx as never, 'encoded');
  });
  const nested = new Router();
  nested.get('/deep/:x', (ctx) => {
    ctx.body = seen(ctx as never, 'nested');
  });
  router.use('/nested', nested.routes());
  router.prefix('/svc');
  return router;
}

async function serve(make: (router: Router) => Middleware): Promise<Server> {
  const router = pluginRouter();
  const app = new Koa();
  app.use(make(router));
  app.use(router.allowedMethods() as unknown as Middleware);
  app.use((ctx) => {
    if (ctx.status === 404 && ctx.body == null) ctx.body = { fellThrough: true, matched: (ctx.matched as unknown[] | undefined)?.length ?? null };
  });
  const server = createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

describe('core/server/route-dispatch: routes as router.routes() does', () => {
  let theirs: Server;
  let ours: Server;
  before(async () => {
    theirs = await serve((router) => router.routes() as unknown as Middleware);
    ours = await serve(routeDispatch);
  });
  after(async () => {
    await new Promise((r) => theirs.close(r));
    await new Promise((r) => ours.close(r));
  });

  const at = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cases: Array<[string, string]> = [
    ['GET', '/svc/items/42'],
    ['GET', '/svc/items/42/assets/a/b/c.tif'],
    ['POST', '/svc/items'],
    ['GET', '/svc/twice'],
    ['GET', '/svc/encoded/caf%C3%A9%20bar'],
    ['GET', '/svc/encoded/%E0%A4%A'],
    ['GET', '/svc/nested/deep/7'],
    ['DELETE', '/svc/items/42'],
    ['PUT', '/svc/items'],
    ['GET', '/svc/unknown'],
    ['GET', '/elsewhere'],
    ['OPTIONS', '/svc/items/1'],
  ];
  for (const [method, path] of cases) {
    it(`${method} ${path}: the same answer and routing context`, async () => {
      // Twice each: the second request runs the chain composed for the first.
      for (let round = 0; round < 2; round++) {
        const expected = await fetch(`${at(theirs)}${path}`, { method });
        const got = await fetch(`${at(ours)}${path}`, { method });
        assert.equal(got.status, expected.status);
        assert.equal(got.headers.get('allow'), expected.headers.get('allow'));
        assert.deepEqual(await got.text(), await expected.text());
      }
    });
  }

  it('gives the handler its params, captures, route names and the whole trail', async () => {
    const item = (await (await fetch(`${at(ours)}/svc/items/42`)).json()) as ReturnType<typeof seen>;
    assert.deepEqual(item.params, { id: '42' });
    assert.deepEqual(item.requestParams, { id: '42' });
    assert.equal(item.routerName, 'items');
    assert.equal(item.matchedRoute, '/svc/items/:id');
    assert.deepEqual(item.trail, ['router middleware']);
    const twice = (await (await fetch(`${at(ours)}/svc/twice`)).json()) as ReturnType<typeof seen>;
    assert.deepEqual(twice.trail, ['router middleware', 'first']);
    assert.equal(twice.by, 'second');
  });

  it('hands a router with a host, exclusive matching or a not-found handler to router.routes()', async () => {
    const hosted = new Router({ host: 'only.example' });
    hosted.get('/x', (ctx) => {
      ctx.body = 'x';
    });
    const app = new Koa();
    app.use(routeDispatch(hosted));
    const server = createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      assert.equal((await fetch(`${at(server)}/x`)).status, 404);
    } finally {
      await new Promise((r) => server.close(r));
    }
    assert.equal((routeDispatch(new Router({ exclusive: true })) as { router?: unknown }).router instanceof Router, true);
  });
});
