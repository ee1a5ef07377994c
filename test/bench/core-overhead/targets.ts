// The two servers of the core-overhead benchmark: Meridian's whole stack and bare Koa, answering
// the same trivial route, and the token issuer Meridian trusts. Exported so that a profiling
// run can drive one alone (see serve.ts).
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
import { loadConfig } from '../../../core/config/load.js';
import { createLogger } from '../../../core/logger.js';
import { assemble, type Meridian } from '../../../core/server/assemble.js';
import { HELLO_BODY, HELLO_PATH } from '../fixtures/plugins/hello/index.js';
import type { RunningTarget } from '../server-process.js';

const ISSUER = 'https://login.bench.example';
const AUDIENCE = 'meridian-bench';
const fixturePlugins = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));

type Running = RunningTarget;

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
  // (synchronously), the access log as `serve` writes it to a file or device (in batches, each
  // written at once; to a pipe or terminal they would be written asynchronously).
  const devNull = pino.destination({ dest: '/dev/null', sync: true }) as unknown as NodeJS.WritableStream;
  const logger = createLogger(loaded.config.log, devNull);
  const meridian = await assemble(loaded, logger, 'serve', { accessLogDestination: '/dev/null' });
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

/** The same route on a new Koa app with one router and nothing else (but `spinUs` of busy work, if given). */
export async function startBareKoa(spinUs = 0): Promise<Running> {
  const app = new Koa();
  const router = new Router();
  router.get(HELLO_PATH, (ctx) => {
    // A calibration target: `spinUs` of pure CPU per request (no allocation, no I/O) shows what
    // that much work costs in requests per second on this machine.
    if (spinUs > 0) {
      const until = performance.now() + spinUs / 1000;
      while (performance.now() < until);
    }
    ctx.body = HELLO_BODY;
  });
  app.use(router.routes());
  const server = createServer(app.callback());
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}${HELLO_PATH}`, close: () => closeServer(server) };
}
