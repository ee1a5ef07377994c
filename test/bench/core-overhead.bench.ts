// core-overhead: what the core costs a request. The same trivial route answered through
// Meridian's whole stack (request id, metrics, access log, CORS, compression, base URL, plugin
// scope and error boundary, the authenticator chain verifying an RS256 JWT against a JWKS, and
// authorization through the `rules` decision point) and by bare Koa, measured in the same run.
// The servers' starters are exported so that a profiling run (node --cpu-prof) can drive one alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Router from '@koa/router';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import Koa from 'koa';
import { pino } from 'pino';
import { loadConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/logger.js';
import { assemble, type Meridian } from '../../core/server/assemble.js';
import { HELLO_BODY, HELLO_PATH } from './fixtures/plugins/hello/index.js';
import { compareAlternating } from './load.js';
import type { BenchReport, BenchSettings } from './types.js';

/** Meridian must keep at least this share of bare Koa's requests per second. */
export const TARGET_RATIO = 0.85;

const ISSUER = 'https://login.bench.example';
const AUDIENCE = 'meridian-bench';
const fixturePlugins = fileURLToPath(new URL('./fixtures/plugins/', import.meta.url));

interface Running {
  url: string;
  close(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A trusted issuer on loopback: its JWKS and one valid RS256 token for a user in group `bench`. */
export async function startIssuer(): Promise<Running & { jwksUri: string; token: string }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };
  const jwks = JSON.stringify({ keys: [jwk] });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(jwks);
  });
  const port = await listen(server);
  const token = await new SignJWT({ groups: ['bench'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench-1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('bench-user')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(privateKey);
  return { url: `http://127.0.0.1:${port}`, jwksUri: `http://127.0.0.1:${port}/jwks`, token, close: () => closeServer(server) };
}

/**
 * Meridian with the `hello` plugin only, every core middleware on, the access log to /dev/null.
 * `sections` replaces whole config sections (server, log, auth), to measure what one part costs.
 */
export async function startMeridian(jwksUri: string, sections: Record<string, unknown> = {}): Promise<Running & { meridian: Meridian }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-bench-'));
  const loaded = await loadConfig({
    builtinDir: fixturePlugins,
    inline: {
      dataDir,
      builtinPlugins: false,
      plugins: { hello: {} },
      database: { client: 'sqlite', filename: ':memory:' },
      server: { port: 0, host: '127.0.0.1', compression: true, cors: { enabled: true } },
      log: { level: 'info', access: true },
      auth: {
        authenticators: [{ type: 'jwt', issuer: ISSUER, jwksUri, audience: AUDIENCE }, { type: 'apikey' }, { type: 'anonymous' }],
        decisionPoint: {
          type: 'rules',
          rules: [
            { name: 'admins may do anything', effect: 'permit', subjects: { groups: ['admin'] }, actions: ['*'] },
            { name: 'owners may do anything', effect: 'permit', subjects: { authenticated: true }, resources: { owner: '$subject' }, actions: ['*'] },
            { name: 'bench users read greetings', effect: 'permit', subjects: { groups: ['bench'] }, resources: { service: 'hello', type: 'greeting' }, actions: ['read'] },
          ],
        },
        // No decision cache: every request goes through the rules.
        decisionCache: { ttlMs: 0 },
        bootstrapAdmin: false,
      },
      ...sections,
    },
  });
  // Every line is formatted and written, only to /dev/null: the server log as `serve` writes it
  // (synchronously), the access log as `serve` writes it (asynchronously).
  const devNull = pino.destination({ dest: '/dev/null', sync: true }) as unknown as NodeJS.WritableStream;
  const logger = createLogger(loaded.config.log, devNull);
  const meridian = await assemble(loaded, logger, 'serve', { accessLogDestination: pino.destination({ dest: '/dev/null', sync: false }) });
  const ports = await meridian.listen();
  return {
    url: `http://127.0.0.1:${ports.main}${HELLO_PATH}`,
    meridian,
    async close() {
      await meridian.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The same route on a new Koa app with one router and nothing else. */
export async function startBareKoa(): Promise<Running> {
  const app = new Koa();
  const router = new Router();
  router.get(HELLO_PATH, (ctx) => {
    ctx.body = HELLO_BODY;
  });
  app.use(router.routes());
  const server = createServer(app.callback());
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}${HELLO_PATH}`, close: () => closeServer(server) };
}

/** Both servers answer the same body, and Meridian only for the token (401 without it). */
async function checkTargets(meridianUrl: string, bareUrl: string, token: string): Promise<void> {
  const expected = JSON.stringify(HELLO_BODY);
  const withToken = { headers: { Authorization: `Bearer ${token}` } };
  for (const url of [meridianUrl, bareUrl]) {
    const res = await fetch(url, withToken);
    const text = await res.text();
    if (res.status !== 200 || text !== expected) throw new Error(`${url} answered ${res.status} ${text}, expected 200 ${expected}`);
  }
  const anonymous = await fetch(meridianUrl);
  await anonymous.arrayBuffer();
  if (anonymous.status !== 401) throw new Error(`Meridian answered ${anonymous.status} without a token; the auth chain is not in the path`);
}

export async function run(settings: BenchSettings): Promise<BenchReport> {
  const issuer = await startIssuer();
  const meridian = await startMeridian(issuer.jwksUri);
  const bare = await startBareKoa();
  try {
    await checkTargets(meridian.url, bare.url, issuer.token);
    const headers = { Authorization: `Bearer ${issuer.token}` };
    const [m, b] = await compareAlternating(
      [
        { name: 'meridian', url: meridian.url, headers },
        { name: 'bare-koa', url: bare.url, headers },
      ],
      settings,
    );
    const failures = [...m!.runs, ...b!.runs].reduce((n, r) => n + r.errors + r.non2xx, 0);
    if (failures > 0) throw new Error(`${failures} requests failed during the measured runs`);
    const ratio = m!.best.requestsPerSec / b!.best.requestsPerSec;
    // The same comparison in server CPU per request (lower is better), steadier on a busy machine.
    const cpuRatio = Math.min(...b!.runs.map((r) => r.busyUsPerRequest)) / Math.min(...m!.runs.map((r) => r.busyUsPerRequest));
    const metTarget = ratio >= TARGET_RATIO;
    const row = (name: string, r: typeof m) => ({
      target: name,
      'req/s': r!.best.requestsPerSec.toFixed(0),
      'p50 ms': String(r!.best.p50Ms),
      'p99 ms': String(r!.best.p99Ms),
      'µs busy/req': r!.best.busyUsPerRequest.toFixed(0),
      'req/s of each run': r!.runs.map((x) => x.requestsPerSec.toFixed(0)).join(' / '),
    });
    return {
      name: 'core-overhead',
      table: [row('meridian (full stack)', m), row('bare koa', b)],
      summary:
        `Meridian/bare Koa = ${ratio.toFixed(3)} of requests/s (target >= ${TARGET_RATIO}): ${metTarget ? 'met' : 'MISSED'}; ` +
        `by server CPU per request: ${cpuRatio.toFixed(3)}`,
      metTarget,
      data: {
        ratio,
        cpuRatio,
        target: TARGET_RATIO,
        meridian: m,
        bareKoa: b,
        stack: ['request-id', 'metrics', 'access-log (/dev/null)', 'cors', 'compression', 'base-url', 'plugin scope + error boundary', 'jwt (RS256, JWKS) -> apikey -> anonymous', 'rules decision point, no cache', '@koa/router'],
      },
    };
  } finally {
    await meridian.close();
    await bare.close();
    await issuer.close();
  }
}
