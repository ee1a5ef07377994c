/** The processing engine plugin: provides the `processing` service (see README.md). */
import { join, resolve } from 'node:path';
import type { Plugin } from '../../core/plugin.js';
import type { CatalogueService } from '../catalogue/types.js';
import type { S3ObjectsService } from '../s3/types.js';
import { KubernetesBackend } from './backends/kubernetes/backend.js';
import { kubernetesConfigSchema, type KubernetesBackendConfig } from './backends/kubernetes/config.js';
import { LocalBackend } from './backends/local.js';
import type { ExecutionBackend } from './backends/types.js';
import { BUILTIN_PROCESSES } from './builtins/index.js';
import { ProcessingEngine } from './engine.js';
import { createJobHandler, EXECUTE_JOB_TYPE, type ExecutePayload } from './job-runner.js';
import { processingMigrations } from './migrations.js';
import { callbackDocument } from './ogc-documents.js';
import type { ProcessVisibility } from './types.js';

export interface ProcessingConfig {
  backend: 'local' | 'kubernetes';
  cwltool: string;
  containerRuntime: 'none' | 'docker' | 'podman';
  cwltoolArgs: string[];
  workDir?: string;
  keepWorkDirs: boolean;
  builtins: boolean;
  defaultVisibility: ProcessVisibility;
  resultsCollection: string;
  concurrency: number;
  attempts: number;
  fileRoots: string[];
  stageIn: { timeoutMs: number; maxBytes: number; allowPrivateNetworks: boolean };
  callbacks: { timeoutMs: number; maxBytes: number; allowPrivateNetworks: boolean };
  packageFetch: { timeoutMs: number; maxBytes: number; allowPrivateNetworks: boolean };
  kubernetes: KubernetesBackendConfig;
}

const fetchLimitsSchema = (timeoutMs: number, maxBytes: number, what: string) => ({
  type: 'object',
  additionalProperties: false,
  default: {},
  description: what,
  properties: {
    timeoutMs: { type: 'integer', minimum: 100, default: timeoutMs, description: 'Time limit of one fetch, in ms.' },
    maxBytes: { type: 'integer', minimum: 1, default: maxBytes, description: 'Most bytes read.' },
    allowPrivateNetworks: { type: 'boolean', default: false, description: 'Reach hosts on loopback and private networks too (off: only public hosts).' },
  },
});

const plugin: Plugin<ProcessingConfig> = {
  name: 'processing',
  version: '0.1.0',
  description: 'Processing engine: built-in EO processes and deployed CWL application packages, run as jobs with stage-in and stage-out',
  provides: ['processing'],
  optionalRequires: ['catalogue', 's3-objects'],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      backend: { type: 'string', enum: ['local', 'kubernetes'], default: 'local', description: "Where packages run: 'local' (cwltool on this host) or 'kubernetes' (a Kubernetes Job per execution, see the kubernetes section)." },
      cwltool: { type: 'string', minLength: 1, default: 'cwltool', description: 'The cwltool command (local backend).' },
      containerRuntime: { type: 'string', enum: ['none', 'docker', 'podman'], default: 'none', description: "'none' runs tools on the host (cwltool --no-container); docker or podman run DockerRequirement images." },
      cwltoolArgs: { type: 'array', items: { type: 'string' }, default: [], description: 'Extra cwltool arguments.' },
      workDir: { type: 'string', minLength: 1, description: "Folder of the jobs' working areas (default <dataDir>/processing)." },
      keepWorkDirs: { type: 'boolean', default: false, description: 'Keep a job\'s working area after it ends (for debugging).' },
      builtins: { type: 'boolean', default: true, description: 'Offer the built-in processes (ndvi, clip, reproject).' },
      defaultVisibility: { type: 'string', enum: ['private', 'public'], default: 'private', description: 'Visibility of a deployed process whose package does not say.' },
      resultsCollection: { type: 'string', pattern: '^[A-Za-z0-9._:-]+$', default: 'processing-results', description: 'Catalogue collection of the results (when the catalogue is enabled).' },
      concurrency: { type: 'integer', minimum: 1, default: 2, description: 'Jobs one process runs at once (jobs.concurrencyByType["processing.execute"] wins).' },
      attempts: { type: 'integer', minimum: 1, maximum: 10, default: 2, description: 'Tries per job; a try cut short by a restart counts as one, so 2 lets a job interrupted by a restart run again.' },
      fileRoots: { type: 'array', items: { type: 'string', minLength: 1 }, default: [], description: 'Folders whose files catalogue assets may name by path for stage-in (the blob store root and the data dir always).' },
      stageIn: fetchLimitsSchema(120_000, 2 * 1024 * 1024 * 1024, 'Fetching inputs given by URL.'),
      callbacks: fetchLimitsSchema(10_000, 1024 * 1024, 'Subscriber callbacks (POSTs to successUri, failedUri, inProgressUri).'),
      packageFetch: fetchLimitsSchema(30_000, 2 * 1024 * 1024, 'Fetching application packages given by href.'),
      kubernetes: kubernetesConfigSchema,
    },
  },
  migrations: processingMigrations,
  async setup(ctx) {
    const config = ctx.config;
    const catalogue = ctx.hasService('catalogue') ? ctx.service<CatalogueService>('catalogue') : undefined;
    const s3 = ctx.hasService('s3-objects') ? ctx.service<S3ObjectsService>('s3-objects') : undefined;
    const builtins = config.builtins ? BUILTIN_PROCESSES : new Map();
    const fetchLimits = (c: { timeoutMs: number; maxBytes: number; allowPrivateNetworks: boolean }) => ({ ...c, maxRedirects: 5 });
    const engine = new ProcessingEngine({
      db: ctx.db,
      jobs: ctx.jobs,
      auth: ctx.auth,
      blobs: ctx.blobs,
      logger: ctx.logger,
      builtins,
      defaultVisibility: config.defaultVisibility,
      fetchLimits: fetchLimits(config.packageFetch),
      attempts: config.attempts,
      catalogue,
      s3,
    });
    const workRoot = resolve(config.workDir ?? join(ctx.dataDir, 'processing'));
    const backend: ExecutionBackend =
      config.backend === 'kubernetes'
        ? new KubernetesBackend(config.kubernetes, {
            workRoot,
            blobs: ctx.blobs,
            // Loaded on the first run only: a server on the local backend never loads the client.
            api: async () => {
              const { ClientNodeKubernetesApi, loadKubeConfig } = await import('./backends/kubernetes/client-node-api.js');
              return new ClientNodeKubernetesApi(loadKubeConfig(config.kubernetes));
            },
          })
        : new LocalBackend({ cwltool: config.cwltool, containerRuntime: config.containerRuntime, extraArgs: config.cwltoolArgs });
    const blobRoot = (ctx.blobs as { root?: unknown }).root;
    const fileRoots = [ctx.dataDir, ...(typeof blobRoot === 'string' ? [blobRoot] : []), ...config.fileRoots].map((r) => resolve(r));
    ctx.jobs.register(
      EXECUTE_JOB_TYPE,
      createJobHandler({
        logger: ctx.logger,
        workRoot,
        keepWorkDirs: config.keepWorkDirs,
        backend,
        builtins,
        stageIn: { blobs: ctx.blobs, auth: ctx.auth, catalogue, s3, fetchLimits: fetchLimits(config.stageIn), fileRoots },
        stageOut: { blobs: ctx.blobs, catalogue, s3, resultsCollection: config.resultsCollection, logger: ctx.logger },
        callbackLimits: fetchLimits(config.callbacks),
        recordUsage: (u) => engine.recordUsage(u),
        async callbackBody(kind, job, result, error) {
          const payload = job.payload as ExecutePayload;
          return callbackDocument(kind, { id: job.id, processId: payload.processId, statusUrl: payload.statusUrl }, result, error);
        },
      }),
      { concurrency: config.concurrency },
    );
    return { provide: { processing: engine } };
  },
};
export default plugin;
export type { ProcessingService } from './types.js';
