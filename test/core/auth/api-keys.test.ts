import assert from 'node:assert/strict';
import { Unauthenticated } from '../../../core/errors.js';
import { API_KEYS_TABLE, migrateAuth } from '../../../core/auth/migrations.js';
import { LAST_USED_RESOLUTION_MS, createApiKey, listApiKeys, parseApiKey, revokeApiKey, verifyApiKey } from '../../../core/auth/api-keys.js';
import { ApiKeyAuthenticator } from '../../../core/auth/apikey-authenticator.js';
import { testDatabaseKinds, type TestDatabase } from '../../helpers/databases.js';
import { contextWith } from './support/context.js';

for (const kind of testDatabaseKinds()) {
  describe(`core/auth/api-keys on ${kind.name}`, () => {
    let t: TestDatabase;

    beforeEach(async () => {
      t = await kind.open();
      await migrateAuth(t.db);
    });
    afterEach(() => t.dispose());

    it('creates a key shaped mk_<id>_<secret> with 256 random bits, returned once', async () => {
      const created = await createApiKey(t.db, { user: 'alice', groups: ['editors'] });
      const parsed = parseApiKey(created.key);
      assert.ok(parsed);
      assert.equal(parsed.id, created.id);
      assert.equal(Buffer.from(parsed.secret, 'base64url').length, 32);
      const other = await createApiKey(t.db, { user: 'alice' });
      assert.notEqual(other.key, created.key);
      assert.notEqual(other.id, created.id);
    });

    it('stores only a hash: neither the key nor its secret appears anywhere in the table', async () => {
      const created = await createApiKey(t.db, { user: 'alice', groups: ['editors'] });
      const secret = parseApiKey(created.key)!.secret;
      const rows = (await t.db.knex(API_KEYS_TABLE).select('*')) as Array<Record<string, unknown>>;
      assert.equal(rows.length, 1);
      const dump = JSON.stringify(rows);
      assert.ok(!dump.includes(secret), 'secret stored in clear');
      assert.ok(!dump.includes(created.key), 'key stored in clear');
      assert.ok(!dump.includes(Buffer.from(secret, 'base64url').toString('hex')), 'secret stored as hex');
      assert.match(String(rows[0]!.secret_hash), /^[0-9a-f]{64}$/);
    });

    it('lists keys with user, groups and dates but never a secret', async () => {
      const a = await createApiKey(t.db, { user: 'alice', groups: ['editors', 'eo'], description: 'ci' });
      const b = await createApiKey(t.db, { user: 'bob' });
      const list = await listApiKeys(t.db);
      assert.deepEqual(list.map((k) => k.id).sort(), [a.id, b.id].sort());
      const alice = list.find((k) => k.id === a.id)!;
      assert.equal(alice.user, 'alice');
      assert.deepEqual(alice.groups, ['editors', 'eo']);
      assert.equal(alice.description, 'ci');
      assert.ok(!Number.isNaN(Date.parse(alice.createdAt)));
      assert.equal(alice.lastUsedAt, null);
      assert.equal(alice.revokedAt, null);
      const dump = JSON.stringify(list);
      assert.ok(!dump.includes(parseApiKey(a.key)!.secret));
      assert.ok(!('secretHash' in alice) && !('secret_hash' in alice));
      assert.deepEqual((await listApiKeys(t.db, { user: 'bob' })).map((k) => k.id), [b.id]);
    });

    it('verifies a live key and records its use at most once per resolution interval', async () => {
      const { key, id } = await createApiKey(t.db, { user: 'alice', groups: ['editors'] });
      const t0 = new Date('2030-01-01T00:00:00.000Z');
      const info = await verifyApiKey(t.db, key, t0);
      assert.equal(info?.user, 'alice');
      assert.equal(info?.lastUsedAt, t0.toISOString());
      await verifyApiKey(t.db, key, new Date(t0.getTime() + 1000));
      let stored = (await listApiKeys(t.db)).find((k) => k.id === id)!;
      assert.equal(stored.lastUsedAt, t0.toISOString(), 'not rewritten within the interval');
      const later = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS);
      await verifyApiKey(t.db, key, later);
      stored = (await listApiKeys(t.db)).find((k) => k.id === id)!;
      assert.equal(stored.lastUsedAt, later.toISOString());
    });

    it('refuses a wrong secret, an unknown id and malformed keys', async () => {
      const { key, id } = await createApiKey(t.db, { user: 'alice' });
      const parsed = parseApiKey(key)!;
      const wrongSecret = `mk_${id}_${parsed.secret.startsWith('A') ? 'B' : 'A'}${parsed.secret.slice(1)}`;
      assert.equal(await verifyApiKey(t.db, wrongSecret), null);
      assert.equal(await verifyApiKey(t.db, `mk_0123456789abcdef_${parsed.secret}`), null);
      assert.equal(await verifyApiKey(t.db, 'mk_short'), null);
      assert.equal(await verifyApiKey(t.db, ''), null);
    });

    it('revokes a key: it no longer verifies and leaves the default list', async () => {
      const { key, id } = await createApiKey(t.db, { user: 'alice' });
      assert.equal(await revokeApiKey(t.db, id), true);
      assert.equal(await revokeApiKey(t.db, id), false, 'already revoked');
      assert.equal(await revokeApiKey(t.db, 'ffffffffffffffff'), false, 'unknown');
      assert.equal(await verifyApiKey(t.db, key), null);
      assert.deepEqual(await listApiKeys(t.db), []);
      const all = await listApiKeys(t.db, { includeRevoked: true });
      assert.equal(all.length, 1);
      assert.ok(all[0]!.revokedAt);
    });

    describe('ApiKeyAuthenticator', () => {
      it('authenticates X-API-Key and Authorization: ApiKey as the key user with its groups', async () => {
        const { key, id } = await createApiKey(t.db, { user: 'alice', groups: ['editors'] });
        const auth = new ApiKeyAuthenticator(t.db, 'meridian');
        const forms: Array<Record<string, string>> = [{ 'X-API-Key': key }, { Authorization: `ApiKey ${key}` }, { authorization: `apikey ${key}` }];
        for (const headers of forms) {
          const subject = await auth.authenticate(contextWith(headers));
          assert.ok(subject, JSON.stringify(headers));
          assert.equal(subject.id, 'alice');
          assert.equal(subject.issuer, 'meridian:apikey');
          assert.equal(subject.method, 'apikey');
          assert.deepEqual(subject.groups, ['editors']);
          assert.equal(subject.claims.api_key_id, id);
        }
      });

      it('returns null without a key and throws Unauthenticated for a revoked or bad key', async () => {
        const { key, id } = await createApiKey(t.db, { user: 'alice' });
        const auth = new ApiKeyAuthenticator(t.db, 'meridian');
        assert.equal(await auth.authenticate(contextWith({ authorization: 'Bearer abc' })), null);
        await revokeApiKey(t.db, id);
        await assert.rejects(async () => auth.authenticate(contextWith({ 'x-api-key': key })), (err: unknown) => {
          assert.ok(err instanceof Unauthenticated);
          assert.equal(err.headers['WWW-Authenticate'], 'ApiKey realm="meridian"');
          return true;
        });
        await assert.rejects(async () => auth.authenticate(contextWith({ 'x-api-key': 'nonsense' })), Unauthenticated);
      });
    });
  });
}
