import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createUser } from '../../../core/auth/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));

interface Echo {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bytes: number;
  sha256: string;
}

/** The upstream: answers every request with what it received (body as size and hash), or as a path asks. */
async function startUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url?.includes('/redirect')) {
      res.writeHead(302, { location: `http://${req.headers.host}/app/landing?x=1` }).end();
      return;
    }
    if (req.url?.includes('/slow')) {
      setTimeout(() => res.end('late'), 3000).unref();
      return;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      const echo: Echo = { method: req.method!, url: req.url!, headers: req.headers, bytes, sha256: hash.digest('hex') };
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close, x-secret-hop', 'x-secret-hop': 'drop me', 'x-upstream': 'yes' });
      res.end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function basic(name: string, password: string): string {
  return `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
}

describe('plugins/pep: reverse-proxy policy enforcement point', () => {
  let upstream: { url: string; server: Server };
  let server: TestServer;
  let base: string;
  const alice = basic('alice', 'alice-password-1');
  const bob = basic('bob', 'bob-password-1');
  const admin = basic('root', 'root-password-1');

  before(async () => {
    upstream = await startUpstream();
    server = await startTestServer(
      {
        plugins: {
          pep: {
            services: [
              { name: 'open', target: `${upstream.url}/app`, resource: { attributes: { visibility: 'public' } } },
              { name: 'closed', target: `${upstream.url}/app`, resource: { attributes: { visibility: 'private' } }, timeoutMs: 500 },
              {
                name: 'workspaces',
                target: upstream.url,
                resource: { type: 'workspace', attributes: { visibility: 'private' } },
                rules: [{ path: '/users/([^/]+)', resource: { id: '$1', owner: '$1' } }],
              },
              { name: 'down', target: 'http://127.0.0.1:9/', resource: { attributes: { visibility: 'public' } } },
            ],
          },
        },
      },
      { builtinDir },
    );
    base = `${server.url}/pep`;
    await createUser(server.meridian.stores.db, { name: 'alice', password: 'alice-password-1' });
    await createUser(server.meridian.stores.db, { name: 'bob', password: 'bob-password-1' });
    await createUser(server.meridian.stores.db, { name: 'root', password: 'root-password-1', groups: ['admin'] });
  });
  after(async () => {
    await server?.close();
    upstream?.server.close();
  });

  it('forwards a permitted anonymous read to the upstream path and query, without hop-by-hop headers', async () => {
    const res = await fetch(`${base}/open/some/path?a=1&b=2`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-upstream'), 'yes');
    assert.equal(res.headers.get('x-secret-hop'), null, 'named in the upstream Connection header');
    const echo = (await res.json()) as Echo;
    assert.equal(echo.url, '/app/some/path?a=1&b=2');
    assert.equal(echo.headers.host, new URL(upstream.url).host);
    assert.equal(echo.headers['x-forwarded-prefix'], '/pep/open');
    assert.equal(echo.headers['x-forwarded-user'], undefined, 'anonymous: no identity');
  });

  it('asks anonymous writers to authenticate (401 with challenges) and never reaches the upstream', async () => {
    const res = await fetch(`${base}/open/things`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /Basic realm="meridian"/);
    assert.equal(res.headers.get('x-upstream'), null);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
  });

  it('refuses an authenticated user what the policy does not permit with 403', async () => {
    const res = await fetch(`${base}/closed/`, { headers: { authorization: alice } });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-upstream'), null);
  });

  it('lets the admin through, sends the identity and strips credentials and spoofed identity headers', async () => {
    const res = await fetch(`${base}/closed/x`, {
      method: 'PUT',
      headers: { authorization: admin, 'x-forwarded-user': 'root', cookie: 'a=b' },
      body: 'hello',
    });
    assert.equal(res.status, 200);
    const echo = (await res.json()) as Echo;
    assert.equal(echo.method, 'PUT');
    assert.equal(echo.headers['x-forwarded-user'], 'root');
    assert.equal(echo.headers['x-forwarded-groups'], 'admin');
    assert.equal(echo.headers.authorization, undefined);
    assert.equal(echo.headers['x-api-key'], undefined);
    assert.equal(echo.headers.cookie, 'a=b', 'the upstream application may have its own session');
    assert.equal(echo.bytes, 5);
  });

  it("makes a path rule's capture the resource id and owner: users write their own workspace, not another's", async () => {
    const own = await fetch(`${base}/workspaces/users/alice/notebook.ipynb`, { method: 'PUT', headers: { authorization: alice }, body: '{}' });
    assert.equal(own.status, 200);
    assert.equal(((await own.json()) as Echo).url, '/users/alice/notebook.ipynb');
    const other = await fetch(`${base}/workspaces/users/alice/notebook.ipynb`, { headers: { authorization: bob } });
    assert.equal(other.status, 403);
    const unmatched = await fetch(`${base}/workspaces/shared/x`, { headers: { authorization: alice } });
    assert.equal(unmatched.status, 403, 'outside the rule: the private service resource');
  });

  it('refuses dot segments, plain or percent-encoded, and encoded slashes, that could reach paths the rules never saw', async () => {
    for (const path of ['/users/bob/%2e%2e/alice/x', '/users/alice/%2E%2E/bob', '/users/alice%2f..%2fbob', '/users/alice/./x']) {
      const status = await new Promise<number>((resolve, reject) => {
            // Options, not a URL string: WHATWG URL parsing would resolve the dot segments itself.
        const { hostname, port } = new URL(base);
        const req = request({ hostname, port, path: `/pep/workspaces${path}`, headers: { authorization: alice } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 400, path);
    }
  });

  it('streams a large upload to the upstream whole', async () => {
    const size = 24 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const expected = createHash('sha256');
    for (let i = 0; i < size / chunk.length; i++) expected.update(chunk);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < size / chunk.length; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await fetch(`${base}/open/upload`, { method: 'POST', headers: { authorization: admin }, body, duplex: 'half' } as RequestInit);
    const echo = (await res.json()) as Echo;
    assert.equal(echo.bytes, size);
    assert.equal(echo.sha256, expected.digest('hex'));
    assert.equal(echo.headers['transfer-encoding'], 'chunked', 'streamed, not buffered into a Content-Length');
  });

  it('writes upstream redirects to its own origin as the same place behind the proxy', async () => {
    const res = await fetch(`${base}/open/redirect`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), `${base}/open/landing?x=1`);
  });

  it('answers 502 for an upstream that cannot be reached and 504 for one that does not answer in time', async () => {
    const down = await fetch(`${base}/down/`);
    assert.equal(down.status, 502);
    assert.equal(((await down.json()) as { title?: string; detail?: string }).detail, "The upstream service 'down' could not be reached");
    const slow = await fetch(`${base}/closed/slow`, { headers: { authorization: admin } });
    assert.equal(slow.status, 504);
  });

  it('lists the protected services and answers 404 for one not configured', async () => {
    const list = (await (await fetch(`${base}/`)).json()) as { services: Array<{ name: string }> };
    assert.deepEqual(list.services.map((s) => s.name), ['open', 'closed', 'workspaces', 'down']);
    assert.equal((await fetch(`${base}/nowhere/x`)).status, 404);
  });
});
