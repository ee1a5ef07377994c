import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { createApiKey } from '../../../core/auth/api-keys.js';
import { createUser } from '../../../core/auth/users.js';
import { loadConfig } from '../../../core/config/load.js';
import { deleteExpired } from '../../../plugins/oidc/adapter.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { builtinDir } from '../catalogue/support.js';
import { ALICE, Browser, loginThroughPages, REDIRECT, startOidc } from './support.js';

const insecure = { execute: [oidc.allowInsecureRequests] };
const [sqlite] = testDatabaseKinds();
const load = (oidcConfig: Record<string, unknown>) => loadConfig({ inline: { builtinPlugins: false, plugins: { oidc: oidcConfig } }, builtinDir });

describe('oidc config', function () {
  this.timeout(60_000);

  it('mounts at /oidc by default and refuses bad settings with their config path', async () => {
    const loaded = await load({});
    assert.equal(loaded.plugins.find((p) => p.plugin.name === 'oidc')!.mountPath, '/oidc');
    const refused = async (config: Record<string, unknown>, path: RegExp) => assert.rejects(load(config), (err: Error) => path.test(err.message));
    await refused({ upstreams: [{ id: 'x', issuer: 'ftp://idp.example', clientId: 'c', name: 'X' }] }, /plugins\.oidc\.upstreams\[0\]\.issuer/);
    await refused({ upstreams: [{ id: 'has space', issuer: 'https://idp.example', clientId: 'c', name: 'X' }] }, /plugins\.oidc\.upstreams\[0\]\.id/);
    await refused({ clients: [{ client_id: 'c', client_secret: 's', client_secret_hash: 'scrypt$1' }] }, /plugins\.oidc\.clients\[0\]/);
    await refused({ accessTokenFormat: 'paseto' }, /plugins\.oidc\.accessTokenFormat/);
    await refused({ resources: [{ indicator: 'https://api.example/#frag' }] }, /plugins\.oidc\.resources\[0\]\.indicator/);
    await refused({ signingAlg: 'HS256' }, /plugins\.oidc\.signingAlg/);
    await refused({ registration: { enabled: true, initialAccessToken: 'short' } }, /plugins\.oidc\.registration\.initialAccessToken/);
  });

  it('the issuer follows server.publicUrl (path prefix included), whatever address the request came to', async () => {
    const h = await startOidc(sqlite!, { inline: { server: { publicUrl: 'https://eo.example.org/platform/' } } });
    try {
      const doc = (await (await fetch(`${h.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
      assert.equal(doc.issuer, 'https://eo.example.org/platform/oidc');
      assert.equal(doc.token_endpoint, 'https://eo.example.org/platform/oidc/token');
      assert.equal(doc.jwks_uri, 'https://eo.example.org/platform/oidc/jwks');
      // Without publicUrl the issuer is the request's own origin (see flows.test.ts).
    } finally {
      await h.close();
    }
  });

  it('behind a trusted proxy the issuer follows X-Forwarded-Proto/Host/Prefix; the login cookies are scoped to that path', async () => {
    const h = await startOidc(sqlite!, { inline: { server: { trustProxy: true } }, oidc: { clients: [{ client_id: 'web', client_secret: 'web-secret-0123456789', redirect_uris: [REDIRECT] }] } });
    try {
      const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'login.example.org', 'X-Forwarded-Prefix': '/eo' };
      const doc = (await (await fetch(`${h.issuer}/.well-known/openid-configuration`, { headers: forwarded })).json()) as Record<string, string>;
      assert.equal(doc.issuer, 'https://login.example.org/eo/oidc');
      const auth = await fetch(`${h.issuer}/auth?client_id=web&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT)}`, { headers: forwarded, redirect: 'manual' });
      assert.equal(auth.status, 303);
      assert.match(auth.headers.get('location')!, /^\/eo\/oidc\/interaction\//);
      assert.ok(auth.headers.getSetCookie().every((c) => /path=\/eo\/oidc/i.test(c) && /secure/i.test(c)), auth.headers.getSetCookie().join('\n'));
    } finally {
      await h.close();
    }
  });

  it('dynamic registration is off unless configured, and with an initial access token only that token may register', async () => {
    const off = await startOidc(sqlite!);
    try {
      assert.equal((await fetch(`${off.issuer}/reg`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"redirect_uris":["https://a.example/cb"]}' })).status, 404);
    } finally {
      await off.close();
    }
    const on = await startOidc(sqlite!, { oidc: { registration: { enabled: true, initialAccessToken: 'initial-access-token-0123456789' } } });
    try {
      const register = (auth?: string) => fetch(`${on.issuer}/reg`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bearer ${auth}` } : {}) }, body: '{"redirect_uris":["https://a.example/cb"]}' });
      assert.equal((await register()).status, 401);
      assert.equal((await register('wrong-token-0123456789')).status, 401);
      assert.equal((await register('initial-access-token-0123456789')).status, 201);
    } finally {
      await on.close();
    }
  });

  it("groups of the account reach Meridian's decisions through the token: the admin API takes an admin's token and refuses another's", async () => {
    const h = await startOidc(sqlite!, { oidc: { clients: [{ client_id: 'web', client_secret: 'web-secret-0123456789', redirect_uris: [REDIRECT] }] } });
    try {
      await createUser(h.server.meridian.stores.db, { name: 'root2', password: 'root2-password', groups: ['admin'] });
      const web = await oidc.discovery(new URL(h.issuer), 'web', 'web-secret-0123456789', undefined, insecure);
      const tokenOf = async (user: { name: string; password: string }) => {
        const verifier = oidc.randomPKCECodeVerifier();
        const url = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
        return (await oidc.authorizationCodeGrant(web, await loginThroughPages(new Browser(), url, user), { pkceCodeVerifier: verifier })).access_token;
      };
      const users = (token: string) => fetch(`${h.issuer}/admin/users`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal((await users(await tokenOf(ALICE))).status, 403);
      const admin = await users(await tokenOf({ name: 'root2', password: 'root2-password' }));
      assert.equal(admin.status, 200);
      assert.ok(((await admin.json()) as Array<{ name: string }>).some((u) => u.name === 'alice'));
      // And the admin API manages accounts.
      const key = (await createApiKey(h.server.meridian.stores.db, { user: 'ops', groups: ['admin'] })).key;
      const created = await fetch(`${h.issuer}/admin/users`, { method: 'POST', headers: { 'X-API-Key': key, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'erin', password: 'erin-password', groups: ['g'], attributes: { email: 'erin@example.org' } }) });
      assert.equal(created.status, 201);
      const patched = await fetch(`${h.issuer}/admin/users/erin`, { method: 'PATCH', headers: { 'X-API-Key': key, 'Content-Type': 'application/json' }, body: JSON.stringify({ addGroups: ['h'], removeGroups: ['g'], attributes: { email: null, name: 'Erin' } }) });
      assert.equal(patched.status, 200, await patched.text());
      const erin = (await (await fetch(`${h.issuer}/admin/users/erin`, { headers: { 'X-API-Key': key } })).json()) as { groups: string[]; attributes: Record<string, unknown> };
      assert.deepEqual(erin.groups, ['h']);
      assert.deepEqual(erin.attributes, { name: 'Erin' });
      assert.equal((await fetch(`${h.issuer}/admin/users/erin`, { method: 'DELETE', headers: { 'X-API-Key': key } })).status, 204);
      assert.equal((await fetch(`${h.issuer}/admin/users/erin`, { headers: { 'X-API-Key': key } })).status, 404);
    } finally {
      await h.close();
    }
  });

  it('with defaultResource off, a token requested without resource is for userinfo only (refused by the services); with resource, a JWT for them', async () => {
    const h = await startOidc(sqlite!, { oidc: { defaultResource: false, clients: [{ client_id: 'web', client_secret: 'web-secret-0123456789', redirect_uris: [REDIRECT] }] } });
    try {
      const web = await oidc.discovery(new URL(h.issuer), 'web', 'web-secret-0123456789', undefined, insecure);
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const tokens = await oidc.authorizationCodeGrant(web, await loginThroughPages(new Browser(), url, ALICE), { pkceCodeVerifier: verifier });
      assert.equal(tokens.access_token.split('.').length, 1);
      const info = await oidc.fetchUserInfo(web, tokens.access_token, 'alice');
      assert.equal(info.email, 'alice@example.org');
      const refused = await fetch(`${h.server.url}/catalogue/collections`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get('www-authenticate') ?? '', /not for this service/);
      const v2 = oidc.randomPKCECodeVerifier();
      const url2 = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid', resource: h.server.url, code_challenge: await oidc.calculatePKCECodeChallenge(v2), code_challenge_method: 'S256' });
      const forApi = await oidc.authorizationCodeGrant(web, await loginThroughPages(new Browser(), url2, ALICE), { pkceCodeVerifier: v2 }, { resource: h.server.url });
      assert.equal(forApi.access_token.split('.').length, 3);
      assert.equal((await fetch(`${h.server.url}/catalogue/collections`, { headers: { Authorization: `Bearer ${forApi.access_token}` } })).status, 200);
    } finally {
      await h.close();
    }
  });

  it('expired artefacts are swept from the store', async () => {
    const h = await startOidc(sqlite!, { oidc: { clients: [{ client_id: 'm', client_secret: 'm-secret-0123456789', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }], resources: [{ indicator: 'urn:x:opaque', accessTokenFormat: 'opaque' }] } });
    try {
      const m = await oidc.discovery(new URL(h.issuer), 'm', 'm-secret-0123456789', undefined, insecure);
      await oidc.clientCredentialsGrant(m, { resource: 'urn:x:opaque' });
      const db = h.server.meridian.stores.db;
      const count = async () => Number(((await db.knex('oidc_payloads').count({ n: '*' })) as Array<{ n: number | string }>)[0]!.n);
      assert.equal(await count(), 1);
      assert.equal(await deleteExpired(db, Date.now()), 0);
      assert.equal(await deleteExpired(db, Date.now() + 3600_000), 1);
      assert.equal(await count(), 0);
    } finally {
      await h.close();
    }
  });
});
