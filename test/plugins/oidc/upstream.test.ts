import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import * as oidc from 'openid-client';
import { findUserByIdentity, getUser, listUsers } from '../../../core/auth/users.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { ALICE, Browser, collection, form, formAction, hiddenValue, REDIRECT, startOidc, type OidcHarness } from './support.js';

const insecure = { execute: [oidc.allowInsecureRequests] };

/** People at the upstream issuer: its accounts and what it says about them. */
const UPSTREAM_PEOPLE: Record<string, { preferred_username: string; email: string; name: string }> = {
  'u-1001': { preferred_username: 'carol', email: 'carol@partner.example', name: 'Carol Upstream' },
  'u-2002': { preferred_username: 'alice', email: 'alice@partner.example', name: 'Another Alice' },
};

/**
 * A second, independent OpenID Connect provider (oidc-provider with its development login
 * pages, where any login name is accepted) on its own port, acting as an upstream IdP.
 */
async function startUpstream(): Promise<{ issuer: string; configure(redirectUri: string): void; close(): Promise<void> }> {
  let handler: ((req: never, res: never) => void) | undefined;
  const server: Server = createServer((req, res) => (handler ? handler(req as never, res as never) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    configure(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [{ client_id: 'meridian', client_secret: 'upstream-secret-0123456789', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
        // The cookies of two providers on one host must not collide (browsers ignore the port).
        cookies: { names: { session: 'up_session', interaction: 'up_interaction', resume: 'up_resume' }, keys: ['upstream-cookie-key'] },
        claims: { openid: ['sub'], email: ['email'], profile: ['preferred_username', 'name'] },
        pkce: { required: () => true },
        ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
        findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, ...UPSTREAM_PEOPLE[sub] }) }),
      });
      handler = provider.callback() as never;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Through the upstream's development pages: log in as `sub`, then continue on its consent page. */
async function loginAtUpstream(browser: Browser, res: Response, url: string, sub: string, stop: (u: URL) => boolean): Promise<{ res: Response; url: string }> {
  for (let step = 0; step < 3; step++) {
    if (!url.startsWith('http://127.0.0.1') || stop(new URL(url))) break;
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"[^>]*method="post"/.exec(html)?.[1] ?? /<form[^>]*method="post"[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) return { res: new Response(html, { status: res.status, headers: res.headers }), url };
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const values: Record<string, string> = prompt === 'login' ? { prompt, login: sub, password: 'any' } : { prompt: prompt ?? 'consent' };
    ({ res, url } = await browser.follow(new URL(action, url).href, form(values), stop));
    if (!new URL(url).pathname.includes('/interaction/') || new URL(url).pathname.startsWith('/oidc/')) break;
  }
  return { res, url };
}

for (const kind of testDatabaseKinds()) {
  describe(`oidc: login with an upstream OpenID Connect provider (${kind.name})`, function () {
    this.timeout(60_000);
    let upstream: Awaited<ReturnType<typeof startUpstream>>;
    let h: OidcHarness;
    let web: oidc.Configuration;

    before(async () => {
      upstream = await startUpstream();
      h = await startOidc(kind, {
        oidc: {
          clients: [{ client_id: 'web', client_secret: 'web-secret-0123456789', redirect_uris: [REDIRECT], grant_types: ['authorization_code'] }],
          upstreams: [{ id: 'partner', issuer: upstream.issuer, clientId: 'meridian', clientSecret: 'upstream-secret-0123456789', name: 'Partner IdP', groups: ['partners'] }],
          skipConsentForTrustedClients: true,
        },
      });
      upstream.configure(`${h.issuer}/upstream/partner/callback`);
      web = await oidc.discovery(new URL(h.issuer), 'web', 'web-secret-0123456789', undefined, insecure);
    });
    after(async () => {
      await h?.close();
      await upstream?.close();
    });

    /** From the client's authorization request through "Log in with Partner IdP" to the code at the client. */
    const loginWithUpstream = async (sub: string) => {
      const browser = new Browser();
      const verifier = oidc.randomPKCECodeVerifier();
      const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid profile email groups', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const stop = (u: URL) => u.href.startsWith(REDIRECT);
      let { res, url } = await browser.follow(authUrl.href, {}, stop);
      const page = await res.text();
      assert.match(page, /<button type="submit">Log in with Partner IdP<\/button>/);
      const start = await browser.fetch(new URL(formAction(page, '/upstream/partner')!, url).href, form({ csrf: hiddenValue(page, 'csrf')! }));
      assert.equal(start.status, 303);
      const out = new URL(start.headers.get('location')!);
      assert.equal(out.origin, upstream.issuer);
      assert.equal(out.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(out.searchParams.get('redirect_uri'), `${h.issuer}/upstream/partner/callback`);
      ({ res, url } = await browser.follow(out.href, {}, stop));
      ({ res, url } = await loginAtUpstream(browser, res, url, sub, stop));
      assert.ok(stop(new URL(url)), `ended at ${url} with ${res.status}: ${(await res.text()).slice(0, 500)}`);
      return oidc.authorizationCodeGrant(web, new URL(url), { pkceCodeVerifier: verifier });
    };

    it('the first login creates an account linked by issuer and subject, with the upstream claims and groups; its token works on Meridian', async () => {
      const before = (await listUsers(h.server.meridian.stores.db)).length;
      const tokens = await loginWithUpstream('u-1001');
      const claims = tokens.claims()!;
      assert.equal(claims.sub, 'carol');
      assert.equal(claims.email, 'carol@partner.example');
      assert.deepEqual(claims.groups, ['partners']);
      const db = h.server.meridian.stores.db;
      assert.equal((await listUsers(db)).length, before + 1);
      assert.equal((await findUserByIdentity(db, upstream.issuer, 'u-1001'))?.name, 'carol');
      assert.equal((await getUser(db, 'carol'))?.attributes.name, 'Carol Upstream');
      const res = await fetch(`${h.server.url}/catalogue/collections`, { method: 'POST', headers: { Authorization: `Bearer ${tokens.access_token}`, 'Content-Type': 'application/geo+json' }, body: JSON.stringify(collection('CAROL-1')) });
      assert.equal(res.status, 201, await res.text());
    });

    it('the next login finds the same account (no new one); an account made this way has no password that logs in', async () => {
      const db = h.server.meridian.stores.db;
      const before = (await listUsers(db)).length;
      assert.equal((await loginWithUpstream('u-1001')).claims()!.sub, 'carol');
      assert.equal((await listUsers(db)).length, before);
      const basic = await fetch(`${h.server.url}/catalogue/collections`, { headers: { Authorization: `Basic ${Buffer.from('carol:!external').toString('base64')}` } });
      assert.equal(basic.status, 401);
    });

    it("an upstream user whose name is taken locally gets an account of their own, never the local one", async () => {
      const tokens = await loginWithUpstream('u-2002');
      assert.equal(tokens.claims()!.sub, 'alice-2');
      const db = h.server.meridian.stores.db;
      assert.equal((await findUserByIdentity(db, upstream.issuer, 'u-2002'))?.name, 'alice-2');
      assert.equal((await getUser(db, ALICE.name))?.attributes.email, 'alice@example.org');
    });

    it('a callback with an unknown state, or at another upstream than the state names, is refused with a page', async () => {
      const unknown = await fetch(`${h.issuer}/upstream/partner/callback?code=abc&state=forged`, { redirect: 'manual' });
      assert.equal(unknown.status, 400);
      assert.match(await unknown.text(), /unknown or expired/);
      const wrongUpstream = await fetch(`${h.issuer}/upstream/elsewhere/callback?code=abc&state=forged`, { redirect: 'manual' });
      assert.equal(wrongUpstream.status, 400);
    });
  });
}
