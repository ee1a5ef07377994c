/**
 * The PAP's REST API under /pdp/domains/{domain}: policies with versions, activation, the
 * domain's root. Only administrators of the domain may use it (enforced through the policy:
 * resource {type: policy, service: pdp, id: domain}, action administer).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthHooks, Subject } from '../../../core/auth/types.js';
import { BadRequest, MeridianError, NotFound } from '../../../core/errors.js';
import { readText } from '../../../core/server/body.js';
import { DOMAIN_PATTERN } from '../config.js';
import { readJsonObject } from '../rest/json-body.js';
import { XACML_XML } from '../rest/media.js';
import type { PolicyAdministration, PolicySummary } from './administration.js';

export interface PapRouteDeps {
  auth: AuthHooks;
  pap: PolicyAdministration;
  maxPolicyBytes: number;
  baseUrl(ctx: Context): string;
}

const domainPattern = new RegExp(DOMAIN_PATTERN);

/** The domain of the path, after checking the caller administers it. */
export async function administeredDomain(ctx: Context, auth: AuthHooks): Promise<string> {
  const domain = String(ctx.params.domain);
  if (!domainPattern.test(domain)) throw new NotFound(`'${domain}' is not a domain name`);
  await auth.enforce(ctx, { type: 'policy', service: 'pdp', id: domain, attributes: { domain } }, 'administer');
  return domain;
}

function subjectId(ctx: Context): string | undefined {
  const subject = ctx.state.subject as Subject | undefined;
  return subject && !subject.anonymous ? subject.id : undefined;
}

export function papRoutes(router: Router, deps: PapRouteDeps): void {
  const { auth, pap } = deps;
  const policyUrl = (ctx: Context, domain: string, id: string, version?: string) =>
    `${deps.baseUrl(ctx)}/domains/${encodeURIComponent(domain)}/policies/${encodeURIComponent(id)}${version !== undefined ? `/${encodeURIComponent(version)}` : ''}`;
  const withLinks = (ctx: Context, domain: string, s: PolicySummary) => ({
    ...s,
    links: [{ rel: 'self', href: policyUrl(ctx, domain, s.policyId) }, ...s.versions.map((v) => ({ rel: 'version', href: policyUrl(ctx, domain, s.policyId, v), title: v }))],
  });

  router.get('/domains/:domain/policies', async (ctx) => {
    const domain = await administeredDomain(ctx, auth);
    const policies = await pap.list(domain);
    ctx.body = { domain, policies: policies.map((p) => withLinks(ctx, domain, p)) };
  });

  // A new Policy or PolicySet version; its PolicyId/PolicySetId and Version come from the document.
  router.post('/domains/:domain/policies', async (ctx) => {
    const domain = await administeredDomain(ctx, auth);
    const type = (ctx.get('Content-Type').split(';')[0] ?? '').trim().toLowerCase();
    if (type && ![XACML_XML, 'application/xml', 'text/xml'].includes(type)) {
      throw new MeridianError(415, `Send the policy as ${XACML_XML} or application/xml`, { code: 'UnsupportedMediaType' });
    }
    const xml = await readText(ctx, { limit: deps.maxPolicyBytes });
    if (xml.trim() === '') throw new BadRequest('The body must be a XACML Policy or PolicySet');
    const stored = await pap.add(domain, xml, subjectId(ctx));
    if (ctx.query.activate === 'true') await pap.activate(domain, stored.policyId, stored.version);
    const { policy } = await pap.versions(domain, stored.policyId);
    ctx.status = 201;
    ctx.set('Location', policyUrl(ctx, domain, stored.policyId, stored.version));
    ctx.body = { domain, policyId: stored.policyId, version: stored.version, kind: stored.kind, ...(policy.active ? { active: policy.active } : {}) };
  });

  router.get('/domains/:domain/policies/:id', async (ctx) => {
    const domain = await administeredDomain(ctx, auth);
    const { policy, versions } = await pap.versions(domain, String(ctx.params.id));
    ctx.body = {
      domain,
      ...withLinks(ctx, domain, policy),
      versions: versions.map((v) => ({ version: v.version, createdAt: v.createdAt, ...(v.createdBy ? { createdBy: v.createdBy } : {}), active: v.version === policy.active, href: policyUrl(ctx, domain, v.policyId, v.version) })),
    };
  });

  router.get('/domains/:domain/policies/:id/:version', async (ctx) => {
    const domain = await administeredDomain(ctx, auth);
    const policy = await pap.get(domain, String(ctx.params.id), String(ctx.params.version));
    ctx.type = XACML_XML;
    ctx.body = policy.xml;
  });

  router.delete('/domains/:domain/policies/:id', async (ctx) => {
    const domain = await administeredDomain(ctx, auth);
    await pap.remove(domain, String(ctx.params.id));
    ctx.status = 204;
  });

  // Before the version route, which would take 'active' for a version.
  router.delete('/domains/:domain/policies/:id/active', async (ctx) => {
    const domain = await administeredDomain(ctx, auth);
    await pap.deactivate(domain, String(ctx.params.id));
    ctx.status = 204;
  });

  router.delete('/domains/:domain/policies/:id/:version', async (ctx) => {
    const domain = await administeredDomain(ctx, auth);
    await pap.remove(domain, String(ctx.params.id), String(ctx.params.version));
    ctx.status = 204;
  });

  // Makes this version the active one of its policy ('latest' for the newest).
  router.post('/domains/:domain/policies/:id/:version/activate', async (ctx) => {
    const domain = await administeredDomain(ctx, auth);
    await pap.activate(domain, String(ctx.params.id), String(ctx.params.version));
    ctx.body = { domain, ...(await pap.root(domain)) };
  });

  router.get('/domains/:domain/root', async (ctx) => {
    const domain = await administeredDomain(ctx, auth);
    const root = await pap.root(domain);
    ctx.body = { domain, ...root };
  });

  // { policies: [{ policyId, version }], combiningAlgorithm?, includeDefaults? }: the active versions, in order.
  router.put('/domains/:domain/root', async (ctx) => {
    const domain = await administeredDomain(ctx, auth);
    const body = await readJsonObject(ctx, deps.maxPolicyBytes);
    const list = body.policies;
    if (!Array.isArray(list)) throw new BadRequest('policies must be a list of { policyId, version }');
    const policies = list.map((p, i) => {
      const entry = p as Record<string, unknown>;
      if (typeof entry?.policyId !== 'string' || typeof entry.version !== 'string') throw new BadRequest(`policies[${i}] must be { policyId, version } (strings)`);
      return { policyId: entry.policyId, version: entry.version };
    });
    if (body.combiningAlgorithm !== undefined && typeof body.combiningAlgorithm !== 'string') throw new BadRequest('combiningAlgorithm must be a string');
    if (body.includeDefaults !== undefined && typeof body.includeDefaults !== 'boolean') throw new BadRequest('includeDefaults must be true or false');
    const root = await pap.setRoot(domain, {
      policies,
      ...(typeof body.combiningAlgorithm === 'string' ? { combiningAlgorithm: body.combiningAlgorithm } : {}),
      ...(typeof body.includeDefaults === 'boolean' ? { includeDefaults: body.includeDefaults } : {}),
    });
    ctx.body = { domain, ...root };
  });
}
