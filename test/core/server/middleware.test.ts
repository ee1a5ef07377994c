import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('core middleware', () => {
  let server: TestServer;
  let proxied: TestServer;
  before(async () => {
    server = await startTestServer({ plugins: { echo: {} } });
    proxied = await startTestServer({ server: { trustProxy: true, cors: { origins: ['https://app.example.org'] } }, plugins: { echo: {} } });
  });
  after(async () => {
    await server.close();
    await proxied.close();
  });

  it('generates a request id, and passes a safe one through', async () => {
    const generated = await fetch(`${server.url}/health`);
    assert.match(generated.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
    const passed = await fetch(`${server.url}/health`, { headers: { 'X-Request-Id': 'abc-123' } });
    assert.equal(passed.headers.get('x-request-id'), 'abc-123');
    const unsafe = await fetch(`${server.url}/health`, { headers: { 'X-Request-Id': 'a b<script>' } });
    assert.notEqual(unsafe.headers.get('x-request-id'), 'a b<script>');
  });

  it('writes absolute URLs from the Host header, ignoring X-Forwarded-* from an untrusted peer', async () => {
    const body = (await (await fetch(`${server.url}/echo/`, { headers: { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' } })).json()) as { base: string };
    assert.equal(body.base, `${server.url}/echo`);
  });

  it('writes each request\'s base URL from its own Host, however many hosts have been seen, and refuses a malformed one', async () => {
    const { port } = new URL(server.url);
    const baseFor = (host: string) =>
      new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/echo/', headers: { Host: host } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () => resolve((JSON.parse(text) as { base: string }).base));
        })
          .on('error', reject)
          .end();
      });
    // More hosts than are remembered, each asked twice: the second answer is the remembered one.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 70; i++) assert.equal(await baseFor(`h${i}.example:${8000 + i}`), `http://h${i}.example:${8000 + i}/echo`);
    }
    assert.equal(await baseFor('bad host<>'), 'http://localhost/echo');
    assert.equal(await baseFor('bad host<>'), 'http://localhost/echo');
    const proxiedBase = (await (await fetch(`${proxied.url}/echo/`, { headers: { 'X-Forwarded-Proto': 'https' } })).json()) as { base: string };
    assert.equal(proxiedBase.base, `${proxied.url.replace('http:', 'https:')}/echo`);
  });

  it('writes absolute URLs from Forwarded and X-Forwarded-* behind a trusted proxy', async () => {
    const a = (await (await fetch(`${proxied.url}/echo/`, { headers: { Forwarded: 'for=1.2.3.4;proto=https;host=eo.example.org' } })).json()) as { base: string };
    assert.equal(a.base, 'https://eo.example.org/echo');
    const b = (await (await fetch(`${proxied.url}/echo/`, { headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'x.example.org', 'X-Forwarded-Prefix': '/platform' } })).json()) as { base: string };
    assert.equal(b.base, 'https://x.example.org/platform/echo');
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const ok = await fetch(`${proxied.url}/echo/`, { method: 'OPTIONS', headers: { Origin: 'https://app.example.org', 'Access-Control-Request-Method': 'GET' } });
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.org');
    const other = await fetch(`${proxied.url}/echo/`, { method: 'OPTIONS', headers: { Origin: 'https://other.example', 'Access-Control-Request-Method': 'GET' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const any = await fetch(`${server.url}/echo/`, { headers: { Origin: 'https://anywhere.example' } });
    assert.equal(any.headers.get('access-control-allow-origin'), '*');
  });

  it('puts CORS headers on error responses too, and varies on Origin only when the answer depends on it', async () => {
    const denied = await fetch(`${proxied.url}/echo/boom`, { headers: { Origin: 'https://app.example.org' } });
    assert.equal(denied.status, 500);
    assert.equal(denied.headers.get('access-control-allow-origin'), 'https://app.example.org');
    assert.match(denied.headers.get('access-control-expose-headers')!, /X-Request-Id/);
    assert.match(denied.headers.get('vary') ?? '', /Origin/);
    const open = await fetch(`${server.url}/echo/`, { headers: { Origin: 'https://anywhere.example' } });
    assert.doesNotMatch(open.headers.get('vary') ?? '', /Origin/);
    const preflight = await fetch(`${proxied.url}/echo/notes`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example.org', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-api-key, content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-methods')!, /POST/);
    assert.equal(preflight.headers.get('access-control-allow-headers'), 'x-api-key, content-type');
    assert.equal(preflight.headers.get('access-control-max-age'), '600');
  });

  it('compresses large responses when the client accepts gzip', async () => {
    const res = await new Promise<{ encoding?: string; status?: number }>((resolve, reject) => {
      request(`${server.url}/openapi.json`, { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
        r.resume();
        resolve({ encoding: r.headers['content-encoding'], status: r.statusCode });
      }).on('error', reject).end();
    });
    // The document is small with one fixture plugin; /metrics is always over the 1 KiB threshold.
    const metrics = await new Promise<string | undefined>((resolve, reject) => {
      request(`${server.url}/metrics`, { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
        r.resume();
        resolve(r.headers['content-encoding']);
      }).on('error', reject).end();
    });
    assert.equal(res.status, 200);
    assert.equal(metrics, 'gzip');
  });

  it('answers HEAD like GET without a body, and OPTIONS with the allowed methods', async () => {
    const head = await fetch(`${server.url}/echo/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const options = await fetch(`${server.url}/echo/notes`, { method: 'OPTIONS' });
    assert.equal(options.status, 200);
    assert.match(options.headers.get('allow')!, /POST/);
  });

  it("renders a wrong method as 405 in the plugin's own format", async () => {
    const res = await fetch(`${server.url}/echo/notes`, { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.match(await res.text(), /^<EchoError code="MethodNotAllowed" status="405">/);
  });

  it("renders an unknown path under a plugin as 404 in the plugin's own format", async () => {
    const res = await fetch(`${server.url}/echo/nothing/here`);
    assert.equal(res.status, 404);
    assert.match(await res.text(), /^<EchoError code="NotFound" status="404">/);
  });

  it('never shows a stack trace or internal message: a crash is a generic 500 in the plugin format', async () => {
    const res = await fetch(`${server.url}/echo/boom`);
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.equal(text, '<EchoError code="InternalError" status="500">internal error</EchoError>');
    assert.doesNotMatch(text, /secret internal detail|at .*\.ts/);
  });
});
