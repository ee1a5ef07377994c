import assert from 'node:assert/strict';
import type { Context } from 'koa';
import { Unauthenticated } from '../../../core/errors.js';
import { AuthenticatorChain } from '../../../core/auth/chain.js';
import { createApiKey } from '../../../core/auth/api-keys.js';
import { migrateAuth } from '../../../core/auth/migrations.js';
import { ANONYMOUS, authenticatedSubject } from '../../../core/auth/subjects.js';
import type { Authenticator, Subject } from '../../../core/auth/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { contextWith } from './support/context.js';
import { TestIssuer } from './support/jwks-server.js';

/** An authenticator recognising `X-Test-User: NAME`, like a plugin's own (SigV4) would. */
const headerAuthenticator: Authenticator = {
  name: 'test-header',
  async authenticate(ctx: Context): Promise<Subject | null> {
    const user = ctx.get('x-test-user');
    return user ? authenticatedSubject({ id: user, issuer: 'test', method: 'test-header' }) : null;
  },
};

describe('core/auth/chain', () => {
  const realm = 'meridian';

  it('yields ANONYMOUS for a request without credentials when anonymous ends the chain', async () => {
    const chain = AuthenticatorChain.fromConfig([{ type: 'anonymous' }], { realm });
    assert.equal(await chain.authenticate(contextWith()), ANONYMOUS);
    assert.equal(ANONYMOUS.anonymous, true);
    assert.ok(Object.isFrozen(ANONYMOUS));
  });

  it('answers 401 with every challenge of the chain when anonymous is not in it', async () => {
    const issuer = await TestIssuer.start();
    const [kind] = testDatabaseKinds();
    const t = await kind!.open();
    try {
      const chain = AuthenticatorChain.fromConfig(
        [{ type: 'jwt', issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: 'meridian' }, { type: 'apikey' }, { type: 'basic' }],
        { realm, db: t.db },
      );
      await assert.rejects(async () => chain.authenticate(contextWith()), (err: unknown) => {
        assert.ok(err instanceof Unauthenticated);
        assert.equal(err.status, 401);
        assert.equal(err.headers['WWW-Authenticate'], 'Bearer realm="meridian", ApiKey realm="meridian", Basic realm="meridian", charset="UTF-8"');
        return true;
      });
    } finally {
      await t.dispose();
      await issuer.close();
    }
  });

  it('asks authenticators in order and stops at the first that recognises the request', async () => {
    const [kind] = testDatabaseKinds();
    const t = await kind!.open();
    try {
      await migrateAuth(t.db);
      const { key } = await createApiKey(t.db, { user: 'keyholder' });
      const chain = AuthenticatorChain.fromConfig([{ type: 'apikey' }, { type: 'anonymous' }], { realm, db: t.db });
      chain.add(headerAuthenticator);
      assert.deepEqual(chain.names, ['apikey', 'test-header', 'anonymous'], 'added before anonymous');
      assert.equal((await chain.authenticate(contextWith({ 'x-api-key': key, 'x-test-user': 'header' }))).id, 'keyholder');
      assert.equal((await chain.authenticate(contextWith({ 'x-test-user': 'header' }))).id, 'header');
      assert.equal(await chain.authenticate(contextWith()), ANONYMOUS);
      // Invalid credentials stop the chain: no fallback to anonymous.
      await assert.rejects(async () => chain.authenticate(contextWith({ 'x-api-key': 'mk_bad' })), Unauthenticated);
    } finally {
      await t.dispose();
    }
  });

  it('merges several jwt entries into one authenticator trusting each issuer', async () => {
    const one = await TestIssuer.start();
    const two = await TestIssuer.start();
    try {
      const key = await two.addKey('RS256');
      const chain = AuthenticatorChain.fromConfig(
        [
          { type: 'jwt', issuer: one.issuer, jwksUri: one.jwksUri, audience: 'meridian' },
          { type: 'jwt', issuer: two.issuer, jwksUri: two.jwksUri, audience: 'meridian' },
        ],
        { realm },
      );
      assert.deepEqual(chain.names, ['jwt']);
      const subject = await chain.authenticate(contextWith({ authorization: `Bearer ${await two.sign(key, { sub: 'zoe' })}` }));
      assert.equal(subject.issuer, two.issuer);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('never takes credentials nobody in the chain claims for anonymity: 401, invalid_token for a bearer token', async () => {
    const chain = AuthenticatorChain.fromConfig([{ type: 'anonymous' }], { realm });
    chain.add(headerAuthenticator);
    await assert.rejects(async () => chain.authenticate(contextWith({ authorization: 'Digest username="x"' })), (err: Unauthenticated) => err.status === 401 && !/invalid_token/.test(err.headers['WWW-Authenticate']!));
    await assert.rejects(
      async () => chain.authenticate(contextWith({ authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.x' })),
      (err: Unauthenticated) => /^Bearer realm="meridian", error="invalid_token"/.test(err.headers['WWW-Authenticate']!),
    );
    assert.equal(await chain.authenticate(contextWith({})), ANONYMOUS, 'no credentials at all: anonymous');
  });

  it("puts an authenticator added with first before the configured ones", async () => {
    const chain = AuthenticatorChain.fromConfig([{ type: 'anonymous' }], { realm });
    const seen: string[] = [];
    const spy = (name: string): Authenticator => ({
      name,
      async authenticate() {
        seen.push(name);
        return null;
      },
    });
    chain.add(spy('later'));
    chain.add(spy('own-tokens'), { first: true });
    await chain.authenticate(contextWith({}));
    assert.deepEqual(seen, ['own-tokens', 'later']);
    assert.deepEqual(chain.names, ['own-tokens', 'later', 'anonymous']);
  });

  it('refuses chains that cannot work', () => {
    assert.throws(() => AuthenticatorChain.fromConfig([{ type: 'anonymous' }, { type: 'apikey' }], { realm }), /anonymous must be the last/);
    assert.throws(() => AuthenticatorChain.fromConfig([{ type: 'apikey' }], { realm }), /apikey needs the database/);
    const chain = AuthenticatorChain.fromConfig([{ type: 'anonymous' }], { realm });
    chain.add(headerAuthenticator);
    assert.throws(() => chain.add(headerAuthenticator), /already in the chain/);
  });
});
