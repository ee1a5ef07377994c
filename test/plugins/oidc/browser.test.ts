import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { chromium, type Browser as Chromium } from 'playwright-core';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { ALICE, collection, startOidc, type OidcHarness } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const insecure = { execute: [oidc.allowInsecureRequests] };

/** The relying party's callback page: a real page the browser lands on with the code. */
async function startApp(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!DOCTYPE html><title>App</title><h1>Back at the app</h1>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// One database kind is enough for the browser; the flows run on both elsewhere.
const kind = testDatabaseKinds()[testDatabaseKinds().length - 1]!;

describe(`oidc: a real browser login in headless Chromium (${kind.name})`, function () {
  this.timeout(90_000);
  let app: Awaited<ReturnType<typeof startApp>>;
  let h: OidcHarness;
  let browser: Chromium;
  let web: oidc.Configuration;

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
    app = await startApp();
    h = await startOidc(kind, {
      oidc: { clients: [{ client_id: 'portal', client_secret: 'portal-secret-0123456789', redirect_uris: [`${app.url}/callback`], post_logout_redirect_uris: [`${app.url}/bye`], grant_types: ['authorization_code'], client_name: 'EO Portal' }] },
    });
    web = await oidc.discovery(new URL(h.issuer), 'portal', 'portal-secret-0123456789', undefined, insecure);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await app?.close();
  });

  it('a user logs in through the labelled form (after one wrong password), allows access, and the token works on Meridian; then logs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: `${app.url}/callback`, scope: 'openid profile', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const loginResponse = (await page.goto(authUrl.href))!;
    assert.equal(await page.title(), 'Log in – Meridian');
    // Not to be framed (clickjacking of the buttons), nothing loaded from elsewhere.
    assert.equal(loginResponse.headers()['x-frame-options'], 'DENY');
    assert.match(loginResponse.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    assert.match((await page.locator('main').textContent()) ?? '', /to continue to EO Portal/);

    // Fields found by their labels, as assistive technology finds them.
    await page.getByLabel('User name').fill(ALICE.name);
    await page.getByLabel('Password').fill('not-her-password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForLoadState();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /user name or password is wrong/);
    assert.equal(await page.getByLabel('User name').inputValue(), ALICE.name);

    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${app.url}/callback`));
    const callback = new URL(page.url());
    assert.equal(await page.getByRole('heading').textContent(), 'Back at the app');

    const tokens = await oidc.authorizationCodeGrant(web, callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal(tokens.claims()!.sub, 'alice');
    assert.equal(tokens.claims()!.preferred_username, 'alice');
    const res = await fetch(`${h.server.url}/catalogue/collections`, { method: 'POST', headers: { Authorization: `Bearer ${tokens.access_token}`, 'Content-Type': 'application/geo+json' }, body: JSON.stringify(collection('BROWSER-1')) });
    assert.equal(res.status, 201, await res.text());

    // RP-initiated logout in the same browser: confirm, land on the app's post-logout page.
    await page.goto(oidc.buildEndSessionUrl(web, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${app.url}/bye` }).href);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${app.url}/bye`));
    // Logged out: the next authorization asks for the password again.
    await page.goto(authUrl.href);
    await page.getByLabel('Password').waitFor();
    await context.close();
  });
});
