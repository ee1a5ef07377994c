import type Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';

/** The parts of a @koa/router layer that dispatching reads. */
interface RouteLayer {
  path: string | RegExp;
  name?: string | null;
  methods: string[];
  paramNames: unknown[];
  stack: Middleware[];
  captures(path: string): string[];
  params(path: string, captures: string[], existing?: Record<string, string>): Record<string, string>;
}

interface MatchResult {
  path: RouteLayer[];
  pathAndMethod: RouteLayer[];
  route: boolean;
}

interface RouterInternals {
  opts: { routerPath?: string; exclusive?: unknown };
  host?: unknown;
  exclusive?: boolean;
  match(path: string, method: string): MatchResult;
  _events?: { _handlers?: Map<unknown, unknown[]> };
}

/** Distinct sets of matched layers whose composed chain is kept. */
const MOST_CHAINS = 1024;

/** A trie over matched layers, in order; `chain` is the composed middleware of the path to it. */
interface ChainNode {
  next: Map<RouteLayer, ChainNode>;
  chain?: Middleware;
}

/**
 * The middleware of a plugin's router: what `router.routes()` does, with the chain of the
 * matched layers composed once per distinct set of layers instead of on every request.
 *
 * @koa/router builds an array of the matched layers' handlers on each request and composes it
 * (a closure and an array per layer), and reads `ctx.host` (parsing the Host header) even when
 * the router matches no host. For a router with no host, no `exclusive`, no `routerPath` and no
 * 'not-found' handlers (every plugin's) this gives the same context (`matched`, `router`,
 * `routeMatched`, `captures`, `params`, `routerPath`, `routerName`, `_matchedRoute`) from the
 * router's own `match`, `captures` and `params`; any other router is served by `router.routes()`.
 */
export function routeDispatch(router: Router): Middleware {
  const r = router as unknown as RouterInternals;
  const handlers = r._events?._handlers;
  const plain = !r.host && !r.exclusive && !r.opts.exclusive && !r.opts.routerPath && handlers instanceof Map && handlers.size === 0;
  if (!plain || typeof r.match !== 'function') return router.routes() as unknown as Middleware;
  // The path a chain's layers capture from, set for the request before its chain runs; its own
  // key per router, so that a nested router's dispatch does not overwrite its parent's.
  const pathKey = Symbol('route path');
  const root: ChainNode = { next: new Map() };
  let chains = 0;

  const layerStep = (layer: RouteLayer): Middleware => {
    // A string path without parameters compiles to a pattern without groups: nothing to capture,
    // so the path is not matched a second time to find that out.
    const capturesNothing = typeof layer.path === 'string' && layer.paramNames.length === 0;
    return (ctx, next) => {
      const c = ctx as typeof ctx & Record<PropertyKey, unknown>;
      const requestPath = c[pathKey] as string;
      const captures = capturesNothing ? [] : layer.captures(requestPath);
      c.captures = captures;
      const params = layer.params(requestPath, captures || [], c.params as Record<string, string> | undefined);
      (c.request as typeof c.request & { params: Record<string, string> }).params = params;
      c.params = params;
      c.routerPath = layer.path;
      c.routerName = layer.name || undefined;
      c._matchedRoute = layer.path;
      if (layer.name) c._matchedRouteName = layer.name;
      return next();
    };
  };
  const build = (layers: RouteLayer[]): Middleware => {
    const steps: Middleware[] = [];
    for (const layer of layers) steps.push(layerStep(layer), ...layer.stack);
    return compose(steps) as unknown as Middleware;
  };
  const chainOf = (layers: RouteLayer[]): Middleware => {
    let node = root;
    for (const layer of layers) {
      let child = node.next.get(layer);
      if (!child) {
        if (chains >= MOST_CHAINS) return build(layers);
        child = { next: new Map() };
        node.next.set(layer, child);
      }
      node = child;
    }
    if (!node.chain) {
      if (chains >= MOST_CHAINS) return build(layers);
      node.chain = build(layers);
      chains++;
    }
    return node.chain;
  };

  const dispatch: Middleware = (ctx, next) => {
    const c = ctx as typeof ctx & Record<PropertyKey, unknown>;
    const requestPath = (c.newRouterPath as string | undefined) || ctx.path || (c.routerPath as string | undefined) || '';
    const matched = r.match(requestPath, ctx.method);
    if (c.matched) (c.matched as RouteLayer[]).push(...matched.path);
    else c.matched = matched.path;
    c.router = router;
    c.routeMatched = matched.route;
    if (!matched.route) return next();
    const layers = matched.pathAndMethod;
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i]!;
      if (layer.methods.length > 0) {
        c._matchedRoute = layer.path;
        if (layer.name) c._matchedRouteName = layer.name;
        break;
      }
    }
    c[pathKey] = requestPath;
    return chainOf(layers)(ctx, next);
  };
  (dispatch as Middleware & { router?: Router }).router = router;
  return dispatch;
}
