import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { CoreMetrics } from '../metrics/metrics.js';
import type { Registry } from '../registry/registry.js';
import type { RegisteredService } from '../registry/types.js';
import { landingHtml } from './landing-html.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

interface CoreRouteDeps {
  title: string;
  version: string;
  registry: Registry;
  metrics: CoreMetrics;
  checks: ReadinessCheck[];
  logger: Logger;
  /** Answers 503 on /ready once shutdown has begun, so balancers stop sending traffic. */
  isStopping(): boolean;
}

/** `/`, `/services`, `/conformance`, `/openapi.json`, `/health`, `/ready`, `/metrics`. */
export function coreRoutes(deps: CoreRouteDeps): Router {
  const router = new Router();
  const base = (ctx: Context) => ctx.state.baseUrl as string;

  router.get('/', (ctx) => {
    const services = deps.registry.services().map((s) => absoluteService(ctx, s));
    if (wantsJson(ctx)) {
      ctx.body = {
        title: deps.title,
        description: 'Meridian Earth Observation platform server',
        version: deps.version,
        links: [
          { rel: 'self', type: 'application/json', title: 'This document', href: `${base(ctx)}/?f=json` },
          { rel: 'alternate', type: 'text/html', title: 'This document as HTML', href: `${base(ctx)}/?f=html` },
          { rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0', title: 'OpenAPI document', href: `${base(ctx)}/openapi.json` },
          { rel: 'conformance', type: 'application/json', title: 'Conformance classes', href: `${base(ctx)}/conformance` },
          { rel: 'http://www.opengis.net/def/rel/ogc/1.0/service-meta', type: 'application/json', title: 'Services', href: `${base(ctx)}/services` },
          ...services.map((s) => ({ rel: 'service', type: 'text/html', title: s.title, href: s.url })),
        ],
        services,
      };
      return;
    }
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = landingHtml(deps.title, deps.version, base(ctx), services, deps.registry.conformance());
  });

  router.get('/services', (ctx) => {
    ctx.body = {
      services: deps.registry.services().map((s) => absoluteService(ctx, s)),
    };
  });

  router.get('/conformance', (ctx) => {
    ctx.body = { conformsTo: deps.registry.conformance() };
  });

  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/vnd.oai.openapi+json;version=3.0';
    ctx.body = deps.registry.openapi(base(ctx));
  });

  router.get('/health', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  router.get('/ready', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const results = await Promise.all(
      deps.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), 5000);
          return { name: c.name, status: 'ok' as const };
        } catch (err) {
          deps.logger.warn({ check: c.name, err }, 'readiness check failed');
          // The reason is logged, not shown: it may hold connection strings.
          return { name: c.name, status: 'failing' as const };
        }
      }),
    );
    const ready = !deps.isStopping() && results.every((r) => r.status === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : deps.isStopping() ? 'stopping' : 'not ready', checks: results };
  });

  router.get('/metrics', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });

  return router;
}

function wantsJson(ctx: Context): boolean {
  const f = ctx.query.f;
  if (f === 'json') return true;
  if (f === 'html') return false;
  return ctx.accepts('text/html', 'application/json') === 'application/json';
}

/** A service's URL as a client must use it: relative URLs resolve against the public base, or the plugin's own port. */
function absoluteService(ctx: Context, s: RegisteredService) {
  const base = s.port !== undefined ? `${ctx.protocol}://${ctx.hostname}:${s.port}` : (ctx.state.baseUrl as string);
  return { ...s, url: absolute(base, s.url), capabilitiesUrl: s.capabilitiesUrl && absolute(base, s.capabilitiesUrl) };
}

function absolute(baseUrl: string, url: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `${baseUrl}${url.startsWith('/') ? '' : '/'}${url}`;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
