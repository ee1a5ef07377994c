import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('core endpoints', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ plugins: { echo: { greeting: 'hi' }, 'needs-echo': {} } });
  });
  after(() => server.close());

  it('serves an HTML landing page to browsers listing every service', async () => {
    const res = await fetch(`${server.url}/`, { headers: { Accept: 'text/html' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/html/);
    const html = await res.text();
    assert.match(html, /<td>ECHO<\/td>/);
    assert.ok(html.includes(`href="${server.url}/echo"`), html);
  });

  it('serves the landing page as JSON on Accept: application/json and on ?f=json', async () => {
    for (const [path, headers] of [['/', { Accept: 'application/json' }], ['/?f=json', {}]] as const) {
      const res = await fetch(`${server.url}${path}`, { headers });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { links: Array<{ rel: string; href: string }>; services: Array<{ type: string; url: string }> };
      assert.ok(body.links.some((l) => l.rel === 'service-desc' && l.href === `${server.url}/openapi.json`));
      assert.deepEqual(body.services.map((s) => [s.type, s.url]), [['ECHO', `${server.url}/echo`]]);
    }
  });

  it('lists services with absolute URLs and the registering plugin', async () => {
    const body = (await (await fetch(`${server.url}/services`)).json()) as { services: Array<Record<string, unknown>> };
    assert.deepEqual(body.services, [
      {
        type: 'ECHO',
        versions: ['1.0'],
        title: 'Echo service',
        url: `${server.url}/echo`,
        capabilitiesUrl: `${server.url}/echo/`,
        plugin: 'echo',
      },
    ]);
  });

  it('merges conformance classes and OpenAPI fragments under mount paths', async () => {
    const conf = (await (await fetch(`${server.url}/conformance`)).json()) as { conformsTo: string[] };
    assert.deepEqual(conf.conformsTo, ['http://example.org/conf/echo/core']);
    const api = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown>; servers: Array<{ url: string }> };
    assert.equal(api.openapi, '3.0.3');
    assert.ok(api.paths['/echo'], Object.keys(api.paths).join(','));
    assert.equal(api.servers[0]!.url, server.url);
  });

  it('answers /health and /ready with each store checked', async () => {
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${server.url}/ready`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { status: string; checks: Array<{ name: string; status: string }> };
    assert.equal(body.status, 'ready');
    assert.deepEqual(body.checks.map((c) => [c.name, c.status]), [['database', 'ok'], ['blobs', 'ok'], ['jobs', 'ok'], ['plugin:echo', 'ok']]);
  });

  it("answers /ready with 503 when a plugin's dependency fails, without revealing why", async () => {
    const sick = await startTestServer({ plugins: { echo: { healthy: false } } });
    try {
      const res = await fetch(`${sick.url}/ready`);
      assert.equal(res.status, 503);
      const text = await res.text();
      assert.match(text, /"name":"plugin:echo","status":"failing"/);
      assert.doesNotMatch(text, /secret|postgres/);
      assert.equal((await fetch(`${sick.url}/health`)).status, 200, 'liveness is not readiness');
    } finally {
      await sick.close();
    }
  });

  it('counts requests per plugin and operation in /metrics', async () => {
    await fetch(`${server.url}/echo/`);
    await fetch(`${server.url}/echo/`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('meridian_http_request_duration_seconds_count{') && l.includes('plugin="echo"') && l.includes('operation="Hello"'));
    assert.ok(line, text.slice(0, 2000));
    assert.ok(Number(line.split(' ').pop()) >= 2);
    assert.match(text, /meridian_http_request_duration_seconds_bucket\{.*plugin="echo"/);
    assert.match(text, /meridian_jobs\{state="queued"\} 0/);
  });

  it('uses a provided service across plugins', async () => {
    const body = (await (await fetch(`${server.url}/needs-echo/`)).json()) as { said: string };
    assert.equal(body.said, 'hi world');
  });

  it('answers an unknown core path with problem+json 404', async () => {
    const res = await fetch(`${server.url}/nope`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    const body = (await res.json()) as { status: number; title: string };
    assert.equal(body.status, 404);
  });
});
