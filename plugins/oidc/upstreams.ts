import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { createUser, findUserByIdentity, getUser, linkIdentity, type LocalUser } from '../../core/auth/users.js';
import type { Database } from '../../core/storage/db/types.js';
import type { UpstreamConfig } from './config.js';

/** The parts of an upstream's discovery document a code flow needs. */
interface UpstreamMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
}

/** What a login through an upstream remembers between the redirect out and the way back. */
export interface UpstreamLoginState {
  uid: string;
  upstream: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
}

export class UpstreamError extends Error {}

const FETCH_TIMEOUT_MS = 10_000;
const DISCOVERY_TTL_MS = 3600_000;

/**
 * The relying-party side of "Log in with …": the authorization code flow with PKCE, state and
 * nonce against an upstream OpenID Connect issuer, its ID token verified against its JWKS. The
 * upstream account (issuer, sub) is linked to a local account, made on first login.
 */
export class Upstream {
  private metadata?: { value: UpstreamMetadata; at: number };
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(readonly config: UpstreamConfig) {}

  async discover(): Promise<UpstreamMetadata> {
    if (this.metadata && Date.now() - this.metadata.at < DISCOVERY_TTL_MS) return this.metadata.value;
    const url = `${this.config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { Accept: 'application/json' } }).catch((err: Error) => {
      throw new UpstreamError(`cannot reach ${url}: ${err.message}`);
    });
    if (!res.ok) throw new UpstreamError(`${url} answered ${res.status}`);
    const value = (await res.json()) as UpstreamMetadata;
    // OpenID Connect Discovery 4.3: the issuer in the document must be the one configured.
    if (value.issuer !== this.config.issuer) throw new UpstreamError(`${url} names issuer ${value.issuer}, not ${this.config.issuer}`);
    for (const k of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
      if (typeof value[k] !== 'string') throw new UpstreamError(`${url} has no ${k}`);
    }
    this.metadata = { value, at: Date.now() };
    this.jwks = createRemoteJWKSet(new URL(value.jwks_uri), { timeoutDuration: FETCH_TIMEOUT_MS });
    return value;
  }

  /** The URL to send the browser to, and what to remember (keyed by the returned state). */
  async start(uid: string, redirectUri: string): Promise<{ url: string; state: string; remember: UpstreamLoginState }> {
    const metadata = await this.discover();
    const state = randomBytes(24).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    const codeVerifier = randomBytes(32).toString('base64url');
    const url = new URL(metadata.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', this.config.scope ?? 'openid email profile');
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', createHash('sha256').update(codeVerifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    return { url: url.href, state, remember: { uid, upstream: this.config.id, codeVerifier, nonce, redirectUri } };
  }

  /** Exchanges the code and verifies the ID token; returns its claims. */
  async finish(code: string, remembered: UpstreamLoginState): Promise<JWTPayload & { sub: string }> {
    const metadata = await this.discover();
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: remembered.redirectUri, code_verifier: remembered.codeVerifier });
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
    if (this.config.clientSecret !== undefined) {
      const basic = `${encodeURIComponent(this.config.clientId)}:${encodeURIComponent(this.config.clientSecret)}`;
      headers.Authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    } else {
      body.set('client_id', this.config.clientId);
    }
    const res = await fetch(metadata.token_endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch((err: Error) => {
      throw new UpstreamError(`cannot reach the token endpoint of ${this.config.issuer}: ${err.message}`);
    });
    const tokens = (await res.json().catch(() => ({}))) as { id_token?: string; access_token?: string; error?: string; error_description?: string };
    if (!res.ok || typeof tokens.id_token !== 'string') {
      throw new UpstreamError(`the token endpoint of ${this.config.issuer} refused the code: ${tokens.error ?? res.status} ${tokens.error_description ?? ''}`.trim());
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(tokens.id_token, this.jwks!, {
        issuer: this.config.issuer,
        audience: this.config.clientId,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA', 'RS384', 'RS512', 'PS384', 'PS512', 'ES384', 'ES512'],
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (err) {
      throw new UpstreamError(`the ID token of ${this.config.issuer} does not verify: ${(err as Error).message}`);
    }
    if (payload.nonce !== remembered.nonce) throw new UpstreamError(`the ID token of ${this.config.issuer} carries another nonce`);
    return { ...(await this.userinfo(metadata, tokens.access_token, payload.sub!)), ...payload } as JWTPayload & { sub: string };
  }

  /**
   * Claims from the userinfo endpoint (many issuers put email and profile claims there rather
   * than in the ID token); only when its `sub` is the ID token's (OpenID Connect Core 5.3.2).
   * Missing or failing: no extra claims, the ID token's suffice to log in.
   */
  private async userinfo(metadata: UpstreamMetadata, accessToken: string | undefined, sub: string): Promise<Record<string, unknown>> {
    if (!accessToken || !metadata.userinfo_endpoint) return {};
    try {
      const res = await fetch(metadata.userinfo_endpoint, { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return {};
      const claims = (await res.json()) as Record<string, unknown>;
      return claims.sub === sub ? claims : {};
    } catch {
      return {};
    }
  }
}

/**
 * The local account linked to the upstream identity; on its first login, a new account (named
 * after preferred_username or the email's local part, made unique) linked to it.
 */
export async function accountForUpstream(db: Database, upstream: UpstreamConfig, claims: JWTPayload & { sub: string }): Promise<{ user: LocalUser; created: boolean }> {
  const linked = await findUserByIdentity(db, upstream.issuer, claims.sub);
  if (linked) return { user: linked, created: false };
  const wanted = typeof claims.preferred_username === 'string' ? claims.preferred_username : typeof claims.email === 'string' ? claims.email.split('@')[0]! : `${upstream.id}-${claims.sub}`;
  const base = wanted.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 150) || `${upstream.id}-user`;
  const attributes: Record<string, unknown> = { upstream: upstream.id };
  for (const k of ['email', 'email_verified', 'name', 'given_name', 'family_name', 'locale']) if (claims[k] !== undefined) attributes[k] = claims[k];
  for (let n = 0; n < 100; n++) {
    const name = n === 0 ? base : `${base}-${n + 1}`;
    if (await getUser(db, name)) continue;
    try {
      const user = await createUser(db, { name, groups: upstream.groups ?? [], attributes });
      await linkIdentity(db, { issuer: upstream.issuer, subject: claims.sub, user: name });
      return { user, created: true };
    } catch (err) {
      // Lost a race for the name (try the next) or for the identity (someone linked it first).
      const again = await findUserByIdentity(db, upstream.issuer, claims.sub);
      if (again) return { user: again, created: false };
      if (!(await getUser(db, name))) throw err;
    }
  }
  throw new UpstreamError(`no free account name for ${base}`);
}
