import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { ALICE, BOB, Browser, collection, form, formAction, hiddenValue, loginThroughPages, REDIRECT, startOidc, type OidcHarness } from './support.js';

const OPAQUE = 'urn:meridian:test-opaque';
const insecure = { execute: [oidc.allowInsecureRequests] };

for (const kind of testDatabaseKinds()) {
  describe(`oidc: OAuth 2.0 and OpenID Connect flows with openid-client (${kind.name})`, function () {
    this.timeout(60_000);
    let h: OidcHarness;
    let web: oidc.Configuration;
    let spa: oidc.Configuration;
    let machine: oidc.Configuration;

    before(async () => {
      h = await startOidc(kind, {
        oidc: {
          clients: [
            { client_id: 'web', client_secret: 'web-secret-0123456789', redirect_uris: [REDIRECT], post_logout_redirect_uris: ['http://app.example/bye'], grant_types: ['authorization_code', 'refresh_token'], client_name: 'Web portal' },
            { client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] },
            { client_id: 'machine', client_secret: 'machine-secret-0123456789', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] },
          ],
          resources: [{ indicator: OPAQUE, accessTokenFormat: 'opaque' }],
        },
        plugins: { csw: {} },
      });
      const issuer = new URL(h.issuer);
      web = await oidc.discovery(issuer, 'web', 'web-secret-0123456789', undefined, insecure);
      spa = await oidc.discovery(issuer, 'spa', undefined, oidc.None(), insecure);
      machine = await oidc.discovery(issuer, 'machine', 'machine-secret-0123456789', undefined, insecure);
    });
    after(async () => h?.close());

    const catalogue = (token: string) => fetch(`${h.server.url}/catalogue/collections`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/geo+json' }, body: JSON.stringify(collection(`C-${Math.random().toString(36).slice(2, 8)}`)) });

    it('discovery names the issuer at the public URL + /oidc and every endpoint under it', async () => {
      const m = web.serverMetadata();
      assert.equal(m.issuer, h.issuer);
      for (const k of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'end_session_endpoint'] as const) {
        assert.ok(String(m[k]).startsWith(`${h.issuer}/`), `${k}: ${m[k]}`);
      }
      assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
      assert.ok(!('registration_endpoint' in m), 'registration is off by default');
      assert.ok(!(m.token_endpoint_auth_methods_supported ?? []).includes('client_secret_jwt'));
      assert.ok((m.id_token_signing_alg_values_supported ?? []).every((a) => !a.startsWith('HS') && a !== 'none'));
    });

    it('authorization code + PKCE for a confidential client: login and consent forms, ID token claims, a JWT access token for Meridian', async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid profile email groups', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
      const callback = await loginThroughPages(new Browser(), authUrl, ALICE);
      const tokens = await oidc.authorizationCodeGrant(web, callback, { pkceCodeVerifier: verifier, expectedState: state });
      const claims = tokens.claims()!;
      assert.equal(claims.iss, h.issuer);
      assert.equal(claims.sub, 'alice');
      assert.equal(claims.aud, 'web');
      // Claims ride in the ID token (no userinfo token: the access token is for Meridian's services).
      assert.equal(claims.email, 'alice@example.org');
      assert.deepEqual(claims.groups, ['team']);
      const [header, payload] = tokens.access_token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      assert.equal(header.typ, 'at+jwt');
      assert.equal(header.alg, 'RS256');
      assert.equal(payload.aud, h.server.url);
      assert.equal(payload.client_id, 'web');
      assert.deepEqual(payload.groups, ['team']);
      const res = await catalogue(tokens.access_token);
      assert.equal(res.status, 201, await res.text());
    });

    it('a public client must use PKCE: without a code_challenge the authorization request is refused', async () => {
      const authUrl = oidc.buildAuthorizationUrl(spa, { redirect_uri: REDIRECT, scope: 'openid', state: 'x' });
      const res = await fetch(authUrl, { redirect: 'manual' });
      const location = new URL(res.headers.get('location') ?? 'http://none/');
      assert.equal(location.searchParams.get('error'), 'invalid_request', location.href);
      assert.match(location.searchParams.get('error_description') ?? '', /PKCE/);
    });

    it('a public client with PKCE gets tokens; a wrong code_verifier is invalid_grant', async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const authUrl = oidc.buildAuthorizationUrl(spa, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const browser = new Browser();
      const callback = await loginThroughPages(browser, authUrl, ALICE);
      await assert.rejects(oidc.authorizationCodeGrant(spa, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier() }), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      // A second login in the same browser session skips the password (the session) but the code is new.
      const v2 = oidc.randomPKCECodeVerifier();
      const again = await loginThroughPages(browser, oidc.buildAuthorizationUrl(spa, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(v2), code_challenge_method: 'S256' }), ALICE);
      const tokens = await oidc.authorizationCodeGrant(spa, again, { pkceCodeVerifier: v2 });
      assert.equal(tokens.claims()!.sub, 'alice');
    });

    it('client credentials: a JWT for Meridian by default, an opaque token for a configured opaque resource; both accepted by the catalogue', async () => {
      const jwt = await oidc.clientCredentialsGrant(machine);
      assert.equal(jwt.access_token.split('.').length, 3);
      assert.equal(JSON.parse(Buffer.from(jwt.access_token.split('.')[1]!, 'base64url').toString()).sub, 'machine');
      assert.equal((await catalogue(jwt.access_token)).status, 201);
      const opaque = await oidc.clientCredentialsGrant(machine, { resource: OPAQUE });
      assert.equal(opaque.access_token.split('.').length, 1);
      assert.equal((await catalogue(opaque.access_token)).status, 201);
      await assert.rejects(oidc.clientCredentialsGrant(machine, { resource: 'https://elsewhere.example/' }), (err: oidc.ResponseBodyError) => err.error === 'invalid_target');
    });

    it('a wrong client secret is invalid_client (401), not a user login failure', async () => {
      const wrong = await oidc.discovery(new URL(h.issuer), 'machine', 'not-the-secret', undefined, insecure);
      await assert.rejects(oidc.clientCredentialsGrant(wrong), (err: oidc.ResponseBodyError) => err.error === 'invalid_client' && err.status === 401);
    });

    it('refresh tokens rotate: the new one works, the used one is refused and its reuse revokes the grant', async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid offline_access', prompt: 'consent', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const tokens = await oidc.authorizationCodeGrant(web, await loginThroughPages(new Browser(), authUrl, ALICE), { pkceCodeVerifier: verifier });
      const first = tokens.refresh_token!;
      assert.ok(first);
      const second = await oidc.refreshTokenGrant(web, first);
      assert.ok(second.refresh_token && second.refresh_token !== first);
      assert.equal((await catalogue(second.access_token)).status, 201);
      await assert.rejects(oidc.refreshTokenGrant(web, first), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      // Reuse of a rotated token means it leaked: the whole grant goes, the newest refresh token too.
      await assert.rejects(oidc.refreshTokenGrant(web, second.refresh_token!), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
    });

    it('introspection (RFC 7662) and revocation (RFC 7009) of opaque access tokens and refresh tokens; the catalogue refuses a revoked token', async () => {
      const token = (await oidc.clientCredentialsGrant(machine, { resource: OPAQUE })).access_token;
      const active = await oidc.tokenIntrospection(machine, token);
      assert.equal(active.active, true);
      assert.equal(active.client_id, 'machine');
      assert.equal(active.aud, OPAQUE);
      assert.equal((await catalogue(token)).status, 201);
      await oidc.tokenRevocation(machine, token);
      assert.equal((await oidc.tokenIntrospection(machine, token)).active, false);
      const refused = await catalogue(token);
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get('www-authenticate') ?? '', /Bearer .*error="invalid_token"/);
      // Another client may not introspect the token of a confidential client as active.
      const verifier = oidc.randomPKCECodeVerifier();
      const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid offline_access', prompt: 'consent', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const tokens = await oidc.authorizationCodeGrant(web, await loginThroughPages(new Browser(), authUrl, ALICE), { pkceCodeVerifier: verifier });
      assert.equal((await oidc.tokenIntrospection(web, tokens.refresh_token!)).active, true);
      await oidc.tokenRevocation(web, tokens.refresh_token!);
      assert.equal((await oidc.tokenIntrospection(web, tokens.refresh_token!)).active, false);
      await assert.rejects(oidc.refreshTokenGrant(web, tokens.refresh_token!), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
    });

    it('RP-initiated logout: a confirmation form, then the session is gone and the next authorization asks for the password again', async () => {
      const browser = new Browser();
      const verifier = oidc.randomPKCECodeVerifier();
      const s256 = async () => oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const tokens = await oidc.authorizationCodeGrant(web, await loginThroughPages(browser, await s256(), ALICE), { pkceCodeVerifier: verifier });
      const endSession = oidc.buildEndSessionUrl(web, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://app.example/bye', state: 'bye-state' });
      const confirm = await browser.fetch(endSession.href);
      const page = await confirm.text();
      assert.equal(confirm.status, 200);
      assert.match(page, /<h1>Log out<\/h1>/);
      const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(page)?.[1];
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
      assert.ok(action && xsrf, page);
      const done = await browser.fetch(new URL(action, endSession).href, form({ xsrf, logout: 'yes' }));
      assert.equal(done.status, 303);
      const bye = new URL(done.headers.get('location')!);
      assert.equal(bye.origin + bye.pathname, 'http://app.example/bye');
      assert.equal(bye.searchParams.get('state'), 'bye-state');
      const next = await browser.follow((await s256()).href, {}, (u) => u.href.startsWith(REDIRECT));
      assert.match(await next.res.text(), /name="password"/);
    });

    it("the same token works through another protocol: a private record created with alice's token is found by CSW with her token only", async () => {
      const tokenOf = async (user: { name: string; password: string }) => {
        const verifier = oidc.randomPKCECodeVerifier();
        const url = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
        return (await oidc.authorizationCodeGrant(web, await loginThroughPages(new Browser(), url, user), { pkceCodeVerifier: verifier })).access_token;
      };
      const alice = await tokenOf(ALICE);
      const bob = await tokenOf(BOB);
      const created = await fetch(`${h.server.url}/catalogue/collections?visibility=private`, { method: 'POST', headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/geo+json' }, body: JSON.stringify(collection('ALICE-PRIVATE')) });
      assert.equal(created.status, 201, await created.text());
      const csw = async (token?: string) => {
        const res = await fetch(`${h.server.url}/csw?service=CSW&version=2.0.2&request=GetRecordById&id=ALICE-PRIVATE`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
        assert.equal(res.status, 200);
        return (await res.text()).includes('ALICE-PRIVATE');
      };
      assert.equal(await csw(alice), true);
      assert.equal(await csw(bob), false);
      assert.equal(await csw(), false);
      const bad = await fetch(`${h.server.url}/csw?service=CSW&version=2.0.2&request=GetRecordById&id=ALICE-PRIVATE`, { headers: { Authorization: `Bearer ${alice.slice(0, -4)}AAAA` } });
      assert.equal(bad.status, 401);
      assert.match(await bad.text(), /ExceptionReport/);
    });

    it('the consent page: deny sends access_denied back to the client', async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid email', prompt: 'consent', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const browser = new Browser();
      const stop = (u: URL) => u.href.startsWith(REDIRECT);
      let { res, url } = await browser.follow(authUrl.href, {}, stop);
      let html = await res.text();
      ({ res, url } = await browser.follow(new URL(formAction(html, '/login')!, url).href, form({ csrf: hiddenValue(html, 'csrf')!, username: ALICE.name, password: ALICE.password }), stop));
      html = await res.text();
      assert.match(html, /Allow access\?/);
      assert.match(html, /Web portal/);
      assert.match(html, /<li>email<\/li>/);
      ({ url } = await browser.follow(new URL(formAction(html, '/confirm')!, url).href, form({ csrf: hiddenValue(html, 'csrf')!, decision: 'deny' }), stop));
      assert.equal(new URL(url).searchParams.get('error'), 'access_denied');
    });
  });
}
