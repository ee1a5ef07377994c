import compose from 'koa-compose';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AuthHooks } from '../auth/types.js';
import { NotFound } from '../errors.js';
import type { PluginInstance } from '../plugin.js';
import { problemJson, renderError } from './middleware/error-boundary.js';

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
  options: { auth: AuthHooks; logger: Logger; bodyLimit: number },
): MountedPlugin {
  const encoder = instance.errorEncoder ?? problemJson;
  // Scope state, error rendering, authentication and the 404 check in one step: this runs on
  // every request to the plugin, and each extra middleware layer costs a promise and a closure.
  const enter: Middleware = async (ctx, next) => {
    ctx.state.plugin = name;
    ctx.state.mountPath = mountPath;
    ctx.state.bodyLimit = options.bodyLimit;
    try {
      ctx.state.subject = await options.auth.authenticate(ctx);
      await next();
      if (ctx.status === 404 && ctx.body == null) throw new NotFound(`No resource at ${ctx.path}`);
    } catch (thrown) {
      renderError(thrown, ctx, encoder, options.logger);
    }
  };
  const chain: Middleware[] = [enter];
  if (instance.routes) {
    if (mountPath) instance.routes.prefix(mountPath);
    chain.push(instance.routes.routes() as unknown as Middleware, instance.routes.allowedMethods({ throw: true }) as unknown as Middleware);
  }
  return { name, mountPath, middleware: compose(chain) };
}

/** Sends each request to the plugin with the longest matching mount path, else to `fallback`. */
export function dispatcher(mounted: MountedPlugin[], fallback: Middleware): Middleware {
  const byLength = [...mounted].sort((a, b) => b.mountPath.length - a.mountPath.length);
  return async (ctx, next) => {
    const path = ctx.path;
    for (const m of byLength) {
      if (m.mountPath === '' || path === m.mountPath || path.startsWith(`${m.mountPath}/`)) {
        return m.middleware(ctx, next);
      }
    }
    return fallback(ctx, next);
  };
}
