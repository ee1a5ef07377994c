import type { Context } from 'koa';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { bearerChallenge, credentialsOf } from '../../core/auth/challenge.js';
import { authenticatedSubject } from '../../core/auth/subjects.js';
import type { Authenticator, Subject } from '../../core/auth/types.js';
import { getUser } from '../../core/auth/users.js';
import { Unauthenticated } from '../../core/errors.js';
import type { Database } from '../../core/storage/db/types.js';
import { findAccessToken } from './adapter.js';
import { meridianResourceOf, SIGNING_ALGS } from './resources.js';

export interface OidcAuthenticatorOptions {
  db: Database;
  realm: string;
  mountPath: string;
  /** Resource indicators besides Meridian's own URL whose tokens Meridian's services accept. */
  resources: string[];
  /** Issuers this process has served (the request's own is always accepted). */
  knownIssuers(): Iterable<string>;
  clockToleranceSec?: number;
}

/**
 * Bearer access tokens issued by this process's /oidc, for Meridian's own services: JWTs
 * (RFC 9068, `typ: at+jwt`) verified with the provider's own published keys, no HTTP round trip;
 * opaque tokens looked up in the provider's store on each use, so a revoked or expired one is
 * refused at once. The audience must be Meridian's public URL (or a configured resource).
 */
export class OidcTokenAuthenticator implements Authenticator {
  readonly name = 'oidc';
  private keys = createLocalJWKSet({ keys: [] });

  constructor(private readonly options: OidcAuthenticatorOptions) {}

  /** Called whenever the provider's active keys change (rotation, retirement). */
  setKeys(jwks: JSONWebKeySet): void {
    this.keys = createLocalJWKSet(jwks);
  }

  authenticate(ctx: Context): Subject | null | Promise<Subject | null> {
    const token = credentialsOf(ctx.req.headers.authorization, 'Bearer');
    if (token === null) return null;
    return token.split('.').length === 3 ? this.verifyJwt(ctx, token) : this.verifyOpaque(ctx, token);
  }

  challenge(): string {
    return bearerChallenge(this.options.realm);
  }

  private issuerForRequest(ctx: Context): string {
    return `${ctx.state.baseUrl as string}${this.options.mountPath}`;
  }

  private audiencesFor(ctx: Context, issuer?: string): string[] {
    const own = [ctx.state.baseUrl as string, ...this.options.resources];
    return issuer ? [...own, meridianResourceOf(issuer, this.options.mountPath)] : own;
  }

  /** Null for a JWT of another issuer: the chain's `jwt` authenticators (Keycloak...) judge those. */
  private async verifyJwt(ctx: Context, token: string): Promise<Subject | null> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      throw this.invalid('The token is malformed');
    }
    const issuer = typeof claims.iss === 'string' ? claims.iss : '';
    // Not ours: left to the rest of the chain, which refuses it when nobody trusts its issuer.
    if (issuer !== this.issuerForRequest(ctx) && ![...this.options.knownIssuers()].includes(issuer)) return null;
    if (typeof header.alg !== 'string' || !SIGNING_ALGS.includes(header.alg)) throw this.invalid(`Signature algorithm ${String(header.alg)} is not accepted`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer,
        audience: this.audiencesFor(ctx, issuer),
        algorithms: SIGNING_ALGS,
        typ: 'at+jwt',
        clockTolerance: this.options.clockToleranceSec ?? 5,
        requiredClaims: ['exp', 'sub', 'client_id'],
      }));
    } catch (err) {
      throw this.mapError(err);
    }
    return authenticatedSubject({
      id: payload.sub!,
      issuer,
      method: 'oidc',
      groups: Array.isArray(payload.groups) ? payload.groups.filter((g): g is string => typeof g === 'string') : [],
      claims: payload as Record<string, unknown>,
    });
  }

  private async verifyOpaque(ctx: Context, token: string): Promise<Subject> {
    if (!/^[A-Za-z0-9_-]{20,255}$/.test(token)) throw this.invalid('The token is malformed');
    const stored = await findAccessToken(this.options.db, token);
    if (!stored) throw this.invalid('The token is not active');
    const audiences = this.audiencesFor(ctx, stored.iss as string | undefined);
    const aud = stored.aud;
    if (!(Array.isArray(aud) ? aud : [aud]).some((a) => typeof a === 'string' && audiences.includes(a))) throw this.invalid('The token is not for this service');
    const accountId = typeof stored.accountId === 'string' ? stored.accountId : undefined;
    const clientId = String(stored.clientId ?? '');
    // Groups as the account has them now: an opaque token is checked on every use.
    const user = accountId ? await getUser(this.options.db, accountId) : null;
    if (accountId && !user) throw this.invalid('The account no longer exists');
    const clientGroups = (stored.extra as { groups?: unknown } | undefined)?.groups;
    return authenticatedSubject({
      id: accountId ?? clientId,
      issuer: this.issuerForRequest(ctx),
      method: 'oidc',
      groups: user ? user.groups : Array.isArray(clientGroups) ? clientGroups.filter((g): g is string => typeof g === 'string') : [],
      claims: { sub: accountId ?? clientId, client_id: clientId, scope: stored.scope, aud },
    });
  }

  private invalid(description: string): Unauthenticated {
    return new Unauthenticated(`Invalid access token: ${description}`, bearerChallenge(this.options.realm, 'invalid_token', description));
  }

  private mapError(err: unknown): Unauthenticated {
    if (err instanceof errors.JWTExpired) return this.invalid('The token has expired');
    if (err instanceof errors.JWTClaimValidationFailed) return this.invalid(`The ${err.claim} claim is missing or not accepted`);
    if (err instanceof errors.JWSSignatureVerificationFailed) return this.invalid('The signature does not verify');
    if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return this.invalid('No key of the issuer matches the token');
    if (err instanceof errors.JOSEAlgNotAllowed) return this.invalid('The signature algorithm is not accepted');
    return this.invalid('The token is malformed');
  }
}
