import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { createApiKey } from '../../../core/auth/api-keys.js';
import { hashPassword } from '../../../core/auth/users.js';
import { ClientStore } from '../../../plugins/oidc/clients.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { ALICE, BOB, Browser, collection, form, formAction, hiddenValue, loginThroughPages, REDIRECT, startOidc, type OidcHarness } from './support.js';

const OPAQUE = 'urn:meridian:test-opaque';
const insecure = { execute: [oidc.allowInsecureRequests] };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const partsOf = (jwt: string) => jwt.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString())) as [Record<string, unknown>, Record<string, unknown>];

for (const kind of testDatabaseKinds()) {
  describe(`oidc: refusals, keys, secrets and limits (${kind.name})`, function () {
    this.timeout(60_000);
    let h: OidcHarness;
    let web: oidc.Configuration;
    let machine: oidc.Configuration;
    let adminKey: string;

    before(async () => {
      h = await startOidc(kind, {
        oidc: {
          clients: [
            { client_id: 'hashed', client_secret_hash: await hashPassword('hashed-secret-99'), grant_types: ['client_credentials'], redirect_uris: [], response_types: [] },
            { client_id: 'web', client_secret: 'web-secret-0123456789', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] },
            { client_id: 'machine', client_secret: 'machine-secret-0123456789', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] },
          ],
          resources: [{ indicator: OPAQUE, accessTokenFormat: 'opaque' }],
          registration: { enabled: true },
          loginRateLimit: { perAccount: 3, perIp: 7, windowSec: 60 },
        },
      });
      web = await oidc.discovery(new URL(h.issuer), 'web', 'web-secret-0123456789', undefined, insecure);
      machine = await oidc.discovery(new URL(h.issuer), 'machine', 'machine-secret-0123456789', undefined, insecure);
      adminKey = (await createApiKey(h.server.meridian.stores.db, { user: 'root', groups: ['admin'] })).key;
    });
    after(async () => h?.close());

    const catalogue = (token: string) =>
      fetch(`${h.server.url}/catalogue/collections`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/geo+json' }, body: JSON.stringify(collection(`C-${Math.random().toString(36).slice(2, 8)}`)) });
    const refusedAs = async (token: string, description: RegExp) => {
      const res = await catalogue(token);
      assert.equal(res.status, 401, await res.text());
      const challenge = res.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /Bearer .*error="invalid_token"/);
      assert.match(challenge, description);
    };

    it('a token with alg none, or HS256 keyed with the public key, or signed by another key under our kid, is refused (401 invalid_token)', async () => {
      const real = (await oidc.clientCredentialsGrant(machine)).access_token;
      assert.equal((await catalogue(real)).status, 201);
      const [header, payload] = partsOf(real);
      await refusedAs(`${b64({ ...header, alg: 'none' })}.${b64(payload)}.`, /algorithm none is not accepted/);
      const jwks = (await (await fetch(`${h.issuer}/jwks`)).json()) as { keys: Array<Record<string, string>> };
      const hsInput = `${b64({ ...header, alg: 'HS256' })}.${b64(payload)}`;
      await refusedAs(`${hsInput}.${createHmac('sha256', JSON.stringify(jwks.keys[0])).update(hsInput).digest('base64url')}`, /algorithm HS256 is not accepted/);
      const { privateKey } = await generateKeyPair('RS256');
      const forged = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: String(header.kid) }).sign(privateKey);
      await refusedAs(forged, /signature does not verify/);
      // Our key, but the payload changed after signing.
      const [h64, , s64] = real.split('.');
      await refusedAs(`${h64}.${b64({ ...payload, sub: 'root', groups: ['admin'] })}.${s64}`, /signature does not verify/);
      await refusedAs('not-a-token-at-all', /malformed/);
      await refusedAs('a'.repeat(43), /not active/);
    });

    it('a token of another issuer or for another audience is refused even when well signed', async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      void publicKey;
      const other = await new SignJWT({ sub: 'alice', client_id: 'x', groups: ['admin'] }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' }).setIssuer('https://evil.example/oidc').setAudience(h.server.url).setExpirationTime('5m').sign(privateKey);
      // No authenticator of the chain trusts its issuer: refused, never taken as anonymous.
      await refusedAs(other, /issuer is not trusted/);
      // An ID token (typ JWT, aud = the client) is no access token.
      const verifier = oidc.randomPKCECodeVerifier();
      const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const tokens = await oidc.authorizationCodeGrant(web, await loginThroughPages(new Browser(), authUrl, ALICE), { pkceCodeVerifier: verifier });
      await refusedAs(tokens.id_token!, /typ|aud/);
    });

    it('a replayed authorization code is refused, and the tokens issued from it are revoked', async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid offline_access', prompt: 'consent', resource: OPAQUE, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const callback = await loginThroughPages(new Browser(), authUrl, ALICE);
      const first = await oidc.authorizationCodeGrant(web, callback, { pkceCodeVerifier: verifier });
      assert.equal(first.access_token.split('.').length, 1, 'opaque, so that its revocation is visible');
      assert.equal((await catalogue(first.access_token)).status, 201);
      await assert.rejects(oidc.authorizationCodeGrant(web, callback, { pkceCodeVerifier: verifier }), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      assert.equal((await oidc.tokenIntrospection(web, first.access_token)).active, false);
      assert.equal((await oidc.tokenIntrospection(web, first.refresh_token!)).active, false);
      await refusedAs(first.access_token, /not active/);
      await assert.rejects(oidc.refreshTokenGrant(web, first.refresh_token!), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
    });

    it('login forms without the CSRF token, or with the token of another interaction, are refused (403) and log nobody in', async () => {
      const start = async () => {
        const browser = new Browser();
        const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
        const { res, url } = await browser.follow(authUrl.href);
        const html = await res.text();
        return { browser, url, html, action: new URL(formAction(html, '/login')!, url).href, csrf: hiddenValue(html, 'csrf')! };
      };
      const a = await start();
      const b = await start();
      assert.notEqual(a.csrf, b.csrf);
      for (const values of [{ username: BOB.name, password: BOB.password }, { username: BOB.name, password: BOB.password, csrf: b.csrf }, { username: BOB.name, password: BOB.password, csrf: '' }]) {
        const res = await a.browser.fetch(a.action, form(values as Record<string, string>));
        assert.equal(res.status, 403);
        assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
        assert.match(await res.text(), /CSRF/);
      }
      // The same form with its own token works.
      const ok = await a.browser.fetch(a.action, form({ username: BOB.name, password: BOB.password, csrf: a.csrf }));
      assert.equal(ok.status, 303);
      // A form posted to an interaction this browser does not have is refused too.
      const foreign = await a.browser.fetch(b.action, form({ username: BOB.name, password: BOB.password, csrf: b.csrf }));
      assert.equal(foreign.status, 400);
    });

    it('failed logins are limited per account, then per address: 429 with Retry-After, even for the right password', async () => {
      const attempt = async (username: string, password: string) => {
        const browser = new Browser();
        const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
        const { res, url } = await browser.follow(authUrl.href);
        const html = await res.text();
        return browser.fetch(new URL(formAction(html, '/login')!, url).href, form({ csrf: hiddenValue(html, 'csrf')!, username, password }));
      };
      for (let i = 0; i < 3; i++) {
        const res = await attempt('alice', 'wrong');
        assert.equal(res.status, 401);
        assert.match(await res.text(), /wrong/);
      }
      const limited = await attempt('alice', ALICE.password);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0 && Number(limited.headers.get('retry-after')) <= 60);
      assert.match(await limited.text(), /Too many failed logins/);
      // bob is another account: his own right password still works (3 failures so far from this address).
      assert.equal((await attempt('bob', BOB.password)).status, 303);
      for (let i = 0; i < 4; i++) assert.equal((await attempt(`nobody-${i}`, 'x')).status, 401);
      // 7 failures from this address: everyone is refused from it now.
      const byIp = await attempt('bob', BOB.password);
      assert.equal(byIp.status, 429);
      assert.ok(Number(byIp.headers.get('retry-after')) > 0);
    });

    it('signing keys: stored sealed, rotated by the admin API (both published, old tokens still verify), retired (its tokens refused)', async () => {
      const db = h.server.meridian.stores.db;
      const rows = (await db.knex('oidc_keys').select('*')) as Array<{ kid: string; private_sealed: string; public_jwk: string }>;
      assert.equal(rows.length, 1);
      assert.match(rows[0]!.private_sealed, /^v1\./);
      assert.ok(!rows[0]!.private_sealed.includes('"d"'));
      assert.ok(!('d' in JSON.parse(rows[0]!.public_jwk)));
      const before = (await oidc.clientCredentialsGrant(machine)).access_token;
      const oldKid = String(partsOf(before)[0].kid);
      assert.equal(oldKid, rows[0]!.kid);
      assert.equal((await fetch(`${h.issuer}/admin/keys`, { method: 'POST' })).status, 401);
      const bobBasic = `Basic ${Buffer.from(`${BOB.name}:${BOB.password}`).toString('base64')}`;
      assert.equal((await fetch(`${h.issuer}/admin/keys`, { method: 'POST', headers: { Authorization: bobBasic } })).status, 403);
      const rotated = await fetch(`${h.issuer}/admin/keys`, { method: 'POST', headers: { 'X-API-Key': adminKey } });
      assert.equal(rotated.status, 201);
      const newKid = ((await rotated.json()) as { kid: string }).kid;
      const published = ((await (await fetch(`${h.issuer}/jwks`)).json()) as { keys: Array<{ kid: string; d?: string }> }).keys;
      assert.deepEqual(published.map((k) => k.kid), [newKid, oldKid]);
      assert.ok(published.every((k) => k.d === undefined));
      const after = (await oidc.clientCredentialsGrant(machine)).access_token;
      assert.equal(partsOf(after)[0].kid, newKid);
      assert.equal((await catalogue(before)).status, 201);
      assert.equal((await catalogue(after)).status, 201);
      const retired = await fetch(`${h.issuer}/admin/keys/${encodeURIComponent(oldKid)}/retire`, { method: 'POST', headers: { 'X-API-Key': adminKey } });
      assert.equal(retired.status, 204);
      assert.deepEqual(((await (await fetch(`${h.issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid), [newKid]);
      await refusedAs(before, /No key/);
      assert.equal((await catalogue(after)).status, 201);
      const last = await fetch(`${h.issuer}/admin/keys/${encodeURIComponent(newKid)}/retire`, { method: 'POST', headers: { 'X-API-Key': adminKey } });
      assert.equal(last.status, 409);
    });

    it('clients added by the CLI store only an scrypt hash; client_secret_basic and client_secret_post verify against it', async () => {
      const store = new ClientStore(h.server.meridian.stores.db);
      await store.add({ id: 'batch', secret: 'batch-secret-42', grant: 'client_credentials' });
      const row = (await h.server.meridian.stores.db.knex('oidc_clients').where('client_id', 'batch').first()) as { metadata: string };
      assert.ok(!row.metadata.includes('batch-secret-42'));
      assert.match(JSON.parse(row.metadata).client_secret, /^scrypt\$/);
      const basic = await oidc.discovery(new URL(h.issuer), 'batch', 'batch-secret-42', undefined, insecure);
      assert.equal((await catalogue((await oidc.clientCredentialsGrant(basic)).access_token)).status, 201);
      const post = await oidc.discovery(new URL(h.issuer), 'batch', undefined, oidc.ClientSecretPost('batch-secret-42'), insecure);
      assert.ok((await oidc.clientCredentialsGrant(post)).access_token);
      const wrong = await oidc.discovery(new URL(h.issuer), 'batch', 'batch-secret-43', undefined, insecure);
      await assert.rejects(oidc.clientCredentialsGrant(wrong), (err: oidc.ResponseBodyError) => err.error === 'invalid_client');
      // The hash itself is not a secret that works.
      const hash = await oidc.discovery(new URL(h.issuer), 'batch', JSON.parse(row.metadata).client_secret, undefined, insecure);
      await assert.rejects(oidc.clientCredentialsGrant(hash), (err: oidc.ResponseBodyError) => err.error === 'invalid_client');
      // A config client given by its hash alone.
      const fromConfig = await oidc.discovery(new URL(h.issuer), 'hashed', 'hashed-secret-99', undefined, insecure);
      assert.ok((await oidc.clientCredentialsGrant(fromConfig)).access_token);
      const wrongConfig = await oidc.discovery(new URL(h.issuer), 'hashed', 'hashed-secret-98', undefined, insecure);
      await assert.rejects(oidc.clientCredentialsGrant(wrongConfig), (err: oidc.ResponseBodyError) => err.error === 'invalid_client');
      assert.equal(await store.remove('batch'), true);
      await assert.rejects(oidc.clientCredentialsGrant(basic), (err: oidc.ResponseBodyError) => err.error === 'invalid_client');
    });

    it("a CLI client's groups ride in its client-credentials tokens (JWT and opaque) and decide; registration cannot give a client groups", async () => {
      const store = new ClientStore(h.server.meridian.stores.db);
      await store.add({ id: 'ops-robot', secret: 'ops-secret-1', grant: 'client_credentials', groups: ['admin'] });
      const ops = await oidc.discovery(new URL(h.issuer), 'ops-robot', 'ops-secret-1', undefined, insecure);
      const jwt = (await oidc.clientCredentialsGrant(ops)).access_token;
      assert.deepEqual(partsOf(jwt)[1].groups, ['admin']);
      const opaque = (await oidc.clientCredentialsGrant(ops, { resource: OPAQUE })).access_token;
      const users = (token: string) => fetch(`${h.issuer}/admin/users`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal((await users(jwt)).status, 200);
      assert.equal((await users(opaque)).status, 200);
      assert.equal((await users((await oidc.clientCredentialsGrant(machine)).access_token)).status, 403);
      const reg = await fetch(`${h.issuer}/reg`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [], meridian_groups: ['admin'] }) });
      assert.equal(reg.status, 400);
      assert.equal(((await reg.json()) as { error: string }).error, 'invalid_client_metadata');
    });

    it('dynamic client registration (when on): the secret is returned once and sealed at rest; the new client gets tokens', async () => {
      const res = await fetch(`${h.issuer}/reg`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [], client_name: 'registered' }) });
      assert.equal(res.status, 201);
      const reg = (await res.json()) as { client_id: string; client_secret: string; registration_access_token: string; registration_client_uri: string };
      assert.ok(reg.client_secret && reg.registration_access_token);
      assert.ok(reg.registration_client_uri.startsWith(`${h.issuer}/reg/`));
      const row = (await h.server.meridian.stores.db.knex('oidc_payloads').where({ model: 'Client', id: reg.client_id }).first()) as { payload: string };
      assert.ok(!row.payload.includes(reg.client_secret));
      const dyn = await oidc.discovery(new URL(h.issuer), reg.client_id, reg.client_secret, undefined, insecure);
      assert.ok((await oidc.clientCredentialsGrant(dyn)).access_token);
      // Registration management (RFC 7592) reads it back with its Bearer registration token.
      const read = await fetch(reg.registration_client_uri, { headers: { Authorization: `Bearer ${reg.registration_access_token}` } });
      assert.equal(read.status, 200);
      assert.equal(((await read.json()) as { client_name: string }).client_name, 'registered');
      const bad = await fetch(`${h.issuer}/reg`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['not a url'] }) });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { error: string }).error, 'invalid_redirect_uri');
    });

    it('bad requests to the endpoints get OAuth errors, never a 500', async () => {
      const token = await fetch(`${h.issuer}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=nonsense' });
      assert.equal(token.status, 400);
      assert.ok(['invalid_request', 'unsupported_grant_type', 'invalid_client'].includes(((await token.json()) as { error: string }).error));
      const noInteraction = await fetch(`${h.issuer}/interaction/nope`);
      assert.equal(noInteraction.status, 400);
      assert.match(await noInteraction.text(), /expired or was opened in another browser/);
      const notForm = await fetch(`${h.issuer}/interaction/nope/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      assert.equal(notForm.status, 400);
      const admin = await fetch(`${h.issuer}/admin/users`, { method: 'POST', headers: { 'X-API-Key': adminKey, 'Content-Type': 'application/json' }, body: '{"name":' });
      assert.equal(admin.status, 400);
      assert.equal(((await admin.json()) as { error: string }).error, 'invalid_request');
    });
  });

  describe(`oidc: expired tokens (${kind.name})`, function () {
    this.timeout(30_000);
    let h: OidcHarness;
    before(async () => {
      h = await startOidc(kind, {
        oidc: {
          clients: [{ client_id: 'machine', client_secret: 'machine-secret-0123456789', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
          resources: [{ indicator: OPAQUE, accessTokenFormat: 'opaque' }],
          // 3 s: a JWT's exp is whole seconds (iat floored), so a 1 s token issued late in a second
          // could expire before its first use on a busy machine (CI saw exactly that).
          ttl: { clientCredentials: 3, accessToken: 3 },
          clockToleranceSec: 0,
        },
      });
    });
    after(async () => h?.close());

    it('JWT and opaque access tokens are accepted until they expire, then refused (401 invalid_token)', async () => {
      const machine = await oidc.discovery(new URL(h.issuer), 'machine', 'machine-secret-0123456789', undefined, insecure);
      const jwt = (await oidc.clientCredentialsGrant(machine)).access_token;
      const opaque = (await oidc.clientCredentialsGrant(machine, { resource: OPAQUE })).access_token;
      const get = (t: string) => fetch(`${h.server.url}/catalogue/collections`, { method: 'POST', headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/geo+json' }, body: JSON.stringify(collection(`E-${Math.random().toString(36).slice(2, 8)}`)) });
      assert.equal((await get(jwt)).status, 201);
      assert.equal((await get(opaque)).status, 201);
      await new Promise((r) => setTimeout(r, 4100));
      const a = await get(jwt);
      assert.equal(a.status, 401);
      assert.match(a.headers.get('www-authenticate') ?? '', /expired/);
      const b = await get(opaque);
      assert.equal(b.status, 401);
      assert.match(b.headers.get('www-authenticate') ?? '', /not active/);
    });
  });
}
