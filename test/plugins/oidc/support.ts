/** A real server with the OIDC provider (and the catalogue, whose API accepts its tokens), and a cookie-keeping HTTP client. */
import assert from 'node:assert/strict';
import { createUser } from '../../../core/auth/users.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { builtinDir } from '../catalogue/support.js';

export interface OidcHarness {
  server: TestServer;
  /** http://127.0.0.1:PORT/oidc */
  issuer: string;
  close(): Promise<void>;
}

export interface OidcHarnessOptions {
  oidc?: Record<string, unknown>;
  /** More plugins by name (config); the catalogue is on unless set to false. */
  plugins?: Record<string, unknown>;
  inline?: Record<string, unknown>;
}

/** Accounts every harness has: alice (group team), bob (no group). */
export const ALICE = { name: 'alice', password: 'alice-password-1', groups: ['team'] };
export const BOB = { name: 'bob', password: 'bob-password-1', groups: [] as string[] };

export async function startOidc(kind: TestDatabaseKind, options: OidcHarnessOptions = {}): Promise<OidcHarness> {
  const test = await kind.open();
  await test.db.close();
  const plugins: Record<string, unknown> = { catalogue: { sampleProducts: 0 }, oidc: options.oidc ?? {}, ...options.plugins };
  for (const [k, v] of Object.entries(plugins)) if (v === false) delete plugins[k];
  const server = await startTestServer({ sampleData: false, ...options.inline, database: test.config, plugins }, { builtinDir });
  const db = server.meridian.stores.db;
  await createUser(db, { name: ALICE.name, password: ALICE.password, groups: ALICE.groups, attributes: { email: 'alice@example.org', name: 'Alice Liddell' } });
  await createUser(db, { name: BOB.name, password: BOB.password, groups: BOB.groups });
  return {
    server,
    issuer: `${server.url}/oidc`,
    async close() {
      await server.close();
      await test.dispose();
    },
  };
}

/** fetch with a cookie jar (one browser), never following redirects by itself. */
export class Browser {
  /** By host (no port, as browsers do), path and name. */
  private readonly cookies = new Map<string, { host: string; name: string; value: string; path: string }>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const jar = [...this.cookies.values()].filter((c) => c.host === target.hostname && target.pathname.startsWith(c.path)).map((c) => `${c.name}=${c.value}`);
    if (jar.length) headers.set('Cookie', jar.join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const path = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attrs.some((a) => /^expires=/i.test(a.trim()) && new Date(a.trim().slice(8)).getTime() < Date.now()) || attrs.some((a) => /^max-age=0/i.test(a.trim()));
      const key = `${target.hostname}|${path}|${name}`;
      if (expired || value === '') this.cookies.delete(key);
      else this.cookies.set(key, { host: target.hostname, name, value, path });
    }
    return res;
  }

  /** Follows redirects while they stay on `origin`; returns the first response elsewhere or not a redirect. */
  async follow(url: string, init: RequestInit = {}, stopAt?: (url: URL) => boolean): Promise<{ res: Response; url: string }> {
    let current = url;
    let res = await this.fetch(current, init);
    for (let i = 0; i < 20 && res.status >= 300 && res.status < 400; i++) {
      const next = new URL(res.headers.get('location')!, current);
      if (stopAt?.(next)) return { res, url: next.href };
      await res.arrayBuffer();
      current = next.href;
      res = await this.fetch(current);
    }
    return { res, url: current };
  }
}

/** The value of a hidden input in a page. */
export function hiddenValue(html: string, name: string): string | undefined {
  return new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

/** The action of the form whose action ends with `suffix`. */
export function formAction(html: string, suffix: string): string | undefined {
  return [...html.matchAll(/<form method="post" action="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')).find((a) => a.endsWith(suffix));
}

export function form(values: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(values).toString() };
}

/** The redirect URI of the test clients (never fetched: the flow stops when it is reached). */
export const REDIRECT = 'http://app.example/callback';

/** Logs `user` in through the pages (and consents when asked); returns the redirect to the client with the code. */
export async function loginThroughPages(browser: Browser, authUrl: URL, user: { name: string; password: string }, redirectUri = REDIRECT): Promise<URL> {
  const atRedirect = (u: URL) => u.href.startsWith(redirectUri);
  let { res, url } = await browser.follow(authUrl.href, {}, atRedirect);
  for (let step = 0; step < 4; step++) {
    if (atRedirect(new URL(url))) return new URL(url);
    const html = await res.text();
    assert.equal(res.status, 200, html);
    const csrf = hiddenValue(html, 'csrf')!;
    const login = formAction(html, '/login');
    const confirm = formAction(html, '/confirm');
    const action = login ?? confirm;
    assert.ok(action, `no login or consent form in ${html}`);
    const values: Record<string, string> = login ? { csrf, username: user.name, password: user.password } : { csrf, decision: 'allow' };
    ({ res, url } = await browser.follow(new URL(action, url).href, form(values), atRedirect));
    if (atRedirect(new URL(url))) return new URL(url);
  }
  throw new Error(`the login did not come back to ${redirectUri}`);
}

export function collection(identifier: string): Record<string, unknown> {
  return {
    type: 'Feature',
    id: identifier,
    geometry: { type: 'Polygon', coordinates: [[[-10, 35], [30, 35], [30, 70], [-10, 70], [-10, 35]]] },
    properties: { kind: 'http://purl.org/dc/dcmitype/Collection', identifier, title: `Collection ${identifier}` },
  };
}
