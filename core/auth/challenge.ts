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
  // The scheme (an RFC 7230 token) up to the first space or tab, then the rest, trimmed. Scanned
  // by hand: the header carries a whole token, and this runs on every request.
  const header = authorization.trim();
  let end = 0;
  while (end < header.length && isTokenChar(header.charCodeAt(end))) end++;
  if (end === 0 || end === header.length) return null;
  const next = header.charCodeAt(end);
  if (next !== 0x20 && next !== 0x09) return null;
  if (end !== scheme.length || header.slice(0, end).toLowerCase() !== scheme.toLowerCase()) return null;
  return header.slice(end + 1).trim();
}

/** tchar of RFC 7230: ALPHA, DIGIT and !#$%&'*+-.^_`|~ */
function isTokenChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x21 || (c >= 0x23 && c <= 0x27) || c === 0x2a || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e
  );
}
