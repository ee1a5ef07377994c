import type { JSONSchema } from '../../core/plugin.js';

/** An upstream OpenID Connect issuer users may log in with ("Log in with …"). */
export interface UpstreamConfig {
  /** Short name in URLs and in linked identities' records: 'eoepca', 'google'. */
  id: string;
  /** The upstream's issuer URL (its discovery document is at issuer + /.well-known/openid-configuration). */
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Shown on the button: "Log in with NAME". */
  name: string;
  /** Scopes asked of the upstream; default 'openid email profile'. */
  scope?: string;
  /** Groups given to accounts this upstream creates. */
  groups?: string[];
}

/** A client from config, in OAuth client metadata (RFC 7591) terms. */
export interface ClientConfig {
  client_id: string;
  /** Plain secret; prefer client_secret_hash (from `meridian oidc client add` or hashSecret). */
  client_secret?: string;
  /** An scrypt hash of the secret (`scrypt$N$r$p$salt$hash`); then only client_secret_basic/post verify. */
  client_secret_hash?: string;
  [metadata: string]: unknown;
}

export interface OidcConfig {
  /** Clients registered in config (see also `meridian oidc client add`). */
  clients: ClientConfig[];
  /** Upstream issuers for "Log in with …". */
  upstreams: UpstreamConfig[];
  /** OpenID Connect Dynamic Client Registration (RFC 7591) at /oidc/reg. */
  registration: { enabled: boolean; initialAccessToken?: string };
  /** Token lifetimes, seconds. */
  ttl: { accessToken: number; idToken: number; refreshToken: number; authorizationCode: number; clientCredentials: number; session: number; interaction: number; grant: number };
  /** Format of access tokens for Meridian's services: RFC 9068 JWTs (default) or opaque (introspected on each use). */
  accessTokenFormat: 'jwt' | 'opaque';
  /**
   * Resource indicators (RFC 8707) accepted besides Meridian's own public URL, which is the
   * default resource: tokens for it are accepted by every Meridian service.
   */
  resources: Array<{ indicator: string; accessTokenFormat?: 'jwt' | 'opaque' }>;
  /** When true (default) requests without `resource` get tokens for Meridian's URL; false: OAuth's default (a userinfo-only token). */
  defaultResource: boolean;
  /** Scopes besides openid, offline_access and the standard claim scopes. */
  scopes: string[];
  /** Signing algorithm of new keys (`meridian oidc keys rotate`). */
  signingAlg: 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
  /** How often other processes' key rotations are looked for, seconds. */
  keyRefreshSec: number;
  /** Failed logins allowed per account and per client address within windowSec before 429. */
  loginRateLimit: { perAccount: number; perIp: number; windowSec: number };
  /** Skip the consent page for clients from config or CLI (first-party); dynamic clients always ask. */
  skipConsentForTrustedClients: boolean;
  /** How often expired rows of the provider's store are deleted, seconds (0: never). */
  cleanupIntervalSec: number;
  /** Clock skew allowed on access tokens' exp/nbf by Meridian's services, seconds. */
  clockToleranceSec: number;
}

const ttlSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    ['accessToken', 'idToken', 'refreshToken', 'authorizationCode', 'clientCredentials', 'session', 'interaction', 'grant'].map((k) => [k, { type: 'integer', minimum: 1 }]),
  ),
};

export const oidcConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    clients: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['client_id'],
        properties: {
          client_id: { type: 'string', minLength: 1 },
          client_secret: { type: 'string', minLength: 1 },
          client_secret_hash: { type: 'string', pattern: '^scrypt\\$' },
          redirect_uris: { type: 'array', items: { type: 'string' } },
          grant_types: { type: 'array', items: { type: 'string' } },
          meridian_groups: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'groups of the client in its client_credentials tokens' },
        },
        not: { required: ['client_secret', 'client_secret_hash'] },
      },
    },
    upstreams: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'issuer', 'clientId', 'name'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
          issuer: { type: 'string', pattern: '^https?://' },
          clientId: { type: 'string', minLength: 1 },
          clientSecret: { type: 'string', minLength: 1 },
          name: { type: 'string', minLength: 1 },
          scope: { type: 'string', minLength: 1 },
          groups: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    registration: {
      type: 'object',
      additionalProperties: false,
      default: { enabled: false },
      properties: {
        enabled: { type: 'boolean', default: false },
        initialAccessToken: { type: 'string', minLength: 16, description: 'when set, registration needs Authorization: Bearer <this>' },
      },
    },
    ttl: { ...ttlSchema, default: {} },
    accessTokenFormat: { enum: ['jwt', 'opaque'], default: 'jwt' },
    resources: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['indicator'],
        properties: { indicator: { type: 'string', pattern: '^[a-z][a-z0-9+.-]*:[^#]*$' }, accessTokenFormat: { enum: ['jwt', 'opaque'] } },
      },
    },
    defaultResource: { type: 'boolean', default: true },
    scopes: { type: 'array', items: { type: 'string', pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$' }, default: [] },
    signingAlg: { enum: ['RS256', 'PS256', 'ES256', 'EdDSA'], default: 'RS256' },
    keyRefreshSec: { type: 'integer', minimum: 1, default: 30 },
    loginRateLimit: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        perAccount: { type: 'integer', minimum: 1, default: 5 },
        perIp: { type: 'integer', minimum: 1, default: 20 },
        windowSec: { type: 'integer', minimum: 1, default: 300 },
      },
    },
    skipConsentForTrustedClients: { type: 'boolean', default: false },
    cleanupIntervalSec: { type: 'integer', minimum: 0, default: 600 },
    clockToleranceSec: { type: 'integer', minimum: 0, maximum: 300, default: 5 },
  },
};

export const DEFAULT_TTL: OidcConfig['ttl'] = {
  accessToken: 600,
  idToken: 3600,
  refreshToken: 14 * 24 * 3600,
  authorizationCode: 60,
  clientCredentials: 600,
  session: 14 * 24 * 3600,
  interaction: 3600,
  grant: 14 * 24 * 3600,
};

/** The config with defaults the schema cannot fill in nested objects. */
export function resolveConfig(config: Partial<OidcConfig>): OidcConfig {
  return {
    clients: config.clients ?? [],
    upstreams: config.upstreams ?? [],
    registration: { enabled: false, ...config.registration },
    ttl: { ...DEFAULT_TTL, ...config.ttl },
    accessTokenFormat: config.accessTokenFormat ?? 'jwt',
    resources: config.resources ?? [],
    defaultResource: config.defaultResource ?? true,
    scopes: config.scopes ?? [],
    signingAlg: config.signingAlg ?? 'RS256',
    keyRefreshSec: config.keyRefreshSec ?? 30,
    loginRateLimit: { perAccount: 5, perIp: 20, windowSec: 300, ...config.loginRateLimit },
    skipConsentForTrustedClients: config.skipConsentForTrustedClients ?? false,
    cleanupIntervalSec: config.cleanupIntervalSec ?? 600,
    clockToleranceSec: config.clockToleranceSec ?? 5,
  };
}
