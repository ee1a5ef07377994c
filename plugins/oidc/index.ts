/**
 * The OpenID Connect provider (login service) at /oidc, built on oidc-provider (see README.md):
 * discovery, keys, authorization/token/userinfo/introspection/revocation/registration/logout
 * endpoints from oidc-provider; login, consent and upstream-login pages, the admin API and the
 * authenticator that lets every Meridian service accept the tokens from this plugin.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { MeridianError } from '../../core/errors.js';
import type { ErrorEncoder, Plugin, PluginContext } from '../../core/plugin.js';
import { createAdapterClass, deleteExpired } from './adapter.js';
import { addAdminRoutes } from './admin.js';
import { OidcTokenAuthenticator } from './authenticator.js';
import { ClientSecretVerifier, ClientStore } from './clients.js';
import { oidcCommands } from './commands.js';
import { oidcConfigSchema, resolveConfig, type OidcConfig } from './config.js';
import { CsrfTokens } from './csrf.js';
import { KeyStore } from './keys.js';
import { LoginLimiter } from './login-limiter.js';
import { oidcMigrations } from './migrations.js';
import { errorPage, PAGE_HEADERS } from './pages.js';
import { providerSecret } from './provider-secrets.js';
import { Upstream } from './upstreams.js';

/** Providers kept at once, one per public base URL seen (a fixed publicUrl makes it one). */
const MAX_PROVIDERS = 16;

const CONFORMANCE = [
  'http://openid.net/specs/openid-connect-core-1_0.html',
  'http://openid.net/specs/openid-connect-discovery-1_0.html',
  'http://openid.net/specs/openid-connect-registration-1_0.html',
  'http://openid.net/specs/openid-connect-rpinitiated-1_0.html',
  'https://www.rfc-editor.org/rfc/rfc7636',
  'https://www.rfc-editor.org/rfc/rfc7009',
  'https://www.rfc-editor.org/rfc/rfc7662',
  'https://www.rfc-editor.org/rfc/rfc8707',
  'https://www.rfc-editor.org/rfc/rfc9068',
];

/** Errors of Meridian's own /oidc routes: HTML pages for the browser ones, OAuth JSON otherwise. */
const oidcErrorEncoder: ErrorEncoder = (err: MeridianError, ctx: Context) => {
  ctx.status = err.status;
  ctx.set('Cache-Control', 'no-store');
  const message = err.expose ? err.message : 'Internal server error';
  if (/\/(interaction|upstream)\//.test(ctx.path)) {
    ctx.set(PAGE_HEADERS);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = errorPage(err.status === 403 ? 'Request refused' : 'Login error', message);
    return;
  }
  ctx.type = 'application/json';
  ctx.body = { error: err.status === 401 ? 'invalid_token' : err.status === 403 ? 'access_denied' : err.status >= 500 ? 'server_error' : 'invalid_request', error_description: message };
};

const plugin: Plugin<Partial<OidcConfig>> = {
  name: 'oidc',
  version: '0.1.0',
  description: 'OpenID Connect provider: login service, tokens for every Meridian service, upstream identity providers',
  configSchema: oidcConfigSchema,
  defaultPath: '/oidc',
  migrations: oidcMigrations,
  commands: oidcCommands,
  async setup(ctx: PluginContext<Partial<OidcConfig>>) {
    // oidc-provider is loaded only by a platform that runs this plugin, not by every `meridian` command.
    const [{ buildProvider }, { addInteractionRoutes }] = await Promise.all([import('./provider.js'), import('./interactions.js')]);
    const config = resolveConfig(ctx.config);
    const { db, secrets, logger, mountPath } = ctx;
    const keys = new KeyStore(db, secrets);
    await keys.ensure(config.signingAlg);
    const clients = new ClientStore(db);
    const Adapter = createAdapterClass(db, secrets, clients);
    const [cookieKey, csrfKey] = await Promise.all([providerSecret(db, secrets, 'cookies'), providerSecret(db, secrets, 'csrf')]);
    const verifier = new ClientSecretVerifier();
    const configClientIds = new Set(config.clients.map((c) => c.client_id));
    const isTrustedClient = async (id: string) => configClientIds.has(id) || (await clients.find(id)) !== undefined;

    const providers = new Map<string, { provider: Provider; callback: ReturnType<Provider['callback']> }>();
    let jwks = await keys.privateJwks();
    let keysVersion = await keys.version();

    const authenticator = new OidcTokenAuthenticator({
      db,
      // The chain's realm (auth.realm), when the hooks say it (the core's do).
      realm: (ctx.auth as { config?: { realm?: string } }).config?.realm ?? 'meridian',
      mountPath,
      resources: config.resources.map((r) => r.indicator),
      knownIssuers: () => providers.keys(),
      clockToleranceSec: config.clockToleranceSec,
    });
    const publish = async () => authenticator.setKeys({ keys: (await keys.active()).map((k) => k.publicJwk) });
    await publish();
    // First in the chain: it claims only tokens of its own issuers, so a configured `jwt` entry
    // for another issuer never sees (and refuses) them, and it passes every other token on.
    ctx.auth.addAuthenticator(authenticator, { first: true });

    /** Picks up keys added or retired by this process or another (the CLI, another replica). */
    const refreshKeys = async (force = false) => {
      const version = await keys.version();
      if (!force && version === keysVersion) return;
      jwks = await keys.privateJwks();
      keysVersion = version;
      providers.clear();
      await publish();
      logger.info({ keys: version.split(',').length }, 'signing keys changed');
    };

    const providerFor = async (k: Context) => {
      const base = k.state.baseUrl as string;
      const issuer = `${base}${mountPath}`;
      // The provider trusts forwarded headers (provider.proxy); they are set here from the core's
      // public URL, never taken from the client.
      const url = new URL(base);
      k.req.headers['x-forwarded-proto'] = url.protocol.slice(0, -1);
      k.req.headers['x-forwarded-host'] = url.host;
      k.req.headers['x-forwarded-for'] = k.ip;
      let entry = providers.get(issuer);
      if (!entry) {
        const provider = buildProvider(issuer, mountPath, { config, db, adapter: Adapter, jwks, cookieKey, verifier, isTrustedClient });
        provider.on('server_error', (_c: unknown, err: Error) => logger.error({ err }, 'oidc-provider server error'));
        // Errors reaching oidc-provider's own Koa app: logged like the core's, never printed raw.
        (provider as unknown as NodeJS.EventEmitter).on('error', (err: Error) => logger.error({ err }, 'oidc-provider request error'));
        entry = { provider, callback: provider.callback() };
        if (providers.size >= MAX_PROVIDERS) providers.delete(providers.keys().next().value!);
        providers.set(issuer, entry);
      }
      return { provider: entry.provider, issuer, callback: entry.callback };
    };

    const router = new Router();
    addInteractionRoutes(router, {
      db,
      csrf: new CsrfTokens(csrfKey),
      limiter: new LoginLimiter(config.loginRateLimit),
      upstreams: new Map(config.upstreams.map((u) => [u.id, new Upstream(u)])),
      upstreamStates: new Adapter('UpstreamLogin'),
      providerFor,
      logger,
    });
    addAdminRoutes(router, { db, keys, clients, signingAlg: config.signingAlg, authenticate: (k) => ctx.auth.authenticate(k), auth: ctx.auth, refreshKeys: () => refreshKeys(true) });
    // Everything else is oidc-provider's: it answers on the raw request, under the issuer's path.
    router.all('/*rest', async (k) => {
      const { callback } = await providerFor(k);
      const prefix = new URL(k.state.baseUrl as string).pathname.replace(/\/+$/, '');
      const raw = k.req.url ?? '/';
      (k.req as { originalUrl?: string }).originalUrl = `${prefix}${raw}`;
      k.req.url = raw.slice(mountPath.length) || '/';
      k.respond = false;
      try {
        await callback(k.req, k.res);
      } finally {
        // The access log and metrics read the request's path afterwards: the one the client sent.
        k.req.url = raw;
      }
    });

    const timers = [
      setInterval(() => void refreshKeys().catch((err: unknown) => logger.warn({ err }, 'cannot read the signing keys')), config.keyRefreshSec * 1000),
      ...(config.cleanupIntervalSec > 0
        ? [setInterval(() => void deleteExpired(db).catch((err: unknown) => logger.warn({ err }, 'cannot delete expired OIDC artefacts')), config.cleanupIntervalSec * 1000)]
        : []),
    ];
    for (const t of timers) t.unref();

    return {
      routes: router,
      // OAuth endpoints carry the client's credentials in Authorization (Basic client_id:secret,
      // Bearer registration tokens), which the core's chain would take as a user's and refuse;
      // the admin routes authenticate themselves.
      authentication: 'self',
      errorEncoder: oidcErrorEncoder,
      conformsTo: CONFORMANCE,
      services: [
        {
          type: 'OpenID Connect',
          versions: ['1.0'],
          title: 'OpenID Connect provider (login service)',
          url: mountPath || '/',
          capabilitiesUrl: `${mountPath}/.well-known/openid-configuration`,
          conformsTo: CONFORMANCE,
        },
      ],
      async close() {
        for (const t of timers) clearInterval(t);
        providers.clear();
      },
    };
  },
};

export default plugin;
