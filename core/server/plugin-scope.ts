import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { MeridianAuthHooks } from '../auth/index.js';
import type { Subject } from '../auth/types.js';
import { NotFound } from '../errors.js';
import type { PluginInstance } from '../plugin.js';
import { problemJson, renderError } from './middleware/error-boundary.js';
import { routeDispatch } from './route-dispatch.js';

export interface MountedPlugin {
  name: string;
  /** '' for the root of its own listener. */
  mountPath: string;
  middleware: Middleware;
}

/**
 * The chain a request to one plugin runs through: scope state, the plugin's error encoder,
 * authentication (so a bad credential is refused in the plugin's own format), its routes, and
 * a 404/405 in that format when nothing matched.
 */
export function pluginScope(
  name: string,
  mountPath: string,
  instance: PluginInstance,
  options: { auth: Pick<MeridianAuthHooks, 'chain'>; logger: Logger; bodyLimit: number },
): MountedPlugin {
  const encoder = instance.errorEncoder ?? problemJson;
  const selfAuthenticating = instance.authentication === 'self';
  if (instance.routes && mountPath) instance.routes.prefix(mountPath);
  const routes = instance.routes ? routeDispatch(instance.routes) : undefined;
  const allowed = instance.routes?.allowedMethods({ throw: true }) as unknown as Middleware | undefined;
  // Scope state, error rendering, authentication, the routes (then their 405/501 check, which
  // the router reaches only when no route answered) and the 404 check in one function: this runs
  // on every request to the plugin, and each layer of a composed chain costs a closure and a
  // promise.
  const middleware: Middleware = async (ctx, next) => {
    ctx.state.plugin = name;
    ctx.state.mountPath = mountPath;
    ctx.state.bodyLimit = options.bodyLimit;
    try {
      if (selfAuthenticating) delete ctx.state.subject;
      else {
        // The chain answers synchronously for a remembered token or no credentials: no promise turn then.
        const subject = options.auth.chain.authenticate(ctx);
        ctx.state.subject = isPromise(subject) ? await subject : subject;
      }
      await (routes ? routes(ctx, () => allowed!(ctx, next)) : next());
      if (ctx.response.status === 404 && ctx.response.body == null) throw new NotFound(`No resource at ${ctx.path}`);
    } catch (thrown) {
      renderError(thrown, ctx, encoder, options.logger);
    }
  };
  return { name, mountPath, middleware };
}

/** Sends each request to the plugin with the longest matching mount path, else to `fallback`. */
export function dispatcher(mounted: MountedPlugin[], fallback: Middleware): Middleware {
  const byLength = [...mounted].sort((a, b) => b.mountPath.length - a.mountPath.length);
  // Not async: it hands on the promise of the middleware it picks (Koa's compose turns a throw
  // into a rejection), without a promise of its own around it.
  return (ctx, next) => {
    const path = ctx.request.path;
    for (const m of byLength) {
      if (m.mountPath === '' || path === m.mountPath || path.startsWith(`${m.mountPath}/`)) {
        return m.middleware(ctx, next);
      }
    }
    return fallback(ctx, next);
  };
}

function isPromise(value: Subject | Promise<Subject>): value is Promise<Subject> {
  return typeof (value as { then?: unknown }).then === 'function';
}
