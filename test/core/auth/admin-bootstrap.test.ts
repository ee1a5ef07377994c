import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_CREDENTIALS_FILE, ensureAdminUser, writeOnce, type AdminCredentials } from '../../../core/auth/admin-bootstrap.js';
import { listApiKeys, verifyApiKey } from '../../../core/auth/api-keys.js';
import { getUser, verifyUserPassword } from '../../../core/auth/users.js';
import { testDatabaseKinds, type TestDatabase } from '../../helpers/databases.js';
import { captureLogs } from './support/logs.js';

describe('core/auth/admin-bootstrap: writeOnce', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meridian-auth-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes a new file with mode 0600 and leaves no temporary file behind', async () => {
    const file = join(dir, 'nested', 'secret.json');
    assert.equal(await writeOnce(file, 'one'), true);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await readFile(file, 'utf8'), 'one');
    assert.deepEqual(await readdir(join(dir, 'nested')), ['secret.json']);
  });

  it('never replaces an existing file', async () => {
    const file = join(dir, 'secret.json');
    await writeFile(file, 'original');
    assert.equal(await writeOnce(file, 'replacement'), false);
    assert.equal(await readFile(file, 'utf8'), 'original');
    assert.deepEqual(await readdir(dir), ['secret.json']);
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`core/auth/admin-bootstrap: ensureAdminUser on ${kind.name}`, () => {
    let t: TestDatabase;
    let dataDir: string;

    beforeEach(async () => {
      t = await kind.open();
      dataDir = await mkdtemp(join(tmpdir(), 'meridian-data-'));
    });
    afterEach(async () => {
      await t.dispose();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('on first start creates admin with a password and an API key, written to a 0600 file named in the log', async () => {
      const logs = captureLogs();
      const result = await ensureAdminUser(t.db, dataDir, logs.logger);
      const file = join(dataDir, ADMIN_CREDENTIALS_FILE);
      assert.deepEqual(result, { status: 'created', file });
      assert.equal((await stat(file)).mode & 0o777, 0o600);

      const credentials = JSON.parse(await readFile(file, 'utf8')) as AdminCredentials;
      assert.equal(credentials.user, 'admin');
      assert.ok(credentials.password.length >= 24);
      assert.deepEqual((await verifyUserPassword(t.db, 'admin', credentials.password))?.groups, ['admin']);
      const key = await verifyApiKey(t.db, credentials.apiKey);
      assert.equal(key?.user, 'admin');
      assert.deepEqual(key?.groups, ['admin']);

      assert.ok(logs.text().includes(file), 'the log names the file');
      assert.ok(!logs.text().includes(credentials.password), 'the log never shows the password');
      assert.ok(!logs.text().includes(credentials.apiKey), 'the log never shows the key');
    });

    it('is written once: a second start changes neither the file nor the user', async () => {
      const logs = captureLogs();
      await ensureAdminUser(t.db, dataDir, logs.logger);
      const file = join(dataDir, ADMIN_CREDENTIALS_FILE);
      const before = await readFile(file, 'utf8');
      const second = await ensureAdminUser(t.db, dataDir, logs.logger);
      assert.equal(second.status, 'exists');
      assert.equal(await readFile(file, 'utf8'), before);
      assert.equal((await listApiKeys(t.db, { user: 'admin' })).length, 1);
    });

    it('re-creates admin from an existing credentials file for a new database, never overwriting the file', async () => {
      const logs = captureLogs();
      await ensureAdminUser(t.db, dataDir, logs.logger);
      const file = join(dataDir, ADMIN_CREDENTIALS_FILE);
      const content = await readFile(file, 'utf8');
      const credentials = JSON.parse(content) as AdminCredentials;

      const fresh = await kind.open();
      try {
        const result = await ensureAdminUser(fresh.db, dataDir, logs.logger);
        assert.equal(result.status, 'restored');
        assert.equal(await readFile(file, 'utf8'), content);
        assert.ok(await verifyUserPassword(fresh.db, 'admin', credentials.password));
        assert.equal((await verifyApiKey(fresh.db, credentials.apiKey))?.user, 'admin');
      } finally {
        await fresh.dispose();
      }
    });

    it('leaves an unusable credentials file alone and creates no admin', async () => {
      const logs = captureLogs();
      const file = join(dataDir, ADMIN_CREDENTIALS_FILE);
      await writeFile(file, 'not json', { mode: 0o600 });
      const result = await ensureAdminUser(t.db, dataDir, logs.logger);
      assert.equal(result.status, 'skipped');
      assert.equal(await readFile(file, 'utf8'), 'not json');
      assert.equal(await getUser(t.db, 'admin'), null);
      assert.ok(logs.records.some((r) => r.level >= 50 && String(r.msg).includes('not usable')));
    });
  });
}
