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

  async authenticate(ctx: Context): Promise<Subject | null> {
    const key = apiKeyFromRequest(ctx);
    if (key === null) return null;
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
