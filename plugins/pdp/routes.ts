/** Every route of the plugin, under its mount path (/pdp). */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthHooks } from '../../core/auth/types.js';
import { NotFound } from '../../core/errors.js';
import { DOMAIN_PATTERN } from './config.js';
import type { Domains } from './domains.js';
import type { Ownership } from './ownership/ownership.js';
import { shareRoutes } from './ownership/routes.js';
import type { PolicyAdministration } from './pap/administration.js';
import { papRoutes } from './pap/routes.js';
import { decide } from './rest/decision.js';
import { homeResource } from './rest/home.js';

export interface PdpRouteDeps {
  auth: AuthHooks;
  domains: Domains;
  pap: PolicyAdministration;
  ownership: Ownership;
  defaultDomain: string;
  maxRequestBytes: number;
  maxPolicyBytes: number;
  baseUrl(ctx: Context): string;
}

export function pdpRoutes(deps: PdpRouteDeps): Router {
  const router = new Router();
  const domainPattern = new RegExp(DOMAIN_PATTERN);
  router.get('/', (ctx) => homeResource(ctx, deps.baseUrl(ctx)));
  router.post('/decision', (ctx) => decide(ctx, deps, deps.defaultDomain));
  router.post('/domains/:domain/decision', (ctx) => {
    const domain = String(ctx.params.domain);
    if (!domainPattern.test(domain)) throw new NotFound(`'${domain}' is not a domain name`);
    return decide(ctx, deps, domain);
  });
  papRoutes(router, { auth: deps.auth, pap: deps.pap, maxPolicyBytes: deps.maxPolicyBytes, baseUrl: deps.baseUrl });
  shareRoutes(router, { auth: deps.auth, ownership: deps.ownership, maxBodyBytes: 65536 });
  return router;
}
