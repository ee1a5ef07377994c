import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { toMeridianError } from '../../../core/errors.js';
import {
  ANONYMOUS,
  createApiKey,
  createAuthHooks,
  ensureAdminUser,
  type AdminCredentials,
  type AuthConfig,
  type Decision,
  type MeridianAuthHooks,
} from '../../../core/auth/index.js';
import { testDatabaseKinds, type TestDatabase } from '../../helpers/databases.js';
import { TestIssuer, type SigningKey } from './support/jwks-server.js';
import { WARN, captureLogs } from './support/logs.js';
import { TestPdp } from './support/test-pdp.js';
import { closedPort } from './support/closed-port.js';
import { basicAuthorization, contextWith } from './support/context.js';

/**
 * A test plugin on a real HTTP server: it authenticates every request, enforces `read` on GET and
 * `write` otherwise on /layers/<public|private>, and renders errors in its own XML format.
 */
async function serve(hooks: MeridianAuthHooks): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = toMeridianError(err);
      ctx.status = e.status;
      ctx.set(e.headers);
      ctx.type = 'application/xml';
      ctx.body = `<ExceptionReport><Exception exceptionCode="${e.code}"><ExceptionText>${e.message}</ExceptionText></Exception></ExceptionReport>`;
    }
  });
  app.use(async (ctx, next) => {
    ctx.state.subject = await hooks.authenticate(ctx);
    await next();
  });
  app.use(async (ctx) => {
    const id = ctx.path.split('/').pop()!;
    const resource = { type: 'layer', service: 'test', id, owner: 'olivia', attributes: { visibility: id === 'private' ? 'private' : 'public' } };
    const decision: Decision = await hooks.enforce(ctx, resource, ctx.method === 'GET' ? 'read' : 'write');
    ctx.body = { subject: (ctx.state.subject as { id: string }).id, obligations: decision.obligations };
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

for (const kind of testDatabaseKinds()) {
  describe(`core/auth: createAuthHooks on the embedded defaults (${kind.name})`, () => {
    let t: TestDatabase;
    let dataDir: string;
    let hooks: MeridianAuthHooks;
    let server: Awaited<ReturnType<typeof serve>>;
    let admin: AdminCredentials;

    before(async () => {
      t = await kind.open();
      dataDir = await mkdtemp(join(tmpdir(), 'meridian-auth-'));
      const { logger } = captureLogs();
      hooks = await createAuthHooks(undefined, { db: t.db, logger });
      await ensureAdminUser(t.db, dataDir, logger);
      admin = JSON.parse(await readFile(join(dataDir, 'admin-credentials.json'), 'utf8')) as AdminCredentials;
      server = await serve(hooks);
    });
    after(async () => {
      await server.close();
      await hooks.close();
      await t.dispose();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('lets anonymous users read what is public, with the visibility filter obligation', async () => {
      const res = await fetch(`${server.url}/layers/public`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { subject: string; obligations: Array<{ id: string }> };
      assert.equal(body.subject, 'anonymous');
      assert.equal(body.obligations[0]?.id, 'filter');
    });

    it('answers 401 with the chain challenges, in the plugin error format, to anonymous requests not permitted', async () => {
      for (const [method, path] of [['GET', 'private'], ['PUT', 'public']] as const) {
        const res = await fetch(`${server.url}/layers/${path}`, { method });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(res.headers.get('www-authenticate'), 'ApiKey realm="meridian", Basic realm="meridian", charset="UTF-8"');
        assert.match(await res.text(), /<Exception exceptionCode="Unauthenticated">/);
      }
    });

    it('answers 403 to an authenticated subject that is not permitted', async () => {
      const { key } = await createApiKey(t.db, { user: 'bob', groups: ['users'] });
      const res = await fetch(`${server.url}/layers/public`, { method: 'PUT', headers: { 'X-API-Key': key } });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('www-authenticate'), null);
      assert.match(await res.text(), /exceptionCode="Forbidden"/);
    });

    it('lets the bootstrap admin write, by API key and by HTTP Basic', async () => {
      const byKey = await fetch(`${server.url}/layers/private`, { method: 'PUT', headers: { 'X-API-Key': admin.apiKey } });
      assert.equal(byKey.status, 200);
      assert.deepEqual(await byKey.json(), { subject: 'admin', obligations: [] });
      const byPassword = await fetch(`${server.url}/layers/private`, { method: 'DELETE', headers: { Authorization: basicAuthorization('admin', admin.password) } });
      assert.equal(byPassword.status, 200);
    });

    it('lets an owner act on what they own', async () => {
      const { key } = await createApiKey(t.db, { user: 'olivia' });
      const res = await fetch(`${server.url}/layers/private`, { method: 'PUT', headers: { 'X-API-Key': key } });
      assert.equal(res.status, 200);
    });

    it('answers 401 to invalid credentials even where anonymous access would be permitted', async () => {
      const res = await fetch(`${server.url}/layers/public`, { headers: { 'X-API-Key': 'mk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'ApiKey realm="meridian"');
    });
  });
}

describe('core/auth: createAuthHooks with JWT and configured rules', () => {
  let issuer: TestIssuer;
  let key: SigningKey;
  let hooks: MeridianAuthHooks;
  let server: Awaited<ReturnType<typeof serve>>;

  before(async () => {
    issuer = await TestIssuer.start();
    key = await issuer.addKey('ES256');
    const config: AuthConfig = {
      realm: 'eo-platform',
      authenticators: [{ type: 'jwt', issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: 'meridian', groupsClaim: 'realm_access.roles' }, { type: 'anonymous' }],
      decisionPoint: {
        type: 'rules',
        rules: [
          { effect: 'permit', subjects: { groups: ['publisher'] }, resources: { type: 'layer' }, actions: ['write'] },
          { effect: 'permit', resources: { attributes: { visibility: { equals: 'public' } } }, actions: ['read'] },
        ],
      },
    };
    hooks = await createAuthHooks(config, { logger: captureLogs().logger });
    server = await serve(hooks);
  });
  after(async () => {
    await server.close();
    await issuer.close();
  });

  const bearer = async (groups: string[], expiresIn = 300) => ({
    Authorization: `Bearer ${await issuer.sign(key, { sub: 'pat', expiresIn, claims: { realm_access: { roles: groups } } })}`,
  });

  it('permits a token subject whose groups a rule names, and refuses one without them with 403', async () => {
    assert.equal((await fetch(`${server.url}/layers/x`, { method: 'PUT', headers: await bearer(['publisher']) })).status, 200);
    assert.equal((await fetch(`${server.url}/layers/x`, { method: 'PUT', headers: await bearer(['reader']) })).status, 403);
  });

  it('answers 401 with the Bearer challenge of the realm to anonymous writes', async () => {
    const res = await fetch(`${server.url}/layers/x`, { method: 'PUT' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="eo-platform"');
  });

  it('answers 401 invalid_token to an expired token', async () => {
    const res = await fetch(`${server.url}/layers/public`, { headers: await bearer(['publisher'], -3600) });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate')!, /^Bearer realm="eo-platform", error="invalid_token", error_description="The token has expired"$/);
  });
});

describe('core/auth: createAuthHooks with xacml-remote (test PDP)', () => {
  let pdp: TestPdp;
  before(async () => {
    pdp = await TestPdp.start();
  });
  after(() => pdp.close());

  const bob = { id: 'bob', issuer: 'x', claims: {}, groups: [], anonymous: false, method: 'test' };

  it('passes the PDP obligations through enforce and denies what it denies', async () => {
    const hooks = await createAuthHooks({ authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'xacml-remote', url: pdp.url } }, { logger: captureLogs().logger });
    const permit = await hooks.authorize(bob, { type: 'layer', attributes: { visibility: 'public' } }, 'read');
    assert.equal(permit.decision, 'Permit');
    assert.equal(permit.obligations[0]?.id, 'urn:meridian:obligation:filter');
    assert.equal((await hooks.authorize(bob, { type: 'layer', owner: 'olivia' }, 'write')).decision, 'Deny');
  });

  it('PDP down: enforce answers 403 to authenticated and 401 to anonymous subjects', async () => {
    const logs = captureLogs();
    const hooks = await createAuthHooks(
      { authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'xacml-remote', url: `http://127.0.0.1:${await closedPort()}/pdp`, timeoutMs: 300 } },
      { logger: logs.logger },
    );
    const decision = await hooks.authorize(bob, { type: 'layer' }, 'read');
    assert.equal(decision.decision, 'Indeterminate');
    const authenticated = contextWith();
    authenticated.state.subject = bob;
    await assert.rejects(hooks.enforce(authenticated, { type: 'layer' }, 'read'), (err: unknown) => (err as { status: number }).status === 403);
    await assert.rejects(hooks.enforce(contextWith(), { type: 'layer' }, 'read'), (err: unknown) => (err as { status: number }).status === 401);
    assert.ok(logs.records.some((r) => r.level === WARN && /PDP/.test(String(r.reason))));
  });
});

describe('core/auth: createAuthHooks decision points and cache', () => {
  it('allow-all permits anything and warns loudly at creation', async () => {
    const logs = captureLogs();
    const hooks = await createAuthHooks({ authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'allow-all' } }, { logger: logs.logger });
    assert.ok(logs.records.some((r) => r.level === WARN && /development only/.test(String(r.msg))));
    assert.equal((await hooks.authorize(ANONYMOUS, { type: 'bucket' }, 'delete')).decision, 'Permit');
  });

  it('uses a decision point type a plugin registers, once registered', async () => {
    const hooks = await createAuthHooks(
      { authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'test-pdp', options: { permit: ['read'] } } },
      { logger: captureLogs().logger },
    );
    assert.equal((await hooks.authorize(ANONYMOUS, { type: 'x' }, 'read')).decision, 'Indeterminate', 'unknown type: fail closed');
    await assert.rejects(hooks.ready(), /no decision point of type 'test-pdp'/);
    hooks.registerDecisionPoint('test-pdp', (config) => {
      const permitted = (config.options as { permit: string[] }).permit;
      return {
        name: 'test-pdp',
        async decide(request) {
          return { decision: permitted.includes(request.action) ? 'Permit' : 'Deny', obligations: [] };
        },
      };
    });
    await hooks.ready();
    assert.equal((await hooks.authorize(ANONYMOUS, { type: 'x' }, 'read')).decision, 'Permit');
    assert.equal((await hooks.authorize(ANONYMOUS, { type: 'x' }, 'write')).decision, 'Deny');
    assert.throws(() => hooks.registerDecisionPoint('test-pdp', () => ({ name: 'again', decide: async () => ({ decision: 'Permit', obligations: [] }) })), /already registered/);
    assert.throws(() => hooks.registerDecisionPoint('rules', () => ({ name: 'again', decide: async () => ({ decision: 'Permit', obligations: [] }) })), /already registered/);
  });

  it('caches decisions for the configured TTL and not at all with ttlMs 0', async () => {
    for (const [ttlMs, expectedCalls] of [[60_000, 1], [0, 3]] as const) {
      let calls = 0;
      const hooks = await createAuthHooks(
        { authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'counting' }, decisionCache: { ttlMs } },
        { logger: captureLogs().logger },
      );
      hooks.registerDecisionPoint('counting', () => ({
        name: 'counting',
        async decide() {
          calls += 1;
          return { decision: 'Permit', obligations: [] };
        },
      }));
      for (let i = 0; i < 3; i += 1) await hooks.authorize(ANONYMOUS, { type: 'x', id: '1' }, 'read');
      assert.equal(calls, expectedCalls, `ttlMs ${ttlMs}`);
    }
  });

  it('asks a point cheaper than the cache every time, the cache left empty (the rules point is one)', async () => {
    let calls = 0;
    const hooks = await createAuthHooks(
      { authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'table' }, decisionCache: { ttlMs: 60_000 } },
      { logger: captureLogs().logger },
    );
    hooks.registerDecisionPoint('table', () => ({
      name: 'table',
      cheaperThanCache: true,
      decide() {
        calls += 1;
        return { decision: 'Permit', obligations: [] };
      },
    }));
    for (let i = 0; i < 3; i += 1) await hooks.authorize(ANONYMOUS, { type: 'x', id: '1' }, 'read');
    assert.equal(calls, 3);
    assert.equal(hooks.decisionCache.size, 0);
    const rules = await createAuthHooks({ authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'rules' }, decisionCache: { ttlMs: 60_000 } }, { logger: captureLogs().logger });
    assert.equal((await rules.authorize(ANONYMOUS, { type: 'x', id: '1', attributes: { visibility: 'public' } }, 'read')).decision, 'Permit');
    assert.equal(rules.decisionCache.size, 0);
  });

  it('tells lifecycle listeners of created and deleted resources, in order, and forgets cached decisions', async () => {
    let owner: string | undefined;
    const hooks = await createAuthHooks(
      { authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'owned' }, decisionCache: { ttlMs: 60_000 } },
      { logger: captureLogs().logger },
    );
    hooks.registerDecisionPoint('owned', () => ({
      name: 'owned',
      async decide(request) {
        return { decision: request.subject.id === owner ? 'Permit' : 'NotApplicable', obligations: [] };
      },
    }));
    const events: string[] = [];
    hooks.onResourceLifecycle({
      async created(subject, resource) {
        events.push(`created ${resource.type}/${resource.id} by ${subject.id}`);
        owner = subject.id;
      },
      async deleted(resource) {
        events.push(`deleted ${resource.type}/${resource.id}`);
        owner = undefined;
      },
    });
    let invalidated = 0;
    hooks.onDecisionsInvalidated(() => invalidated++);
    const alice = { ...ANONYMOUS, id: 'alice', anonymous: false, method: 'basic' };
    const bucket = { type: 'bucket', service: 's3', id: 'b1' };
    assert.equal((await hooks.authorize(alice, bucket, 'write')).decision, 'NotApplicable');
    await hooks.resourceCreated(alice, bucket);
    assert.equal((await hooks.authorize(alice, bucket, 'write')).decision, 'Permit', 'the cached NotApplicable is gone');
    await hooks.resourceDeleted(bucket);
    assert.equal((await hooks.authorize(alice, bucket, 'write')).decision, 'NotApplicable');
    assert.deepEqual(events, ['created bucket/b1 by alice', 'deleted bucket/b1']);
    hooks.invalidateDecisions();
    assert.equal(invalidated, 3, 'engines keeping answers derived from decisions are told each time');
    hooks.onResourceLifecycle({
      created: async () => {
        throw new Error('store down');
      },
      deleted: async () => undefined,
    });
    await assert.rejects(hooks.resourceCreated(alice, bucket), /store down/, 'the creating plugin learns that ownership was not recorded');
  });

  it("answers who owns a resource from the lookup its engine registered, and nothing for kinds without one", async () => {
    const hooks = await createAuthHooks({ authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'allow-all' } }, { logger: captureLogs().logger });
    const owners = new Map([['r1', 'alice']]);
    hooks.registerOwnerLookup('catalogue', 'record', async (id) => owners.get(id));
    assert.equal(await hooks.ownerOf({ service: 'catalogue', type: 'record', id: 'r1' }), 'alice');
    assert.equal(await hooks.ownerOf({ service: 'catalogue', type: 'record', id: 'r2' }), undefined);
    assert.equal(await hooks.ownerOf({ service: 's3', type: 'record', id: 'r1' }), undefined, 'another service');
    hooks.registerOwnerLookup('catalogue', 'record', async () => 'bob');
    assert.equal(await hooks.ownerOf({ service: 'catalogue', type: 'record', id: 'r1' }), 'bob', 'a later lookup replaces the earlier');
  });

  it('reports configuration errors at creation', async () => {
    const { logger } = captureLogs();
    await assert.rejects(createAuthHooks({ authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'rules', rules: [{ effect: 'permit', actions: [] }] } }, { logger }), /actions/);
    await assert.rejects(createAuthHooks({ authenticators: [{ type: 'anonymous' }], decisionPoint: { type: 'xacml-remote' } }, { logger }), /needs url/);
    await assert.rejects(createAuthHooks({ authenticators: [{ type: 'basic' }] }, { logger }), /needs the database/);
  });
});
