import assert from 'node:assert/strict';
import { startTestServer } from '../../helpers/server.js';
import { closeOrder } from '../../fixtures/plugins/echo/index.js';

describe('server lifecycle', () => {
  it('serves a plugin at the root of a listener of its own', async () => {
    const server = await startTestServer({ plugins: { 'port-echo': { listen: 0 }, echo: {} } });
    try {
      const port = server.ports['port-echo'];
      assert.ok(port && port !== server.ports.main);
      const res = await fetch(`http://127.0.0.1:${port}/bucket-1`);
      assert.deepEqual(await res.json(), { bucket: 'bucket-1', base: `http://127.0.0.1:${port}` });
      // The main listener does not answer for it.
      assert.equal((await fetch(`${server.url}/bucket-1`)).status, 404);
    } finally {
      await server.close();
    }
  });

  it('loads sample data once per store on a data dir with sampleData on', async () => {
    const server = await startTestServer({ sampleData: true, plugins: { echo: {} } });
    try {
      const blob = await server.meridian.stores.blobs.head('echo/sample.txt');
      assert.equal(blob?.size, 6);
      const rows = await server.meridian.stores.db.knex('meridian_sample_data').select('plugin');
      assert.deepEqual(rows, [{ plugin: 'echo' }]);
    } finally {
      await server.close();
    }
  });

  it('lets an in-flight request finish on shutdown, refuses new connections, and closes idle ones', async () => {
    const server = await startTestServer({ server: { shutdownTimeoutMs: 5000 }, plugins: { echo: {} } });
    const slow = fetch(`${server.url}/echo/slow?ms=400`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await new Promise((r) => setTimeout(r, 100));
    const closing = server.close();
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(fetch(`${server.url}/health`, { headers: { Connection: 'close' } }));
    const result = await slow;
    assert.deepEqual(result, { status: 200, body: { slept: true } });
    await closing;
  });

  it('closes plugins in the reverse of their set-up order', async () => {
    const server = await startTestServer({ plugins: { 'needs-echo': {}, echo: {} } });
    assert.deepEqual(server.meridian.plugins.map((p) => p.name), ['echo', 'needs-echo']);
    closeOrder.length = 0;
    await server.close();
    assert.deepEqual(closeOrder, ['needs-echo', 'echo']);
  });

  it('cuts requests that outlive the shutdown bound', async () => {
    const server = await startTestServer({ server: { shutdownTimeoutMs: 100 }, plugins: { echo: {} } });
    const slow = fetch(`${server.url}/echo/slow?ms=3000`).then(
      (r) => r.status,
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 100));
    await server.close();
    assert.equal(await slow, 'cut');
  });
});
