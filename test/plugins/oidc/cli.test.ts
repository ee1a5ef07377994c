import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as oidc from 'openid-client';
import { verifyUserPassword } from '../../../core/auth/users.js';
import { runCli } from '../../helpers/cli.js';
import { testDatabaseKinds, type TestDatabase } from '../../helpers/databases.js';
import { startTestServer } from '../../helpers/server.js';

const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));
const insecure = { execute: [oidc.allowInsecureRequests] };

for (const kind of testDatabaseKinds()) {
  describe(`meridian user and meridian oidc commands (${kind.name})`, function () {
    this.timeout(180_000);
    let dir: string;
    let config: string;
    let test: TestDatabase;
    let database: Record<string, unknown>;
    // The server of the test has a data directory of its own: the same key must seal for both.
    const secrets = { key: randomBytes(32).toString('hex') };
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-oidc-cli-'));
      test = await kind.open();
      await test.db.close();
      database = test.config.client === 'sqlite' ? { client: 'sqlite', filename: join(dir, 'data', 'meridian.db') } : (test.config as unknown as Record<string, unknown>);
      config = join(dir, 'meridian.yaml');
      writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data'), builtinPlugins: false, database, secrets, plugins: { oidc: {} }, log: { level: 'warn' } }));
    });
    after(async () => {
      await test.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    const cli = async (...args: string[]) => runCli([...args, '--config', config]);

    it('user add, list, group, passwd: accounts with groups and attributes; refusals exit 1', async () => {
      const add = await cli('user', 'add', 'dave', '--password', 'dave-pass-1', '--group', 'g1', '--group', 'g2', '--attribute', 'email=dave@example.org');
      assert.equal(add.code, 0, add.stderr);
      assert.match(add.stdout, /created dave \(groups: g1, g2\)/);
      assert.equal((await cli('user', 'add', 'dave', '--password', 'x')).code, 1);
      const group = await cli('user', 'group', 'dave', '--add', 'g3', '--remove', 'g1');
      assert.equal(group.code, 0, group.stderr);
      assert.match(group.stdout, /groups: g2,g3/);
      assert.equal((await cli('user', 'passwd', 'dave', '--password', 'dave-pass-2')).code, 0);
      assert.equal((await cli('user', 'passwd', 'nobody', '--password', 'x')).code, 1);
      assert.equal((await cli('user', 'group', 'dave')).code, 1);
      const list = await cli('user', 'list', '--json');
      assert.equal(list.code, 0, list.stderr);
      const dave = (JSON.parse(list.stdout) as Array<{ name: string; groups: string[]; attributes: Record<string, string>; password_hash?: string }>).find((u) => u.name === 'dave')!;
      assert.deepEqual(dave.groups, ['g2', 'g3']);
      assert.equal(dave.attributes.email, 'dave@example.org');
      assert.ok(!list.stdout.includes('scrypt'));
      const server = await startTestServer({ database, secrets, plugins: { oidc: {} } }, { builtinDir });
      try {
        const db = server.meridian.stores.db;
        assert.equal(await verifyUserPassword(db, 'dave', 'dave-pass-1'), null);
        assert.equal((await verifyUserPassword(db, 'dave', 'dave-pass-2'))?.name, 'dave');
      } finally {
        await server.close();
      }
    });

    it('oidc client add/list/remove and keys rotate/list: a running server uses the CLI client and signs with the new key', async () => {
      const add = await cli('oidc', 'client', 'add', '--id', 'batch', '--secret', 'batch-secret-7', '--grant', 'client_credentials', '--json');
      assert.equal(add.code, 0, add.stderr);
      assert.equal(JSON.parse(add.stdout).authMethod, 'client_secret_basic');
      assert.equal((await cli('oidc', 'client', 'add', '--id', 'batch', '--secret', 'x', '--grant', 'client_credentials')).code, 1);
      const noRedirect = await cli('oidc', 'client', 'add', '--id', 'web2', '--grant', 'authorization_code');
      assert.equal(noRedirect.code, 1);
      assert.match(noRedirect.stderr, /redirect-uri/);
      assert.equal((await cli('oidc', 'client', 'add', '--id', 'x', '--grant', 'password')).code, 1);
      const pub = await cli('oidc', 'client', 'add', '--id', 'spa2', '--grant', 'authorization_code', '--redirect-uri', 'http://app.example/cb,http://app.example/cb2', '--json');
      assert.equal(pub.code, 0, pub.stderr);
      assert.equal(JSON.parse(pub.stdout).authMethod, 'none');
      const list = await cli('oidc', 'client', 'list', '--json');
      assert.deepEqual((JSON.parse(list.stdout) as Array<{ clientId: string }>).map((c) => c.clientId), ['batch', 'spa2']);
      assert.ok(!list.stdout.includes('batch-secret-7') && !list.stdout.includes('scrypt'));

      const keysBefore = JSON.parse((await cli('oidc', 'keys', 'list', '--json')).stdout) as Array<{ kid: string }>;
      assert.equal(keysBefore.length, 1);
      const rotate = await cli('oidc', 'keys', 'rotate', '--json');
      assert.equal(rotate.code, 0, rotate.stderr);
      const kid = JSON.parse(rotate.stdout).kid as string;
      const keysAfter = JSON.parse((await cli('oidc', 'keys', 'list', '--json')).stdout) as Array<{ kid: string; retiredAt: string | null }>;
      assert.deepEqual(keysAfter.map((k) => k.kid), [kid, keysBefore[0]!.kid]);
      assert.equal((await cli('oidc', 'keys', 'retire', 'no-such-key')).code, 1);

      const server = await startTestServer({ database, secrets, plugins: { oidc: {} } }, { builtinDir });
      try {
        const batch = await oidc.discovery(new URL(`${server.url}/oidc`), 'batch', 'batch-secret-7', undefined, insecure);
        const token = (await oidc.clientCredentialsGrant(batch)).access_token;
        assert.equal(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid, kid);
        const remove = await cli('oidc', 'client', 'remove', 'batch');
        assert.equal(remove.code, 0, remove.stderr);
        await assert.rejects(oidc.clientCredentialsGrant(batch), (err: oidc.ResponseBodyError) => err.error === 'invalid_client');
        assert.equal((await cli('oidc', 'client', 'remove', 'batch')).code, 1);
      } finally {
        await server.close();
      }
    });
  });
}
