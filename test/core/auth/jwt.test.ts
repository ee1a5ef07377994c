import assert from 'node:assert/strict';
import { MeridianError, Unauthenticated } from '../../../core/errors.js';
import { JwtAuthenticator, type JwtIssuerConfig } from '../../../core/auth/jwt.js';
import { closedPort } from './support/closed-port.js';
import { contextWith } from './support/context.js';
import { TestIssuer, type SigningKey } from './support/jwks-server.js';

function issuerConfig(issuer: TestIssuer, extra: Partial<JwtIssuerConfig> = {}): JwtIssuerConfig {
  return { issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: 'meridian', algorithms: ['RS256', 'ES256'], ...extra };
}

async function rejection(promise: unknown): Promise<Unauthenticated> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Unauthenticated, `expected Unauthenticated, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the token to be refused');
}

function bearer(token: string) {
  return contextWith({ authorization: `Bearer ${token}` });
}

describe('core/auth/jwt: bearer JWT authenticator', () => {
  let issuer: TestIssuer;
  let rsa: SigningKey;
  let ec: SigningKey;
  let auth: JwtAuthenticator;

  before(async () => {
    issuer = await TestIssuer.start();
    rsa = await issuer.addKey('RS256');
    ec = await issuer.addKey('ES256');
  });
  after(() => issuer.close());
  beforeEach(() => {
    auth = new JwtAuthenticator([issuerConfig(issuer)], 'meridian');
  });

  it('accepts a valid RS256 token and yields its subject, issuer, claims and groups', async () => {
    const token = await issuer.sign(rsa, { sub: 'alice', claims: { groups: ['editors', 'eo'] } });
    const subject = await auth.authenticate(bearer(token));
    assert.ok(subject);
    assert.equal(subject.id, 'alice');
    assert.equal(subject.issuer, issuer.issuer);
    assert.equal(subject.method, 'jwt');
    assert.equal(subject.anonymous, false);
    assert.deepEqual(subject.groups, ['editors', 'eo']);
    assert.equal(subject.claims.aud, 'meridian');
  });

  it('accepts a valid ES256 token', async () => {
    const subject = await auth.authenticate(bearer(await issuer.sign(ec, { sub: 'bob' })));
    assert.equal(subject?.id, 'bob');
  });

  it('returns null (next authenticator) when the request has no bearer token', async () => {
    assert.equal(await auth.authenticate(contextWith()), null);
    assert.equal(await auth.authenticate(contextWith({ authorization: 'Basic YTpi' })), null);
  });

  it('refuses an expired token with an RFC 6750 invalid_token challenge', async () => {
    const err = await rejection(auth.authenticate(bearer(await issuer.sign(rsa, { expiresIn: -120 }))));
    assert.equal(err.status, 401);
    const challenge = err.headers['WWW-Authenticate']!;
    assert.match(challenge, /^Bearer realm="meridian", error="invalid_token", error_description="[^"]*expired[^"]*"$/);
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const subject = await auth.authenticate(bearer(await issuer.sign(rsa, { expiresIn: -10 })));
    assert.equal(subject?.id, 'alice');
  });

  it('honours a configured clock tolerance of 0', async () => {
    const strict = new JwtAuthenticator([issuerConfig(issuer, { clockToleranceSec: 0 })], 'meridian');
    await rejection(strict.authenticate(bearer(await issuer.sign(rsa, { expiresIn: -10 }))));
  });

  it('remembers a verified token but still refuses it once it expires', async () => {
    const strict = new JwtAuthenticator([issuerConfig(issuer, { clockToleranceSec: 0 })], 'meridian');
    const token = await issuer.sign(rsa, { expiresIn: 1 });
    const first = await strict.authenticate(bearer(token));
    const again = await strict.authenticate(bearer(token));
    assert.equal(again, first, 'the second use is answered from the verified-token cache');
    await new Promise((r) => setTimeout(r, 2100));
    await rejection(strict.authenticate(bearer(token)));
  });

  it('answers a remembered token only for the very same token: one ending alike but changed elsewhere is verified in full', async () => {
    const token = await issuer.sign(rsa, { sub: 'alice' });
    assert.equal((await auth.authenticate(bearer(token)))?.id, 'alice');
    // The same signature (so the same last characters) on another payload: forged, must not verify.
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ iss: issuer.issuer, aud: 'meridian', sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    const forged = `${header}.${forgedPayload}.${signature}`;
    const err = await rejection(auth.authenticate(bearer(forged)));
    assert.match(err.headers['WWW-Authenticate']!, /signature does not verify/);
    // And the genuine token is still answered afterwards.
    assert.equal((await auth.authenticate(bearer(token)))?.id, 'alice');
  });

  it('hands out remembered subjects frozen, so no request can change what the next one sees', async () => {
    const token = await issuer.sign(rsa, { claims: { groups: ['eo'] } });
    const subject = (await auth.authenticate(bearer(token)))!;
    assert.throws(() => subject.groups.push('admin'));
    assert.throws(() => {
      (subject as { id: string }).id = 'root';
    });
    assert.deepEqual((await auth.authenticate(bearer(token)))!.groups, ['eo']);
  });

  it('refuses a token that is not valid yet (nbf beyond the tolerance)', async () => {
    const err = await rejection(auth.authenticate(bearer(await issuer.sign(rsa, { notBefore: 600 }))));
    assert.match(err.headers['WWW-Authenticate']!, /error_description="The token is not valid yet"/);
  });

  it('refuses a token for another audience', async () => {
    const err = await rejection(auth.authenticate(bearer(await issuer.sign(rsa, { aud: 'someone-else' }))));
    assert.match(err.headers['WWW-Authenticate']!, /The aud claim is missing or not accepted/);
  });

  it('accepts any one of several configured audiences', async () => {
    const multi = new JwtAuthenticator([issuerConfig(issuer, { audience: ['other', 'meridian'] })], 'meridian');
    assert.equal((await multi.authenticate(bearer(await issuer.sign(rsa))))?.id, 'alice');
  });

  it('refuses a token from an issuer that is not trusted, even when signed with a trusted key', async () => {
    const err = await rejection(auth.authenticate(bearer(await issuer.sign(rsa, { iss: 'https://evil.example/' }))));
    assert.match(err.headers['WWW-Authenticate']!, /issuer is not trusted/);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const err = await rejection(auth.authenticate(bearer(issuer.unsigned())));
    assert.match(err.headers['WWW-Authenticate']!, /Unsigned tokens are not accepted/);
  });

  it('refuses HS256 signed with the issuer public key (algorithm confusion)', async () => {
    const err = await rejection(auth.authenticate(bearer(await issuer.hs256WithPublicKey(rsa))));
    assert.match(err.headers['WWW-Authenticate']!, /algorithm HS256 is not accepted/);
  });

  it('refuses HS256 at configuration time', () => {
    assert.throws(() => new JwtAuthenticator([issuerConfig(issuer, { algorithms: ['RS256', 'HS256'] })], 'meridian'), /asymmetric.*HS256/);
    assert.throws(() => new JwtAuthenticator([issuerConfig(issuer, { algorithms: ['none'] })], 'meridian'), /asymmetric/);
  });

  it('refuses an algorithm outside the allowlist even if the key would verify it', async () => {
    const rsOnly = new JwtAuthenticator([issuerConfig(issuer, { algorithms: ['RS256'] })], 'meridian');
    const err = await rejection(rsOnly.authenticate(bearer(await issuer.sign(ec))));
    assert.match(err.headers['WWW-Authenticate']!, /ES256 is not accepted/);
  });

  it('refuses a token whose signature was tampered with', async () => {
    const token = await issuer.sign(rsa);
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    payload.sub = 'mallory';
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const err = await rejection(auth.authenticate(bearer(forged)));
    assert.match(err.headers['WWW-Authenticate']!, /signature does not verify/);
  });

  it('refuses a malformed token and a token without exp', async () => {
    await rejection(auth.authenticate(bearer('not-a-jwt')));
    await rejection(auth.authenticate(bearer('a.b.c')));
    const now = Math.floor(Date.now() / 1000);
    const { SignJWT } = await import('jose');
    const noExp = await new SignJWT({ iss: issuer.issuer, sub: 'alice', aud: 'meridian', iat: now })
      .setProtectedHeader({ alg: 'RS256', kid: rsa.kid })
      .sign(rsa.privateKey);
    const err = await rejection(auth.authenticate(bearer(noExp)));
    assert.match(err.headers['WWW-Authenticate']!, /The exp claim is missing or not accepted/);
  });

  it('reads groups from a nested claim path and from a space-separated scope', async () => {
    const realm = new JwtAuthenticator([issuerConfig(issuer, { groupsClaim: 'realm_access.roles' })], 'meridian');
    const token = await issuer.sign(rsa, { claims: { realm_access: { roles: ['admin', 'user'] } } });
    assert.deepEqual((await realm.authenticate(bearer(token)))?.groups, ['admin', 'user']);
    const scoped = new JwtAuthenticator([issuerConfig(issuer, { groupsClaim: 'scope' })], 'meridian');
    const scopedToken = await issuer.sign(rsa, { claims: { scope: 'openid  wms:read wps:execute' } });
    assert.deepEqual((await scoped.authenticate(bearer(scopedToken)))?.groups, ['openid', 'wms:read', 'wps:execute']);
  });

  it('trusts several issuers, each with its own keys, chosen by iss', async () => {
    const second = await TestIssuer.start();
    try {
      const secondKey = await second.addKey('ES256');
      const both = new JwtAuthenticator([issuerConfig(issuer), issuerConfig(second)], 'meridian');
      assert.equal((await both.authenticate(bearer(await issuer.sign(rsa, { sub: 'one' }))))?.issuer, issuer.issuer);
      const fromSecond = await both.authenticate(bearer(await second.sign(secondKey, { sub: 'two' })));
      assert.equal(fromSecond?.issuer, second.issuer);
      assert.equal(fromSecond?.id, 'two');
      // A token claiming the second issuer but signed with the first issuer's key is refused.
      await rejection(both.authenticate(bearer(await issuer.sign(rsa, { iss: second.issuer }))));
    } finally {
      await second.close();
    }
  });
});

describe('core/auth/jwt: JWKS caching and key rotation', () => {
  let issuer: TestIssuer;

  beforeEach(async () => {
    issuer = await TestIssuer.start();
  });
  afterEach(() => issuer.close());

  it('fetches the JWKS once, reuses it, and refetches when a token names an unknown kid', async () => {
    const first = await issuer.addKey('RS256');
    const auth = new JwtAuthenticator([issuerConfig(issuer, { jwksCooldownMs: 0 })], 'meridian');
    await auth.authenticate(bearer(await issuer.sign(first)));
    await auth.authenticate(bearer(await issuer.sign(first, { sub: 'again' })));
    assert.equal(issuer.fetches, 1, 'keys are cached between tokens');

    const rotated = await issuer.rotate('ES256');
    const subject = await auth.authenticate(bearer(await issuer.sign(rotated, { sub: 'after-rotation' })));
    assert.equal(subject?.id, 'after-rotation');
    assert.equal(issuer.fetches, 2, 'an unknown kid caused one refetch');

    // The old key is gone from the issuer: after the refetch its tokens no longer verify, even the
    // one remembered as verified, once the remembered token's key check (at most 1 s old) is redone.
    await new Promise((r) => setTimeout(r, 1100));
    const err = await rejection(auth.authenticate(bearer(await issuer.sign(first))));
    assert.match(err.headers['WWW-Authenticate']!, /No key of the issuer matches/);
  });

  it('does not refetch for unknown kids during the cooldown', async () => {
    const first = await issuer.addKey('RS256');
    const auth = new JwtAuthenticator([issuerConfig(issuer, { jwksCooldownMs: 3_600_000 })], 'meridian');
    await auth.authenticate(bearer(await issuer.sign(first)));
    const rotated = await issuer.rotate('RS256');
    await rejection(auth.authenticate(bearer(await issuer.sign(rotated))));
    await rejection(auth.authenticate(bearer(await issuer.sign(first, { kid: 'made-up' }))));
    assert.equal(issuer.fetches, 1);
  });

  it('answers 503, not 401, when the issuer keys cannot be fetched', async () => {
    const key = await issuer.addKey('RS256');
    const port = await closedPort();
    const auth = new JwtAuthenticator([issuerConfig(issuer, { jwksUri: `http://127.0.0.1:${port}/jwks.json` })], 'meridian');
    await assert.rejects(async () => auth.authenticate(bearer(await issuer.sign(key))), (err: unknown) => {
      assert.ok(err instanceof MeridianError);
      assert.equal(err.status, 503);
      return true;
    });
  });
});
