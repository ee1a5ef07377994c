import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens for the interaction forms, bound to the interaction: an HMAC of its uid. A form
 * posted to another interaction, or without the token, is refused; the interaction cookie (set by
 * oidc-provider, SameSite=Lax) binds the uid to the browser.
 */
export class CsrfTokens {
  constructor(private readonly key: Buffer) {}

  issue(interactionUid: string): string {
    return createHmac('sha256', this.key).update(`oidc-interaction\0${interactionUid}`).digest('base64url');
  }

  verify(interactionUid: string, token: unknown): boolean {
    if (typeof token !== 'string' || token === '') return false;
    const expected = Buffer.from(this.issue(interactionUid));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
