import assert from 'node:assert/strict';
import { createApiKey } from '../../../core/auth/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('authentication and authorization through a plugin', () => {
  let server: TestServer;
  let adminKey: string;
  let userKey: string;
  before(async () => {
    server = await startTestServer({ plugins: { echo: { bodyLimit: 64 } } });
    adminKey = (await createApiKey(server.meridian.stores.db, { user: 'alice', groups: ['admin'] })).key;
    userKey = (await createApiKey(server.meridian.stores.db, { user: 'bob', groups: ['users'] })).key;
  });
  after(() => server.close());

  it('lets anonymous users read what is public', async () => {
    const res = await fetch(`${server.url}/echo/`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { subject: string }).subject, 'anonymous');
  });

  it("answers 401 with a challenge, in the plugin's format, when an anonymous user asks for something protected", async () => {
    const res = await fetch(`${server.url}/echo/private`);
    assert.equal(res.status, 401);
    assert.ok(res.headers.get('www-authenticate'), 'WWW-Authenticate is set');
    assert.match(await res.text(), /^<EchoError code="Unauthenticated" status="401">/);
  });

  it("answers 403 in the plugin's format when an authenticated user is denied", async () => {
    const res = await fetch(`${server.url}/echo/private`, { headers: { 'X-API-Key': userKey } });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /^<EchoError code="Forbidden" status="403">/);
  });

  it('permits an admin, identified by an API key', async () => {
    const res = await fetch(`${server.url}/echo/private`, { headers: { 'X-API-Key': adminKey } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { secret: 42 });
  });

  it('refuses writes by anonymous users and accepts them from admins', async () => {
    const anon = await fetch(`${server.url}/echo/notes`, { method: 'POST', body: 'hello' });
    assert.equal(anon.status, 401);
    const admin = await fetch(`${server.url}/echo/notes`, { method: 'POST', body: 'hello', headers: { 'X-API-Key': adminKey } });
    assert.equal(admin.status, 201);
    assert.equal(((await admin.json()) as { length: number }).length, 5);
  });

  it('refuses an invalid API key with 401 even on a public resource', async () => {
    const res = await fetch(`${server.url}/echo/`, { headers: { 'X-API-Key': 'mk_nope_nope' } });
    assert.equal(res.status, 401);
    assert.match(await res.text(), /^<EchoError code="Unauthenticated"/);
  });

  it("enforces the plugin's body limit with 413 in its format", async () => {
    const res = await fetch(`${server.url}/echo/notes`, { method: 'POST', body: 'x'.repeat(65), headers: { 'X-API-Key': adminKey } });
    assert.equal(res.status, 413);
    assert.match(await res.text(), /^<EchoError code="PayloadTooLarge" status="413">/);
  });
});

describe('a plugin that authenticates on its own routes', () => {
  let server: TestServer;
  let adminKey: string;
  before(async () => {
    server = await startTestServer({ plugins: { echo: { authentication: 'self' } } });
    adminKey = (await createApiKey(server.meridian.stores.db, { user: 'alice', groups: ['admin'] })).key;
  });
  after(() => server.close());

  it('gets credentials the core chain would refuse (client_secret_basic) untouched, with no subject set', async () => {
    const res = await fetch(`${server.url}/echo/subject`, { headers: { Authorization: `Basic ${Buffer.from('client-1:s3cret').toString('base64')}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { subject: null, authorization: `Basic ${Buffer.from('client-1:s3cret').toString('base64')}` });
  });

  it('still has enforce authenticate the request when a route calls it', async () => {
    assert.equal((await fetch(`${server.url}/echo/private`)).status, 401);
    assert.equal((await fetch(`${server.url}/echo/private`, { headers: { 'X-API-Key': adminKey } })).status, 200);
    assert.equal((await fetch(`${server.url}/echo/private`, { headers: { 'X-API-Key': 'mk_nope_nope' } })).status, 401);
  });
});
