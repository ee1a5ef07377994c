import type { Context } from 'koa';
import { Unauthenticated } from '../errors.js';
import type { Database } from '../storage/db/types.js';
import { verifyApiKey } from './api-keys.js';
import { apiKeyChallenge, credentialsOf } from './challenge.js';
import { API_KEY_ISSUER, authenticatedSubject } from './subjects.js';
import type { Authenticator, Subject } from './types.js';

/** Reads a key from `X-API-Key: KEY` or `Authorization: ApiKey KEY`. */
export function apiKeyFromRequest(ctx: Context): string | null {
  const header = ctx.get('x-api-key');
  if (header) return header.trim();
  return credentialsOf(ctx.get('authorization') || undefined, 'ApiKey');
}

/** Authenticates requests carrying an API key created with createApiKey (the CLI's `apikey create`). */
export class ApiKeyAuthenticator implements Authenticator {
  readonly name = 'apikey';

  constructor(
    private readonly db: Database,
    private readonly realm: string,
  ) {}

  /** Synchronous (null) for a request without a key: the chain moves on without a promise turn. */
  authenticate(ctx: Context): Subject | null | Promise<Subject> {
    const key = apiKeyFromRequest(ctx);
    if (key === null) return null;
    return this.verify(key);
  }

  private async verify(key: string): Promise<Subject> {
    const info = await verifyApiKey(this.db, key);
    if (!info) throw new Unauthenticated('Invalid or revoked API key', this.challenge());
    return authenticatedSubject({
      id: info.user,
      issuer: API_KEY_ISSUER,
      method: 'apikey',
      groups: info.groups,
      claims: { sub: info.user, api_key_id: info.id },
    });
  }

  challenge(): string {
    return apiKeyChallenge(this.realm);
  }
}
