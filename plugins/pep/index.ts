/**
 * The PEP plugin: a reverse proxy that puts any external HTTP service behind the platform's
 * login and policies (see README.md). Each configured service is at `/pep/<name>/`; a request
 * is authenticated by the core chain, its method and path become a resource and an action,
 * the decision point decides, and only a Permit whose obligations are met is forwarded.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { obligationsPermit } from '../../core/auth/obligations.js';
import type { Subject } from '../../core/auth/types.js';
import { BadRequest, Forbidden } from '../../core/errors.js';
import type { Plugin, PluginContext } from '../../core/plugin.js';
import { pepConfigSchema, type PepConfig } from './config.js';
import { forward } from './proxy.js';
import { protectService, type ProtectedService } from './resolve.js';

function hasUnsafeSegment(path: string): boolean {
  return path.split('/').some((segment) => {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return true;
    }
    return decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\');
  });
}

const plugin: Plugin<PepConfig> = {
  name: 'pep',
  version: '0.1.0',
  description: 'Policy enforcement point: a reverse proxy that protects external HTTP services with the platform login and policies',
  defaultPath: '/pep',
  configSchema: pepConfigSchema,
  async setup(pctx: PluginContext<PepConfig>) {
    const services = new Map<string, ProtectedService>();
    for (const entry of pctx.config.services) {
      if (services.has(entry.name)) throw new Error(`plugins.pep.services: '${entry.name}' is configured twice`);
      services.set(entry.name, protectService(entry));
    }
    const routes = new Router();

    const handle = async (ctx: Context, name: string, rest: string) => {
      const service = services.get(name);
      if (!service) return; // 404 from the scope
      const subject = ctx.state.subject as Subject;
      const { resource, action } = service.resolve(ctx.method, rest);
      const decision = await pctx.auth.enforce(ctx, resource, action);
      const properties = { ...resource.attributes, owner: resource.owner ?? null, type: resource.type };
      // Obligations are binding: a filter the resource does not pass, or one we cannot fulfil, denies.
      if (!obligationsPermit(decision.obligations, { id: resource.id, properties }, pctx.logger, 'pep')) throw new Forbidden();
      await forward(ctx, service, rest, subject);
    };

    routes.get('/', (ctx) => {
      ctx.body = { services: [...services.keys()].map((name) => ({ name, href: `${pctx.baseUrl(ctx)}/${name}/` })) };
    });
    // The service prefix itself is redirected to its folder form, as a web server does; every path below it is proxied.
    routes.all(['/:service', '/:service/{*rest}'], async (ctx) => {
      const name = ctx.params.service!;
      const prefix = `${ctx.state.mountPath as string}/${name}`;
      if (ctx.path === prefix) {
        if (services.has(name)) ctx.redirect(`${pctx.baseUrl(ctx)}/${name}/${ctx.search}`);
        return;
      }
      const rest = ctx.path.slice(prefix.length);
      // Path rules decide on the path as written; a dot segment (plain or percent-encoded) would let
      // the upstream resolve it to a path the rules never saw.
      if (hasUnsafeSegment(rest)) throw new BadRequest('The path has a "." or ".." segment or an encoded slash', { code: 'InvalidPath' });
      await handle(ctx, name, rest);
    });
    return {
      routes,
      services: [...services.values()].map((s) => ({ type: 'pep', versions: [], title: `Protected service ${s.config.name}`, url: `${pctx.mountPath}/${s.config.name}/` })),
    };
  },
};

export default plugin;
