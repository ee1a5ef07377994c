/**
 * The `pdp` plugin: the built-in XACML 3.0 PDP (xacml/), its REST profile entry point and
 * decision resource, policy administration per domain, ownership and sharing, attribute
 * finders; registers the `xacml` decision point with the core (see README.md).
 */
import type { Context } from 'koa';
import type { Plugin } from '../../core/plugin.js';
import { pdpCommands } from './commands.js';
import { decisionPointOptions, pdpConfigSchema, type PdpConfig } from './config.js';
import { createXacmlDecisionPoint, decideIn } from './decision-point.js';
import { Domains } from './domains.js';
import { pdpErrorEncoder } from './error-encoder.js';
import { pdpMigrations } from './migrations.js';
import { Ownership } from './ownership/ownership.js';
import { PolicyAdministration } from './pap/administration.js';
import { AttributeFinderRegistry } from './pips/registry.js';
import { OwnerCache } from './pips/resource-owner.js';
import type { ResourceKey } from './ownership/store.js';
import { subjectGroupsFinder } from './pips/subject-groups.js';
import { pdpRoutes } from './routes.js';
import type { PdpService } from './service.js';

const plugin: Plugin<PdpConfig> = {
  name: 'pdp',
  version: '0.1.0',
  description: 'XACML 3.0 policy decision point (REST and JSON profiles), policy administration per domain, resource ownership and sharing',
  defaultPath: '/pdp',
  provides: ['pdp'],
  configSchema: pdpConfigSchema,
  migrations: pdpMigrations,
  commands: pdpCommands,
  async setup(ctx) {
    const config = ctx.config;
    const finders = new AttributeFinderRegistry();
    // Resources whose engine keeps the owner (catalogue records, feature collections) need no lifecycle record.
    const engineOwner = (key: ResourceKey) => ctx.auth.ownerOf({ ...(key.service ? { service: key.service } : {}), type: key.type, id: key.id });
    const owners = new OwnerCache(ctx.db.knex, config.ownerCacheSize, engineOwner);
    const domains = new Domains({
      db: ctx.db,
      logger: ctx.logger,
      finders,
      builtinFinders: [subjectGroupsFinder(ctx.db, config.groupIssuers, config.groupCacheMs)],
      owners,
      maxMultipleDecisions: config.maxMultipleDecisions,
      pollIntervalMs: config.pollIntervalMs,
      // Cached decisions may rest on the old policies or owners.
      onChange: () => ctx.auth.invalidateDecisions(),
    });
    const pap = new PolicyAdministration(ctx.db, domains);
    const ownership = new Ownership(ctx.db, domains, pap, config.defaultDomain, ctx.logger, engineOwner);

    // The default domain compiles now: a stored policy that no longer compiles stops start-up.
    await domains.get(config.defaultDomain);
    // The core makes the configured decision point after every plugin's setup (auth.ready()),
    // so registering here is in time whatever the plugin order; the factory waits for the
    // domain's policies, so no decision is made before they are loaded.
    ctx.auth.registerDecisionPoint('xacml', async (pointConfig) => {
      const { domain } = decisionPointOptions(pointConfig, config.defaultDomain);
      await domains.get(domain);
      return createXacmlDecisionPoint(domains, domain);
    });
    ctx.auth.onResourceLifecycle(ownership.listener());
    domains.start();

    const service: PdpService = {
      defaultDomain: config.defaultDomain,
      registerAttributeFinder: (finder) => finders.add(finder),
      evaluate: (request, domain = config.defaultDomain) => domains.evaluate(domain, request),
      decide: (request, domain = config.defaultDomain) => decideIn(domains, domain, request),
      policies: pap,
      ownership,
    };

    return {
      provide: { pdp: service },
      routes: pdpRoutes({
        auth: ctx.auth,
        domains,
        pap,
        ownership,
        defaultDomain: config.defaultDomain,
        maxRequestBytes: config.maxRequestBytes,
        maxPolicyBytes: config.maxPolicyBytes,
        baseUrl: (k: Context) => ctx.baseUrl(k),
      }),
      errorEncoder: pdpErrorEncoder,
      services: [
        {
          type: 'XACML PDP',
          versions: ['3.0'],
          title: 'XACML 3.0 policy decision point and policy administration',
          url: ctx.mountPath || '/',
          description: 'REST Profile home resource, decisions in XACML XML or the JSON Profile, policies per domain with versions, resource sharing',
        },
      ],
      async close() {
        domains.close();
      },
    };
  },
};

export default plugin;
export type { PdpService } from './service.js';
export type { AttributeFinder } from './xacml/index.js';
