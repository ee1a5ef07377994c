import assert from 'node:assert/strict';
import { Unauthenticated } from '../../../core/errors.js';
import { BasicAuthenticator } from '../../../core/auth/basic-authenticator.js';
import { USERS_TABLE, migrateAuth } from '../../../core/auth/migrations.js';
import { createUser, getUser, hashPassword, setUserPassword, verifyPassword, verifyUserPassword } from '../../../core/auth/users.js';
import { testDatabaseKinds, type TestDatabase } from '../../helpers/databases.js';
import { basicAuthorization, contextWith } from './support/context.js';

describe('core/auth/users: password hashing', () => {
  it('hashes with scrypt and a random salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    assert.notEqual(a, b, 'salted');
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('correct horse!', a), false);
    assert.equal(await verifyPassword('x', 'not-a-hash'), false);
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`core/auth/users and HTTP Basic on ${kind.name}`, () => {
    let t: TestDatabase;

    beforeEach(async () => {
      t = await kind.open();
      await migrateAuth(t.db);
    });
    afterEach(() => t.dispose());

    it('creates a user whose password is stored only as a hash', async () => {
      const user = await createUser(t.db, { name: 'carol', password: 's3cret-pass', groups: ['eo'] });
      assert.deepEqual(user.groups, ['eo']);
      assert.deepEqual((await getUser(t.db, 'carol'))?.groups, ['eo']);
      const rows = await t.db.knex(USERS_TABLE).select('*');
      assert.ok(!JSON.stringify(rows).includes('s3cret-pass'));
      assert.equal(await getUser(t.db, 'nobody'), null);
    });

    it('verifies passwords, refuses wrong ones and unknown users, and accepts a changed password', async () => {
      await createUser(t.db, { name: 'carol', password: 'first' });
      assert.equal((await verifyUserPassword(t.db, 'carol', 'first'))?.name, 'carol');
      assert.equal(await verifyUserPassword(t.db, 'carol', 'wrong'), null);
      assert.equal(await verifyUserPassword(t.db, 'dave', 'first'), null);
      assert.equal(await setUserPassword(t.db, 'carol', 'second'), true);
      assert.equal(await verifyUserPassword(t.db, 'carol', 'first'), null);
      assert.equal((await verifyUserPassword(t.db, 'carol', 'second'))?.name, 'carol');
    });

    it('refuses user names containing a colon (they cannot be sent over HTTP Basic)', async () => {
      await assert.rejects(createUser(t.db, { name: 'a:b', password: 'x' }), /":"/);
    });

    describe('BasicAuthenticator', () => {
      it('authenticates curl -u style credentials as the local user with its groups', async () => {
        await createUser(t.db, { name: 'admin', password: 'pa:ss word', groups: ['admin'] });
        const auth = new BasicAuthenticator(t.db, { realm: 'meridian' });
        const subject = await auth.authenticate(contextWith({ authorization: basicAuthorization('admin', 'pa:ss word') }));
        assert.ok(subject);
        assert.equal(subject.id, 'admin');
        assert.equal(subject.method, 'basic');
        assert.equal(subject.issuer, 'meridian:local');
        assert.deepEqual(subject.groups, ['admin']);
        // A second request is served from the verified-credentials cache with the same result.
        const again = await auth.authenticate(contextWith({ authorization: basicAuthorization('admin', 'pa:ss word') }));
        assert.deepEqual(again, subject);
      });

      it('returns null without Basic credentials and 401 with a Basic challenge for wrong ones', async () => {
        await createUser(t.db, { name: 'admin', password: 'right', groups: ['admin'] });
        const auth = new BasicAuthenticator(t.db, { realm: 'meridian', verifiedTtlMs: 0 });
        assert.equal(await auth.authenticate(contextWith()), null);
        assert.equal(await auth.authenticate(contextWith({ authorization: 'Bearer x.y.z' })), null);
        for (const authorization of [basicAuthorization('admin', 'wrong'), basicAuthorization('ghost', 'right'), 'Basic bm9jb2xvbg==']) {
          await assert.rejects(async () => auth.authenticate(contextWith({ authorization })), (err: unknown) => {
            assert.ok(err instanceof Unauthenticated);
            assert.equal(err.headers['WWW-Authenticate'], 'Basic realm="meridian", charset="UTF-8"');
            return true;
          });
        }
      });

      it('does not let a cached success outlive the verified-credentials TTL of 0', async () => {
        await createUser(t.db, { name: 'erin', password: 'old' });
        const auth = new BasicAuthenticator(t.db, { realm: 'meridian', verifiedTtlMs: 0 });
        assert.ok(await auth.authenticate(contextWith({ authorization: basicAuthorization('erin', 'old') })));
        await setUserPassword(t.db, 'erin', 'new');
        await assert.rejects(async () => auth.authenticate(contextWith({ authorization: basicAuthorization('erin', 'old') })), Unauthenticated);
      });
    });
  });
}
