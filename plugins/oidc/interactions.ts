import type Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type Adapter, type InteractionResults } from 'oidc-provider';
import { verifyUserPassword } from '../../core/auth/users.js';
import { MeridianError } from '../../core/errors.js';
import { readText } from '../../core/server/body.js';
import type { Database } from '../../core/storage/db/types.js';
import type { CsrfTokens } from './csrf.js';
import type { LoginLimiter } from './login-limiter.js';
import { consentPage, errorPage, loginPage, PAGE_HEADERS } from './pages.js';
import { accountForUpstream, Upstream, UpstreamError, type UpstreamLoginState } from './upstreams.js';

/** What the interaction routes need from the plugin. */
export interface InteractionDeps {
  db: Database;
  csrf: CsrfTokens;
  limiter: LoginLimiter;
  upstreams: Map<string, Upstream>;
  /** Remembers upstream logins in progress (by state), in the provider's store. */
  upstreamStates: Adapter;
  /** The provider for this request's issuer, with the request prepared for it. */
  providerFor(ctx: Context): Promise<{ provider: Provider; issuer: string }>;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const FORM_LIMIT = 16 * 1024;
const UPSTREAM_STATE_TTL_SEC = 600;

/** An HTML page as the answer (interaction routes answer browsers). */
function page(ctx: Context, status: number, html: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set(PAGE_HEADERS);
  ctx.body = html;
}

async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new MeridianError(415, 'Forms are posted as application/x-www-form-urlencoded', { code: 'UnsupportedMediaType' });
  return new URLSearchParams(await readText(ctx, { limit: FORM_LIMIT }));
}

/** The interaction named in the URL, which must be the one of the browser's interaction cookie. */
async function interactionOf(ctx: Context, provider: Provider) {
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    if (err instanceof errors.SessionNotFound) throw new MeridianError(400, 'This login has expired or was opened in another browser; go back to the application and start again', { code: 'SessionNotFound' });
    throw err;
  }
  if (details.uid !== ctx.params.uid) throw new MeridianError(400, 'This login page belongs to another login in progress; go back to the application and start again', { code: 'InteractionMismatch' });
  return details;
}

/** Hands the result to oidc-provider, which answers with the redirect back to the authorization endpoint. */
async function finish(ctx: Context, provider: Provider, result: InteractionResults, merge: boolean): Promise<void> {
  ctx.respond = false;
  await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
}

/**
 * The login service's pages between the authorization request and its answer: login (password
 * or an upstream issuer), consent, cancel. Every form carries a CSRF token bound to the
 * interaction; failed logins are rate limited per account and per address.
 */
export function addInteractionRoutes(router: Router, deps: InteractionDeps): void {
  const base = (issuer: string, uid: string) => `${new URL(issuer).pathname.replace(/\/+$/, '')}/interaction/${encodeURIComponent(uid)}`;

  const renderLogin = async (ctx: Context, provider: Provider, issuer: string, uid: string, clientId: string, status: number, extra: { username?: string; error?: string } = {}) => {
    const client = await provider.Client.find(clientId);
    page(
      ctx,
      status,
      loginPage({
        action: `${base(issuer, uid)}/login`,
        upstreamAction: (id) => `${base(issuer, uid)}/upstream/${encodeURIComponent(id)}`,
        csrf: deps.csrf.issue(uid),
        clientName: client?.clientName ?? clientId,
        upstreams: [...deps.upstreams.values()].map((u) => ({ id: u.config.id, name: u.config.name })),
        abortAction: `${base(issuer, uid)}/abort`,
        ...extra,
      }),
    );
  };

  const requireCsrf = (ctx: Context, form: URLSearchParams) => {
    if (!deps.csrf.verify(ctx.params.uid!, form.get('csrf'))) {
      throw new MeridianError(403, 'The form was not sent from this login page (missing or wrong CSRF token); reload the page and try again', { code: 'CsrfTokenInvalid' });
    }
  };

  router.get('/interaction/:uid', async (ctx) => {
    const { provider, issuer } = await deps.providerFor(ctx);
    const details = await interactionOf(ctx, provider);
    const clientId = String(details.params.client_id);
    if (details.prompt.name === 'login') return renderLogin(ctx, provider, issuer, details.uid, clientId, 200, { username: typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined });
    if (details.prompt.name === 'consent') {
      const client = await provider.Client.find(clientId);
      const d = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      return page(
        ctx,
        200,
        consentPage({
          action: `${base(issuer, details.uid)}/confirm`,
          csrf: deps.csrf.issue(details.uid),
          clientName: client?.clientName ?? clientId,
          account: String(details.session?.accountId ?? ''),
          scopes: d.missingOIDCScope ?? [],
          claims: d.missingOIDCClaims ?? [],
          resources: Object.keys(d.missingResourceScopes ?? {}),
        }),
      );
    }
    throw new MeridianError(400, `Unknown interaction prompt ${details.prompt.name}`, { code: 'InvalidRequest' });
  });

  router.post('/interaction/:uid/login', async (ctx) => {
    const { provider, issuer } = await deps.providerFor(ctx);
    const details = await interactionOf(ctx, provider);
    const form = await readForm(ctx);
    requireCsrf(ctx, form);
    if (details.prompt.name !== 'login') throw new MeridianError(400, 'This login does not ask for a password now', { code: 'InvalidRequest' });
    const username = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    const clientId = String(details.params.client_id);
    const wait = deps.limiter.retryAfter(username, ctx.ip);
    if (wait > 0) {
      ctx.set('Retry-After', String(wait));
      return renderLogin(ctx, provider, issuer, details.uid, clientId, 429, { username, error: `Too many failed logins. Try again in ${wait} seconds.` });
    }
    const user = username && password ? await verifyUserPassword(deps.db, username, password) : null;
    if (!user) {
      deps.limiter.recordFailure(username, ctx.ip);
      deps.logger.info({ account: username, ip: ctx.ip }, 'failed login');
      return renderLogin(ctx, provider, issuer, details.uid, clientId, 401, { username, error: 'The user name or password is wrong.' });
    }
    deps.limiter.recordSuccess(username);
    await finish(ctx, provider, { login: { accountId: user.name, amr: ['pwd'] } }, false);
  });

  router.post('/interaction/:uid/confirm', async (ctx) => {
    const { provider } = await deps.providerFor(ctx);
    const details = await interactionOf(ctx, provider);
    const form = await readForm(ctx);
    requireCsrf(ctx, form);
    if (details.prompt.name !== 'consent') throw new MeridianError(400, 'This login does not ask for consent now', { code: 'InvalidRequest' });
    if (form.get('decision') !== 'allow') {
      return finish(ctx, provider, { error: 'access_denied', error_description: 'The user denied access' }, false);
    }
    const d = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({ accountId: String(details.session!.accountId), clientId: String(details.params.client_id) });
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await finish(ctx, provider, { consent: details.grantId ? {} : { grantId } }, true);
  });

  router.post('/interaction/:uid/abort', async (ctx) => {
    const { provider } = await deps.providerFor(ctx);
    await interactionOf(ctx, provider);
    requireCsrf(ctx, await readForm(ctx));
    await finish(ctx, provider, { error: 'access_denied', error_description: 'The user cancelled the login' }, false);
  });

  // "Log in with …": out to the upstream issuer...
  router.post('/interaction/:uid/upstream/:upstream', async (ctx) => {
    const { provider, issuer } = await deps.providerFor(ctx);
    const details = await interactionOf(ctx, provider);
    requireCsrf(ctx, await readForm(ctx));
    const upstream = deps.upstreams.get(ctx.params.upstream!);
    if (!upstream) throw new MeridianError(404, `No upstream identity provider ${ctx.params.upstream}`, { code: 'NotFound' });
    try {
      const redirectUri = `${issuer}/upstream/${encodeURIComponent(upstream.config.id)}/callback`;
      const { url, state, remember } = await upstream.start(details.uid, redirectUri);
      await deps.upstreamStates.upsert(state, remember as never, UPSTREAM_STATE_TTL_SEC);
      ctx.status = 303;
      ctx.redirect(url);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      deps.logger.warn({ err, upstream: upstream.config.id }, 'upstream identity provider unavailable');
      return renderLogin(ctx, provider, issuer, details.uid, String(details.params.client_id), 502, { error: `${upstream.config.name} cannot be reached now.` });
    }
  });

  // ...back at the registered redirect URI, which has no interaction in it (nor its cookie's path):
  // on to the interaction the state names.
  router.get('/upstream/:upstream/callback', async (ctx) => {
    const { issuer } = await deps.providerFor(ctx);
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const remembered = state ? ((await deps.upstreamStates.find(state)) as unknown as UpstreamLoginState | undefined) : undefined;
    if (!remembered || remembered.upstream !== ctx.params.upstream) {
      return page(ctx, 400, errorPage('Login error', 'This answer from the identity provider is unknown or expired; go back to the application and start again.'));
    }
    ctx.status = 303;
    ctx.redirect(`${base(issuer, remembered.uid)}/upstream/${encodeURIComponent(remembered.upstream)}/finish?${ctx.querystring}`);
  });

  router.get('/interaction/:uid/upstream/:upstream/finish', async (ctx) => {
    const { provider, issuer } = await deps.providerFor(ctx);
    const details = await interactionOf(ctx, provider);
    const upstream = deps.upstreams.get(ctx.params.upstream!);
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const remembered = state ? ((await deps.upstreamStates.find(state)) as unknown as UpstreamLoginState | undefined) : undefined;
    // One use per state: a replayed callback finds nothing.
    if (state) await deps.upstreamStates.destroy(state);
    const clientId = String(details.params.client_id);
    if (!upstream || !remembered || remembered.uid !== details.uid || remembered.upstream !== upstream.config.id) {
      return renderLogin(ctx, provider, issuer, details.uid, clientId, 400, { error: 'The answer from the identity provider does not belong to this login.' });
    }
    if (typeof ctx.query.error === 'string') {
      return renderLogin(ctx, provider, issuer, details.uid, clientId, 401, { error: `${upstream.config.name} did not log you in (${ctx.query.error}).` });
    }
    const code = typeof ctx.query.code === 'string' ? ctx.query.code : '';
    try {
      const claims = await upstream.finish(code, remembered);
      const { user, created } = await accountForUpstream(deps.db, upstream.config, claims);
      deps.logger.info({ account: user.name, upstream: upstream.config.id, created }, created ? 'account created by an upstream login' : 'upstream login');
      await finish(ctx, provider, { login: { accountId: user.name, amr: ['fed'] } }, false);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      deps.logger.warn({ err, upstream: upstream.config.id }, 'upstream login failed');
      return renderLogin(ctx, provider, issuer, details.uid, clientId, 401, { error: `${upstream.config.name} did not log you in.` });
    }
  });
}
