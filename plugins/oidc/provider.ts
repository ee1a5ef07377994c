import Provider, { errors, type Configuration, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { JWK } from 'jose';
import { getUser } from '../../core/auth/users.js';
import type { Database } from '../../core/storage/db/types.js';
import { CLAIMS_BY_SCOPE, findAccountIn } from './accounts.js';
import { configClientMetadata, type ClientSecretVerifier } from './clients.js';
import type { OidcConfig } from './config.js';
import { errorPage, loggedOutPage, logoutPage, PAGE_HEADERS } from './pages.js';
import { CLIENT_GROUPS, meridianResourceOf, SIGNING_ALGS } from './resources.js';
import type { Adapter } from 'oidc-provider';


export interface ProviderDeps {
  config: OidcConfig;
  db: Database;
  adapter: new (name: string) => Adapter;
  jwks: JWK[];
  cookieKey: Buffer;
  verifier: ClientSecretVerifier;
  /** Clients whose consent may be skipped (config and CLI clients) when the config says so. */
  isTrustedClient(clientId: string): Promise<boolean>;
}

/** Every scope the provider knows; all but openid and offline_access are also Meridian's resource scopes. */
export function scopesOf(config: OidcConfig): string[] {
  return [...new Set(['openid', 'offline_access', ...Object.keys(CLAIMS_BY_SCOPE), ...config.scopes])];
}


/**
 * One oidc-provider instance for one issuer URL (the public base URL + mount path). The
 * provider's state is all in the database adapter, so instances for other base URLs, other
 * processes or a restart share it.
 */
export function buildProvider(issuer: string, mountPath: string, deps: ProviderDeps): Provider {
  const { config } = deps;
  const issuerPath = new URL(issuer).pathname.replace(/\/+$/, '');
  const meridianResource = meridianResourceOf(issuer, mountPath);
  const resources = new Map<string, 'jwt' | 'opaque'>([[meridianResource, config.accessTokenFormat], ...config.resources.map((r) => [r.indicator, r.accessTokenFormat ?? config.accessTokenFormat] as const)]);
  const resourceScopes = scopesOf(config).filter((s) => s !== 'openid' && s !== 'offline_access').join(' ');

  const configuration: Configuration = {
    adapter: deps.adapter,
    clients: config.clients.map(configClientMetadata) as unknown as Configuration['clients'],
    findAccount: findAccountIn(deps.db),
    claims: { ...CLAIMS_BY_SCOPE, acr: null, sid: null, auth_time: null, iss: null } as Configuration['claims'],
    scopes: scopesOf(config),
    jwks: { keys: deps.jwks as NonNullable<Configuration['jwks']>['keys'] },
    cookies: {
      keys: [deps.cookieKey.toString('base64url')],
      long: { signed: true, httpOnly: true, sameSite: 'lax', path: issuerPath || '/' },
      short: { signed: true, httpOnly: true, sameSite: 'lax', path: issuerPath || '/' },
    },
    // Browser clients (SPAs) may call the token, userinfo and revocation endpoints from the origins of their redirect URIs.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false,
    // Only comparisons of the secret: what lets secrets be stored hashed (clients.ts).
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: config.signingAlg,
    },
    enabledJWA: {
      idTokenSigningAlgValues: SIGNING_ALGS,
      userinfoSigningAlgValues: SIGNING_ALGS,
      introspectionSigningAlgValues: SIGNING_ALGS,
      authorizationSigningAlgValues: SIGNING_ALGS,
      requestObjectSigningAlgValues: SIGNING_ALGS,
      clientAuthSigningAlgValues: SIGNING_ALGS,
    } as Configuration['enabledJWA'],
    responseTypes: ['code'],
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: config.ttl.accessToken,
      AuthorizationCode: config.ttl.authorizationCode,
      ClientCredentials: config.ttl.clientCredentials,
      IdToken: config.ttl.idToken,
      RefreshToken: config.ttl.refreshToken,
      Interaction: config.ttl.interaction,
      Session: config.ttl.session,
      Grant: config.ttl.grant,
    },
    interactions: { url: (_ctx, interaction) => `${issuerPath}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // RFC 7662: a confidential client (a resource server) may introspect any token; a public
      // client only its own, as it could otherwise probe tokens it was never given.
      introspection: {
        enabled: true,
        allowedPolicy: async (ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === ctx.oidc.client?.clientId,
      },
      // RFC 7009 2.1: only the client a token was issued to may revoke it.
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      userinfo: { enabled: true },
      registration: config.registration.enabled
        ? { enabled: true, ...(config.registration.initialAccessToken ? { initialAccessToken: config.registration.initialAccessToken } : { initialAccessToken: false }) }
        : { enabled: false },
      registrationManagement: { enabled: config.registration.enabled },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.set(PAGE_HEADERS);
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.set(PAGE_HEADERS);
          ctx.type = 'html';
          ctx.body = loggedOutPage(ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId);
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => {
          if (oneOf) return oneOf.includes(meridianResource) ? meridianResource : oneOf[0]!;
          return config.defaultResource ? meridianResource : (undefined as unknown as string);
        },
        useGrantedResource: () => config.defaultResource,
        getResourceServerInfo: (_ctx, indicator): ResourceServer => {
          const format = resources.get(indicator);
          if (!format) throw new errors.InvalidTarget(`${indicator} is not a resource of this server`);
          return {
            scope: resourceScopes,
            audience: indicator,
            accessTokenTTL: config.ttl.accessToken,
            accessTokenFormat: format,
            ...(format === 'jwt' ? { jwt: { sign: { alg: config.signingAlg } } } : {}),
          };
        },
      },
    },
    // Groups of a client acting for itself (client credentials): set in config or by the CLI,
    // never by dynamic registration (anyone could register a client of group admin).
    extraClientMetadata: {
      properties: [CLIENT_GROUPS],
      validator: (ctx, key, value) => {
        if (value === undefined) return;
        if (ctx) throw new errors.InvalidClientMetadata(`${key} cannot be set by client registration`);
        if (!Array.isArray(value) || value.some((g) => typeof g !== 'string' || g === '')) throw new errors.InvalidClientMetadata(`${key} must be an array of group names`);
      },
    },
    // The groups in access tokens (RFC 9068 2.2.3.1): the account's, or for client credentials the
    // client's. Opaque tokens keep them as `extra`; for accounts the authenticator reads them anew.
    extraTokenClaims: async (ctx, token) => {
      const { accountId, clientId } = token as { accountId?: string; clientId?: string };
      if (accountId) {
        const user = await getUser(deps.db, accountId);
        return user ? { groups: user.groups } : undefined;
      }
      const client = clientId ? await ctx.oidc.provider.Client.find(clientId) : undefined;
      const groups = (client as unknown as Record<string, unknown> | undefined)?.[CLIENT_GROUPS];
      return Array.isArray(groups) && groups.length ? { groups } : undefined;
    },
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      // First-party clients need no consent page: the grant is made as the request asks.
      if (config.skipConsentForTrustedClients && (await deps.isTrustedClient(ctx.oidc.client!.clientId))) {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
        grant.addOIDCScope(ctx.oidc.requestParamScopes.has('openid') ? [...ctx.oidc.requestParamScopes].filter((s) => scopesOf(config).includes(s)).join(' ') : 'openid');
        grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
        for (const indicator of Object.keys(ctx.oidc.resourceServers ?? {})) grant.addResourceScope(indicator, [...ctx.oidc.requestParamScopes].filter((s) => resourceScopes.split(' ').includes(s)).join(' '));
        await grant.save();
        return grant;
      }
      return undefined;
    },
    renderError: (ctx, out) => {
      ctx.set(PAGE_HEADERS);
      ctx.type = 'html';
      ctx.body = errorPage('Login error', `${out.error}${out.error_description ? `: ${out.error_description}` : ''}`);
    },
    discovery: { service_documentation: `${meridianResource}/`, claim_types_supported: ['normal'] },
  };

  const provider = new Provider(issuer, configuration);
  // The core's edge middleware worked out the public URL; the plugin passes it on as forwarded headers.
  provider.proxy = true;
  const verifier = deps.verifier;
  Object.defineProperty(provider.Client.prototype, 'compareClientSecret', {
    value: function compareClientSecret(this: { clientId: string; clientSecret?: string }, actual: string) {
      return verifier.matches(this.clientId, this.clientSecret, actual);
    },
  });
  return provider;
}
