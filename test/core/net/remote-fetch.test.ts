import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchRemote, isInternalAddress, RemoteFetchError, responseText, type RemoteFetchLimits } from '../../../core/net/remote-fetch.js';

const LIMITS: RemoteFetchLimits = { timeoutMs: 2000, maxBytes: 1024, maxRedirects: 2, allowPrivateNetworks: true };
const failsWith = (reason: string, status?: number) => (err: unknown) => err instanceof RemoteFetchError && err.reason === reason && (status === undefined || err.status === status);

describe('core/net/remote-fetch', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method: string; url: string; body: string }> = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, body });
        if (req.url === '/doc') return res.writeHead(200, { 'Content-Type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from('caf\xe9', 'latin1'));
        if (req.url === '/big') return res.writeHead(200).end('x'.repeat(5000));
        if (req.url === '/slow') return setTimeout(() => res.writeHead(200).end('late'), 3000).unref();
        if (req.url === '/loop') return res.writeHead(302, { Location: '/loop' }).end();
        if (req.url === '/see-other') return res.writeHead(303, { Location: '/doc' }).end();
        if (req.url === '/file') return res.writeHead(302, { Location: 'file:///etc/passwd' }).end();
        if (req.url === '/tiff') return res.writeHead(200).end(Buffer.concat([Buffer.from([0x49, 0x49, 42, 0]), Buffer.alloc(4 << 20)]));
        res.writeHead(404).end('no');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses internal network addresses unless allowed, by address and by name', async () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '100.64.0.1']) assert.equal(isInternalAddress(a), true, a);
    for (const a of ['8.8.8.8', '2001:4860:4860::8888', '93.184.216.34']) assert.equal(isInternalAddress(a), false, a);
    const strict = { ...LIMITS, allowPrivateNetworks: false };
    await assert.rejects(fetchRemote(`${base}/doc`, strict), failsWith('internal-address', 400));
    await assert.rejects(fetchRemote(`${base.replace('127.0.0.1', 'localhost')}/doc`, strict), failsWith('internal-address', 400));
  });

  it('reads a document in the charset it names, and returns other statuses to the caller', async () => {
    const res = await fetchRemote(`${base}/doc`, LIMITS);
    assert.equal(res.status, 200);
    assert.equal(responseText(res), 'café');
    assert.equal((await fetchRemote(`${base}/nothing`, LIMITS)).status, 404);
  });

  it('refuses other schemes, redirects to them, too many redirects, too large and too slow', async () => {
    await assert.rejects(fetchRemote('file:///etc/passwd', LIMITS), failsWith('scheme', 400));
    await assert.rejects(fetchRemote('not a url', LIMITS), failsWith('invalid-url', 400));
    await assert.rejects(fetchRemote(`${base}/file`, LIMITS), failsWith('scheme', 400));
    await assert.rejects(fetchRemote(`${base}/loop`, LIMITS), failsWith('redirects', 502));
    await assert.rejects(fetchRemote(`${base}/big`, LIMITS), failsWith('too-large', 413));
    await assert.rejects(fetchRemote(`${base}/slow`, { ...LIMITS, timeoutMs: 200 }), failsWith('timeout', 504));
    await assert.rejects(fetchRemote('http://no-such-host.invalid/', LIMITS), failsWith('unresolved', 400));
  });

  it('follows a 303 after a POST as a GET, and stops reading a body its start identifies', async () => {
    seen.length = 0;
    const res = await fetchRemote(`${base}/see-other`, LIMITS, { method: 'POST', body: '<x/>' });
    assert.equal(res.url, `${base}/doc`);
    assert.deepEqual(seen.map((s) => [s.method, s.url, s.body]), [['POST', '/see-other', '<x/>'], ['GET', '/doc', '']]);
    // 4 MiB, over maxBytes: read past its first bytes it would be refused.
    const tiff = await fetchRemote(`${base}/tiff`, LIMITS, { stopAfterHead: (head) => head[0] === 0x49 && head[2] === 42 });
    assert.equal(tiff.truncated, true);
    assert.ok(tiff.body.length < 4 << 20, String(tiff.body.length));
    await assert.rejects(fetchRemote(`${base}/tiff`, LIMITS), failsWith('too-large', 413));
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(fetchRemote(`${base}/slow`, LIMITS, { signal: controller.signal }), failsWith('aborted'));
  });
});
