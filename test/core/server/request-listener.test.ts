import assert from 'node:assert/strict';
import { createServer, request, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import Koa, { type Middleware } from 'koa';
import { requestListener } from '../../../core/server/request-listener.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Whether the response ended cleanly (false when the server cut it off). */
  complete: boolean;
}

/** One request over a real socket, with whatever came back (a cut-off body too). */
function ask(port: number, method: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      const done = (complete: boolean) => {
        const headers = { ...res.headers };
        delete headers.date;
        resolve({ status: res.statusCode!, headers, body, complete });
      };
      res.on('end', () => done(true));
      res.on('error', () => done(false));
      res.on('aborted', () => done(false));
    });
    req.on('error', reject);
    req.end();
  });
}

const listen = (listener: RequestListener) =>
  new Promise<Server>((resolve) => {
    const server = createServer(listener);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** Each route's handler sets the response the way a plugin would. */
const routes: Record<string, Middleware> = {
  '/text': (ctx) => {
    ctx.body = 'plain text';
  },
  '/bytes': (ctx) => {
    ctx.body = Buffer.from([0, 1, 2, 255]);
  },
  '/json': (ctx) => {
    ctx.body = { a: 1, list: [true, null, 'é'] };
  },
  '/created-json': (ctx) => {
    ctx.status = 201;
    ctx.set('Location', '/x');
    ctx.body = { id: 'x' };
  },
  '/nothing': () => undefined,
  '/null': (ctx) => {
    ctx.body = null;
  },
  '/status-only': (ctx) => {
    ctx.status = 202;
  },
  '/not-modified': (ctx) => {
    ctx.status = 304;
    ctx.body = 'never sent';
  },
  '/stream': (ctx) => {
    ctx.type = 'text/csv';
    ctx.body = Readable.from(['a,b\n', '1,2\n', '3,4\n']);
  },
  '/web-stream': (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = new Blob(['from ', 'a blob']).stream();
  },
  '/blob': (ctx) => {
    ctx.body = new Blob(['blob text'], { type: 'text/plain' });
  },
  '/response': (ctx) => {
    ctx.body = new Response('a fetch Response', { headers: { 'Content-Type': 'text/plain' } });
  },
  '/failing-stream': (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = new Readable({
      read() {
        this.push('first part ');
        setImmediate(() => this.destroy(new Error('disk gone')));
      },
    });
  },
  '/throws': () => {
    throw Object.assign(new Error('teapot here'), { status: 418, expose: true });
  },
  '/throws-hidden': () => {
    throw new Error('secret detail');
  },
  '/own-response': (ctx) => {
    ctx.respond = false;
    ctx.res.writeHead(207, { 'Content-Type': 'text/plain' }).end('written by hand');
  },
};

/** The same middleware pair in both listeners: an edge that stamps a header, then the route. */
function buildApp(errors: Error[]): { app: Koa; edge: Middleware; handler: Middleware } {
  const app = new Koa();
  app.silent = true;
  app.on('error', (err: Error) => errors.push(err));
  const edge: Middleware = async (ctx, next) => {
    ctx.set('X-Edge', 'yes');
    await next();
  };
  const handler: Middleware = (ctx) => {
    const route = routes[ctx.path];
    if (route) return route(ctx, async () => undefined);
  };
  app.use(edge);
  app.use(handler);
  return { app, edge, handler };
}

describe('core/server/request-listener: answers as Koa answers', () => {
  const koaErrors: Error[] = [];
  const ownErrors: Error[] = [];
  let koaServer: Server;
  let ownServer: Server;
  before(async () => {
    const koa = buildApp(koaErrors);
    koaServer = await listen(koa.app.callback());
    const own = buildApp(ownErrors);
    ownServer = await listen(requestListener(own.app, own.edge, own.handler));
  });
  after(async () => {
    await new Promise((r) => koaServer.close(r));
    await new Promise((r) => ownServer.close(r));
  });

  for (const method of ['GET', 'HEAD']) {
    for (const path of [...Object.keys(routes), '/no-route']) {
      if (path === '/failing-stream') continue;
      it(`${method} ${path}: the same status, headers and body`, async () => {
        const expected = await ask(portOf(koaServer), method, path);
        const got = await ask(portOf(ownServer), method, path);
        assert.deepEqual(got, expected);
        if (method === 'GET' && path === '/json') assert.equal(got.body, '{"a":1,"list":[true,null,"é"]}');
        // The edge ran (its header stays, but for a thrown error, whose answer Koa starts afresh).
        const thrown = path.startsWith('/throws');
        assert.equal(got.headers['x-edge'], thrown ? undefined : 'yes');
      });
    }
  }

  it('a stream failing midway: the response is cut off as in Koa, and the error reaches the app once', async () => {
    const before = { koa: koaErrors.length, own: ownErrors.length };
    const expected = await ask(portOf(koaServer), 'GET', '/failing-stream');
    const got = await ask(portOf(ownServer), 'GET', '/failing-stream');
    assert.equal(got.status, 200);
    assert.equal(got.complete, false);
    assert.equal(got.complete, expected.complete);
    assert.equal(got.body, expected.body);
    await new Promise((r) => setTimeout(r, 50));
    // Koa hears it twice (from the body stream, and again from the socket through on-finished); once is enough.
    assert.deepEqual(
      ownErrors.slice(before.own).map((e) => e.message),
      ['disk gone'],
    );
    assert.ok(koaErrors.slice(before.koa).some((e) => e.message === 'disk gone'));
  });

  it('an error thrown by the middleware becomes a text answer and an app error, the exposed message only when exposed', async () => {
    const teapot = await ask(portOf(ownServer), 'GET', '/throws');
    assert.equal(teapot.status, 418);
    assert.equal(teapot.body, 'teapot here');
    const hidden = await ask(portOf(ownServer), 'GET', '/throws-hidden');
    assert.equal(hidden.status, 500);
    assert.equal(hidden.body, 'Internal Server Error');
    assert.ok(ownErrors.some((e) => e.message === 'secret detail'));
  });

  it('a middleware throwing before it returns a promise is answered, not thrown out of the listener', async () => {
    const app = new Koa();
    app.silent = true;
    const edge: Middleware = () => {
      throw Object.assign(new Error('refused at the edge'), { status: 400, expose: true });
    };
    const server = await listen(requestListener(app, edge, () => undefined));
    try {
      const got = await ask(portOf(server), 'GET', '/');
      assert.equal(got.status, 400);
      assert.equal(got.body, 'refused at the edge');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
