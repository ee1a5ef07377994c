import type { Context } from 'koa';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Logger } from 'pino';
import { MeridianError, Unauthenticated } from '../errors.js';
import { bearerChallenge, credentialsOf } from './challenge.js';
import { ExpiringMap } from './expiring-map.js';
import { authenticatedSubject, groupsFromClaims } from './subjects.js';
import type { Authenticator, Subject } from './types.js';

/** One trusted token issuer: the settings of a `{ type: jwt }` entry of the chain. */
export interface JwtIssuerConfig {
  /** Expected `iss`, exactly as the issuer writes it. */
  issuer: string;
  /** Where the issuer publishes its public keys (JWKS). */
  jwksUri: string;
  /** Accepted `aud` value(s); a token must name at least one. */
  audience: string | string[];
  /** Claim path of the subject's groups: 'groups', 'realm_access.roles', 'scope'. */
  groupsClaim?: string;
  /** Signature algorithms accepted, all asymmetric. */
  algorithms?: string[];
  /** Allowed clock skew for `exp` and `nbf`, seconds. */
  clockToleranceSec?: number;
  /** Least time between two JWKS fetches caused by an unknown `kid`, ms. */
  jwksCooldownMs?: number;
  /** Longest time keys are used before they are fetched again, ms. */
  jwksCacheMaxAgeMs?: number;
  /** Time limit of one JWKS fetch, ms. */
  jwksTimeoutMs?: number;
}

/**
 * Algorithms whose keys are public: the only ones a JWKS can verify safely. HS* is absent on
 * purpose: HMAC with a published key as the secret is the algorithm-confusion attack.
 */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export const DEFAULT_JWT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
export const DEFAULT_GROUPS_CLAIM = 'groups';
export const DEFAULT_CLOCK_TOLERANCE_SEC = 30;

interface TrustedIssuer {
  config: JwtIssuerConfig;
  algorithms: string[];
  groupsClaim: string;
  jwks: ReturnType<typeof createRemoteJWKSet>;
}

/** Checks issuer settings and returns the algorithm list to use; throws for unsafe settings. */
function checkIssuer(config: JwtIssuerConfig): string[] {
  if (!config.issuer) throw new Error('jwt authenticator: issuer is required');
  if (!config.jwksUri) throw new Error(`jwt authenticator for ${config.issuer}: jwksUri is required`);
  const url = new URL(config.jwksUri);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`jwt authenticator for ${config.issuer}: jwksUri must be http(s)`);
  const audiences = Array.isArray(config.audience) ? config.audience : [config.audience];
  if (audiences.length === 0 || audiences.some((a) => typeof a !== 'string' || a === '')) {
    throw new Error(`jwt authenticator for ${config.issuer}: audience is required`);
  }
  const algorithms = config.algorithms ?? DEFAULT_JWT_ALGORITHMS;
  const unsafe = algorithms.filter((a) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a));
  if (algorithms.length === 0 || unsafe.length) {
    throw new Error(`jwt authenticator for ${config.issuer}: algorithms must be asymmetric (${ASYMMETRIC_ALGORITHMS.join(', ')}); refused: ${unsafe.join(', ') || 'empty list'}`);
  }
  return algorithms;
}

/**
 * Bearer JWTs (RFC 6750) from one or more trusted issuers, each verified against its own JWKS,
 * chosen by the token's `iss`. Keys are cached and fetched again when a token names an unknown
 * `kid` (at most once per cooldown) or when they are older than the cache age.
 */
/** How long a verified token is remembered at most (it is never remembered past its `exp`). */
const VERIFIED_TTL_MS = 60_000;

interface VerifiedToken {
  /** The whole token: the cache key is only its end. */
  token: string;
  subject: Subject;
  exp: number;
  nbf?: number;
  skew: number;
  trusted: TrustedIssuer;
  kid?: string;
  /** When the token's key was last seen in the issuer's key set. */
  keysCheckedAt: number;
}

/** How stale the "its key is still published" check of a remembered token may be. */
const KEY_RECHECK_MS = 1000;

/**
 * Remembered tokens are found by their last characters (256 bits of the signature): a map
 * lookup hashes its key, and hashing a whole token (often a kilobyte) on every request costs
 * more than the rest of its authentication. A hit still compares the whole token.
 */
const TOKEN_KEY_CHARS = 43;
const cacheKeyOf = (token: string) => token.slice(-TOKEN_KEY_CHARS);

export class JwtAuthenticator implements Authenticator {
  readonly name = 'jwt';
  private readonly issuers = new Map<string, TrustedIssuer>();
  /**
   * Tokens already verified (by their end, see TOKEN_KEY_CHARS): a client sends the same token on every request,
   * and an RSA/ECDSA verification costs far more than the rest of a request's handling.
   */
  private readonly verified = new ExpiringMap<string, VerifiedToken>(10_000);

  constructor(
    configs: JwtIssuerConfig[],
    private readonly realm: string,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {
    if (configs.length === 0) throw new Error('jwt authenticator: at least one trusted issuer is needed');
    for (const config of configs) {
      const algorithms = checkIssuer(config);
      if (this.issuers.has(config.issuer)) throw new Error(`jwt authenticator: issuer ${config.issuer} is listed twice`);
      this.issuers.set(config.issuer, {
        config,
        algorithms,
        groupsClaim: config.groupsClaim ?? DEFAULT_GROUPS_CLAIM,
        jwks: createRemoteJWKSet(new URL(config.jwksUri), {
          cooldownDuration: config.jwksCooldownMs ?? 30_000,
          cacheMaxAge: config.jwksCacheMaxAgeMs ?? 600_000,
          timeoutDuration: config.jwksTimeoutMs ?? 5_000,
        }),
      });
    }
  }

  /** Synchronous for a request without a bearer token and for a remembered token. */
  authenticate(ctx: Context): Subject | null | Promise<Subject> {
    const token = bearerToken(ctx.req.headers.authorization);
    if (token === null) return null;
    return this.remembered(token) ?? this.verifyAndRemember(token);
  }

  challenge(): string {
    return bearerChallenge(this.realm);
  }

  /** The subject a token names; throws Unauthenticated (invalid_token) for any token not accepted. */
  verify(token: string): Promise<Subject> {
    const subject = this.remembered(token);
    return subject ? Promise.resolve(subject) : this.verifyAndRemember(token);
  }

  /** The subject of a token verified before and still valid; undefined when it must be verified. */
  private remembered(token: string): Subject | undefined {
    const key = cacheKeyOf(token);
    const cached = this.verified.get(key);
    if (!cached || cached.token !== token) return undefined;
    // Time claims are checked again on every use; the signature, issuer and audience were checked once.
    const nowMs = Date.now();
    const now = nowMs / 1000;
    if (now <= cached.exp + cached.skew && (cached.nbf === undefined || now >= cached.nbf - cached.skew) && this.keyStillPublished(cached, nowMs)) {
      return cached.subject;
    }
    this.verified.delete(key);
    return undefined;
  }

  private async verifyAndRemember(token: string): Promise<Subject> {
    // Frozen: the same subject object now serves every request that carries this token.
    const subject = deepFreeze(await this.verifyFully(token));
    const claims = subject.claims as { exp: number; nbf?: number };
    const skew = this.issuers.get(subject.issuer)!.config.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
    // Kept until the token expires, at most VERIFIED_TTL_MS: no longer than the JWKS itself is trusted.
    const ttl = Math.min(VERIFIED_TTL_MS, (claims.exp + skew) * 1000 - Date.now());
    const trusted = this.issuers.get(subject.issuer)!;
    const kid = this.decode(token).header.kid;
    if (ttl > 0) {
      this.verified.set(cacheKeyOf(token), { token, subject, exp: claims.exp, nbf: claims.nbf, skew, trusted, kid: typeof kid === 'string' ? kid : undefined, keysCheckedAt: Date.now() }, ttl);
    }
    return subject;
  }

  /**
   * Whether the key that verified a remembered token is still in its issuer's key set: after a
   * rotation removes it, the token goes through full verification again (and fails).
   */
  private keyStillPublished(cached: VerifiedToken, now: number): boolean {
    // jose hands out a copy of the key set on each call, so look at it at most once a second.
    if (now - cached.keysCheckedAt < KEY_RECHECK_MS) return true;
    const current = cached.trusted.jwks.jwks();
    if (!current || cached.kid === undefined || !current.keys.some((k) => k.kid === cached.kid)) return false;
    cached.keysCheckedAt = now;
    return true;
  }


  private async verifyFully(token: string): Promise<Subject> {
    const { header, payload } = this.decode(token);
    const alg = typeof header.alg === 'string' ? header.alg : '';
    if (alg === '' || alg.toLowerCase() === 'none') throw this.invalid('Unsigned tokens are not accepted');
    const trusted = typeof payload.iss === 'string' ? this.issuers.get(payload.iss) : undefined;
    if (!trusted) throw this.invalid('The token issuer is not trusted');
    if (!trusted.algorithms.includes(alg)) throw this.invalid(`Signature algorithm ${alg} is not accepted`);

    let verified: JWTPayload;
    try {
      ({ payload: verified } = await jwtVerify(token, trusted.jwks, {
        issuer: trusted.config.issuer,
        audience: trusted.config.audience,
        algorithms: trusted.algorithms,
        clockTolerance: trusted.config.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      throw this.mapError(err, trusted.config.issuer);
    }
    const claims = verified as Record<string, unknown>;
    return authenticatedSubject({
      id: verified.sub!,
      issuer: trusted.config.issuer,
      method: 'jwt',
      groups: groupsFromClaims(claims, trusted.groupsClaim),
      claims,
    });
  }

  private decode(token: string): { header: Record<string, unknown>; payload: JWTPayload } {
    if (token.split('.').length !== 3) throw this.invalid('The token is not a signed JWT');
    try {
      return { header: decodeProtectedHeader(token) as Record<string, unknown>, payload: decodeJwt(token) };
    } catch {
      throw this.invalid('The token is malformed');
    }
  }

  private invalid(description: string): Unauthenticated {
    return new Unauthenticated(`Invalid access token: ${description}`, bearerChallenge(this.realm, 'invalid_token', description));
  }

  private mapError(err: unknown, issuer: string): MeridianError {
    if (err instanceof errors.JWTExpired) return this.invalid('The token has expired');
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'nbf') return this.invalid('The token is not valid yet');
      if (err.claim === 'iat' && err.reason === 'check_failed') return this.invalid('The token was issued in the future');
      return this.invalid(`The ${err.claim} claim is missing or not accepted`);
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) return this.invalid('The signature does not verify');
    if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
      return this.invalid('No key of the issuer matches the token');
    }
    if (err instanceof errors.JOSEAlgNotAllowed) return this.invalid('The signature algorithm is not accepted');
    if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid || err instanceof errors.JOSENotSupported) {
      return this.invalid('The token is malformed');
    }
    // The issuer's keys could not be fetched: not the client's fault, so not a 401.
    this.logger?.warn({ err, issuer }, 'cannot fetch the JWKS of a trusted issuer');
    return new MeridianError(503, 'The token issuer cannot be reached to verify the token', {
      code: 'ServiceUnavailable',
      expose: true,
      headers: { 'Retry-After': '5' },
      cause: err,
    });
  }
}

/**
 * The token of an `Authorization: Bearer ...` header, as credentialsOf reads it: the exact
 * prefix every client sends is checked without scanning the scheme, anything else goes through
 * credentialsOf.
 */
function bearerToken(authorization: string | undefined): string | null {
  if (authorization !== undefined && authorization.startsWith('Bearer ')) {
    const token = authorization.slice(7).trim();
    if (token !== '') return token;
  }
  return credentialsOf(authorization, 'Bearer');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
