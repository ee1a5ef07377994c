import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware } from 'koa';
import type { Logger } from 'pino';
import { createAccessLogger, type AccessLogDestination, type AccessLogger } from '../access-logger.js';
import type { LoadedConfig } from '../config/load.js';
import { NotFound } from '../errors.js';
import { createMetrics, type CoreMetrics } from '../metrics/metrics.js';
import type { PluginContext, PluginInstance } from '../plugin.js';
import { orderPlugins } from '../loader/order.js';
import { Registry } from '../registry/registry.js';
import { coreRoutes, type ReadinessCheck } from './core-routes.js';
import { edge } from './middleware/edge.js';
import { requestListener } from './request-listener.js';
import { errorBoundary, problemJson } from './middleware/error-boundary.js';
import { dispatcher, pluginScope, type MountedPlugin } from './plugin-scope.js';
import { loadSampleData } from './sample-data.js';
import { openStores, type ProcessRole, type Stores } from './stores.js';
import { trackConnections, type ConnectionTracker } from './shutdown.js';
import { MERIDIAN_VERSION } from '../version.js';

export interface RunningPlugin {
  name: string;
  version: string;
  mountPath: string;
  listen?: number;
  instance: PluginInstance;
}

export interface Meridian {
  loaded: LoadedConfig;
  logger: Logger;
  stores: Stores;
  registry: Registry;
  metrics: CoreMetrics;
  plugins: RunningPlugin[];
  /** The main Koa application (every plugin without a listener of its own). */
  app: Koa;
  /** A service an enabled plugin provides (for CLI commands and embedding); throws when none does. */
  service<T = unknown>(name: string): T;
  /** Binds the main listener and the plugins' own listeners; returns their ports by name ('main', plugin names). */
  listen(): Promise<Record<string, number>>;
  /** Stops accepting, drains in-flight requests within the bound, closes plugins in reverse order, then the stores. */
  close(): Promise<void>;
}

/** Builds the platform from a loaded config: stores, plugins in dependency order, the Koa apps. */
export interface AssembleOptions {
  /** Where access-log lines go: a file descriptor, a path or a stream; default: stdout, written asynchronously. */
  accessLogDestination?: AccessLogDestination;
}

export async function assemble(loaded: LoadedConfig, logger: Logger, role: ProcessRole = 'serve', options: AssembleOptions = {}): Promise<Meridian> {
  const { config } = loaded;
  // Opened only when kept: a disabled access log has no destination.
  const access = config.log.access ? createAccessLogger(config.log, options.accessLogDestination) : undefined;
  const { order } = orderPlugins(
    loaded.plugins.map((p) => p.plugin),
    loaded.disabledProviders,
  );
  const byName = new Map(loaded.plugins.map((p) => [p.plugin.name, p]));
  const stores = await openStores(config, loaded.plugins, logger, role);
  const registry = new Registry({ title: 'Meridian', version: MERIDIAN_VERSION });
  const metrics = createMetrics();
  metrics.watchJobs(stores.jobs);
  const provided = new Map<string, unknown>();
  const running: RunningPlugin[] = [];
  let stopping = false;

  const closePlugins = async () => {
    for (const p of [...running].reverse()) {
      try {
        await p.instance.close?.();
      } catch (err) {
        logger.error({ err, plugin: p.name }, 'plugin failed to close');
      }
    }
  };

  try {
    for (const plugin of order) {
      const entry = byName.get(plugin.name)!;
      const declared = new Set([...(plugin.requires ?? []), ...(plugin.optionalRequires ?? [])]);
      const context: PluginContext = {
        name: plugin.name,
        config: entry.config,
        mountPath: entry.mountPath,
        baseUrl: (ctx) => `${ctx.state.baseUrl as string}${entry.mountPath}`,
        dataDir: config.dataDir,
        db: stores.db,
        blobs: stores.blobs,
        jobs: stores.jobs,
        auth: stores.auth,
        secrets: stores.secrets,
        logger: logger.child({ plugin: plugin.name }),
        metrics,
        registry,
        service<T>(name: string): T {
          if (!declared.has(name)) throw new Error(`plugin '${plugin.name}' asks for service '${name}' without declaring it in requires`);
          if (!provided.has(name)) throw new Error(`service '${name}' is not available to plugin '${plugin.name}'`);
          return provided.get(name) as T;
        },
        hasService: (name) => declared.has(name) && provided.has(name),
      };
      const instance = await plugin.setup(context);
      for (const service of plugin.provides ?? []) {
        if (!instance.provide || !(service in instance.provide)) {
          throw new Error(`plugin '${plugin.name}' declares it provides '${service}' but its setup returned no implementation`);
        }
        provided.set(service, instance.provide[service]);
      }
      if (instance.services) registry.addServices(plugin.name, instance.services.map((s) => (entry.core.listen !== undefined ? { ...s, port: entry.core.listen } : s)));
      if (instance.conformsTo) registry.addConformance(plugin.name, instance.conformsTo);
      if (instance.openapi) registry.addOpenAPI(plugin.name, entry.mountPath, instance.openapi);
      running.push({ name: plugin.name, version: plugin.version, mountPath: entry.mountPath, listen: entry.core.listen, instance });
      logger.info({ plugin: plugin.name, version: plugin.version, path: entry.core.listen ? `:${entry.core.listen}/` : entry.mountPath || '/' }, 'plugin ready');
    }
    registry.seal();
    // A decision point a plugin registered exists only now; a type nobody registered stops start-up.
    await stores.auth.ready();
    if (config.sampleData && role === 'serve') await loadSampleData(stores.db, running, logger);
  } catch (err) {
    await closePlugins();
    await stores.close();
    throw err;
  }

  const checks: ReadinessCheck[] = [
    { name: 'database', check: () => stores.db.ping() },
    { name: 'blobs', check: () => stores.blobs.ping() },
    { name: 'jobs', check: () => stores.jobs.ping() },
    ...running.filter((p) => p.instance.ready).map((p) => ({ name: `plugin:${p.name}`, check: () => p.instance.ready!() })),
  ];
  const core = coreRoutes({ title: 'Meridian', version: MERIDIAN_VERSION, registry, metrics, checks, logger, isStopping: () => stopping });
  const coreChain: Middleware = errorBoundaryWith404(core.routes() as unknown as Middleware, logger);
  const bodyLimitOf = (name: string) => byName.get(name)?.core.bodyLimit ?? config.server.bodyLimit;
  const scope = (p: RunningPlugin) =>
    pluginScope(p.name, p.listen !== undefined ? '' : p.mountPath, p.instance, { auth: stores.auth, logger, bodyLimit: bodyLimitOf(p.name) });

  const mainMounted: MountedPlugin[] = running.filter((p) => p.listen === undefined).map(scope);
  const accessLog = access?.enabled ? access : undefined;
  const main = buildApp(config, logger, accessLog, metrics, dispatcher(mainMounted, coreChain));
  const extraApps = running
    .filter((p) => p.listen !== undefined)
    .map((p) => ({ name: p.name, port: p.listen!, built: buildApp(config, logger, accessLog, metrics, scope(p).middleware) }));

  const servers: Array<{ name: string; server: Server; tracker: ConnectionTracker }> = [];

  return {
    loaded,
    logger,
    stores,
    registry,
    metrics,
    plugins: running,
    app: main.app,
    service<T>(name: string): T {
      if (!provided.has(name)) throw new Error(`no enabled plugin provides the service '${name}'`);
      return provided.get(name) as T;
    },
    async listen() {
      const ports: Record<string, number> = {};
      const bind = async (name: string, built: BuiltApp, port: number) => {
        const server = createServer({ requestTimeout: config.server.requestTimeoutMs }, built.listener);
        const tracker = trackConnections(server);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, config.server.host, () => {
            server.off('error', reject);
            resolve();
          });
        });
        servers.push({ name, server, tracker });
        ports[name] = (server.address() as AddressInfo).port;
      };
      await bind('main', main, config.server.port);
      for (const extra of extraApps) await bind(extra.name, extra.built, extra.port);
      if (role !== 'cli') {
        await stores.jobs.start();
      }
      return ports;
    },
    async close() {
      stopping = true;
      await Promise.all(servers.map((s) => s.tracker.drain(config.server.shutdownTimeoutMs)));
      await closePlugins();
      await stores.close();
      access?.close();
    },
  };
}

/** A Koa app and the request listener that serves it (see request-listener.ts). */
interface BuiltApp {
  app: Koa;
  listener: RequestListener;
}

function buildApp(config: LoadedConfig['config'], logger: Logger, accessLog: AccessLogger | undefined, metrics: CoreMetrics, handler: Middleware): BuiltApp {
  const app = new Koa({ proxy: config.server.trustProxy });
  // Errors reaching Koa itself (a stream failing after headers were sent) are logged, not printed.
  app.silent = true;
  app.on('error', (err: Error, ctx?: Koa.Context) => {
    if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || (err as NodeJS.ErrnoException).code === 'EPIPE') return;
    logger.error({ err, reqId: ctx?.state?.requestId }, 'unhandled request error');
  });
  const atEdge = edge({ server: config.server, metrics, accessLog });
  // Also the app's own middleware, so that `app.callback()` serves the same chain to an embedder.
  app.use(atEdge);
  app.use(handler);
  return { app, listener: requestListener(app, atEdge, handler) };
}

function errorBoundaryWith404(routes: Middleware, logger: Logger): Middleware {
  const boundary = errorBoundary(problemJson, logger);
  return (ctx, next) =>
    boundary(ctx, async () => {
      await routes(ctx, next);
      if (ctx.status === 404 && ctx.body == null) throw new NotFound(`No resource at ${ctx.path}`);
    });
}
