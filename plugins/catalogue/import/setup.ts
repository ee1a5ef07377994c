/** What the catalogue plugin's setup does for imports: the job type, and the routes to mount. */
import type Router from '@koa/router';
import type { PluginContext } from '../../../core/plugin.js';
import type { CatalogueService } from '../types.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_DOCUMENT_BYTES, registerImportJob, type ImportLimits } from './job.js';
import { registerImportRoutes } from './routes.js';

/** `plugins.catalogue.import`: limits of imports started over HTTP. */
export const importConfigSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Limits of imports started through POST /catalogue/import.',
  properties: {
    maxDocumentBytes: { type: 'integer', minimum: 1024, default: DEFAULT_MAX_DOCUMENT_BYTES, description: 'Largest metadata document read (remote or uploaded), in bytes.' },
    maxSources: { type: 'integer', minimum: 1, default: 100000, description: 'Most documents and GeoTIFFs one import visits.' },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: DEFAULT_CONCURRENCY, description: 'Sources one import reads at once.' },
    timeoutMs: { type: 'integer', minimum: 100, default: 30000, description: 'Time allowed for each HTTP request.' },
    allowPrivateNetworks: { type: 'boolean', default: false, description: 'Let imports over HTTP reach hosts on internal networks (loopback, private, link-local); off, they reach public hosts only.' },
  },
} as const;

export interface ImportSetup {
  /** Adds the import routes (POST /import, GET /import/{id}...) to the catalogue's router. */
  routes(router: Router): void;
}

export function setupImport(ctx: PluginContext<{ import?: Partial<ImportLimits> }>, catalogue: CatalogueService): ImportSetup {
  const given = ctx.config.import ?? {};
  const limits: ImportLimits = {
    maxDocumentBytes: given.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
    maxSources: given.maxSources ?? 100000,
    concurrency: given.concurrency ?? DEFAULT_CONCURRENCY,
    timeoutMs: given.timeoutMs ?? 30000,
    allowPrivateNetworks: given.allowPrivateNetworks ?? false,
  };
  registerImportJob({ catalogue, db: ctx.db, blobs: ctx.blobs, jobs: ctx.jobs, logger: ctx.logger, limits });
  return {
    routes: (router) => registerImportRoutes(router, { catalogue, jobs: ctx.jobs, blobs: ctx.blobs, auth: ctx.auth, baseUrl: (c) => ctx.baseUrl(c), limits }),
  };
}
