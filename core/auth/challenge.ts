/**
 * WWW-Authenticate challenges (RFC 7235 syntax; Bearer parameters per RFC 6750 section 3).
 */

/**
 * A quoted-string parameter value. RFC 6750 limits `error_description` to printable ASCII
 * without '"' and '\', so those and anything outside %x20-7E are replaced rather than escaped.
 */
export function quoteParam(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]|["\\]/g, "'")}"`;
}

export function challenge(scheme: string, params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${quoteParam(v)}`);
  return parts.length ? `${scheme} ${parts.join(', ')}` : scheme;
}

/** RFC 6750 error codes a resource server returns in a Bearer challenge. */
export type BearerError = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export function bearerChallenge(realm: string, error?: BearerError, description?: string): string {
  return challenge('Bearer', { realm, error, error_description: error ? description : undefined });
}

export function basicChallenge(realm: string): string {
  return challenge('Basic', { realm, charset: 'UTF-8' });
}

/** Not a registered scheme; names the `Authorization: ApiKey KEY` form clients may use. */
export function apiKeyChallenge(realm: string): string {
  return challenge('ApiKey', { realm });
}

/** Several challenges in one header field, as RFC 7235 section 4.1 allows. */
export function joinChallenges(challenges: readonly string[]): string {
  return challenges.join(', ');
}

/**
 * The credentials of `scheme` in an Authorization header ('Bearer', 'Basic', 'ApiKey'), the
 * scheme compared case-insensitively; null when the header is absent or of another scheme.
 */
export function credentialsOf(authorization: string | undefined, scheme: string): string | null {
  if (!authorization) return null;
  const match = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)[ \t]+(.*)$/s.exec(authorization.trim());
  if (!match || match[1]!.toLowerCase() !== scheme.toLowerCase()) return null;
  return match[2]!.trim();
}
