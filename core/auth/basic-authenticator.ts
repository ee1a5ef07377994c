import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { LRUCache } from 'lru-cache';
import { Unauthenticated } from '../errors.js';
import type { Database } from '../storage/db/types.js';
import { basicChallenge, credentialsOf } from './challenge.js';
import { LOCAL_USER_ISSUER, authenticatedSubject } from './subjects.js';
import type { Authenticator, Subject } from './types.js';
import { verifyUserPassword, type LocalUser } from './users.js';

export interface BasicAuthenticatorOptions {
  realm: string;
  /**
   * How long a verified name/password pair is remembered, so clients that send Basic
   * credentials on every request do not pay for scrypt each time. 0 turns it off.
   */
  verifiedTtlMs?: number;
}

/** HTTP Basic (RFC 7617) against the local users table: `curl -u admin:PASSWORD`. */
export class BasicAuthenticator implements Authenticator {
  readonly name = 'basic';
  private readonly verified: LRUCache<string, LocalUser> | null;
  // Cache keys are keyed hashes: the cache never holds anything that helps guess a password.
  private readonly cacheKeySecret = randomBytes(32);

  constructor(
    private readonly db: Database,
    private readonly options: BasicAuthenticatorOptions,
  ) {
    const ttl = options.verifiedTtlMs ?? 30_000;
    this.verified = ttl > 0 ? new LRUCache<string, LocalUser>({ max: 1000, ttl }) : null;
  }

  /** Synchronous (null) for a request without Basic credentials. */
  authenticate(ctx: Context): Subject | null | Promise<Subject> {
    const encoded = credentialsOf(ctx.get('authorization') || undefined, 'Basic');
    if (encoded === null) return null;
    return this.authenticateBasic(encoded);
  }

  private async authenticateBasic(encoded: string): Promise<Subject> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new Unauthenticated('Malformed Basic credentials', this.challenge());
    const name = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = await this.verify(name, password);
    if (!user) throw new Unauthenticated('Invalid user name or password', this.challenge());
    return authenticatedSubject({
      id: user.name,
      issuer: LOCAL_USER_ISSUER,
      method: 'basic',
      groups: user.groups,
      claims: { sub: user.name },
    });
  }

  challenge(): string {
    return basicChallenge(this.options.realm);
  }

  private async verify(name: string, password: string): Promise<LocalUser | null> {
    const cacheKey = this.verified ? createHmac('sha256', this.cacheKeySecret).update(`${name}\0${password}`).digest('base64url') : '';
    const cached = this.verified?.get(cacheKey);
    if (cached) return cached;
    const user = await verifyUserPassword(this.db, name, password);
    if (user) this.verified?.set(cacheKey, user);
    return user;
  }
}
