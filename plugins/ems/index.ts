/** The EMS: OGC API - Processes for CWL Workflows whose steps run on ADES endpoints (see README.md). */
import { resolve } from 'node:path';
import Router from '@koa/router';
import type { Context } from 'koa';
import { NotFound } from '../../core/errors.js';
import { problemJsonEncoder } from '../../core/ows/index.js';
import type { Plugin } from '../../core/plugin.js';
import { conformanceClasses, PROBLEM_TYPES } from '../ades/conformance.js';
import { adesRoutes, type AdesConfig } from '../ades/routes.js';
import type { CatalogueService } from '../catalogue/types.js';
import type { S3ObjectsService } from '../s3/types.js';
import type { ProcessingService, ProcessVisibility } from '../processing/types.js';
import { emsMigrations } from './migrations.js';
import { EndpointRegistry, type AdesEntryConfig, type RegistryConfig } from './registry.js';
import { readRelayToken, RelaySources } from './relay.js';
import { createWorkflowHandler, WORKFLOW_JOB_TYPE } from './runner.js';
import { EmsService } from './service.js';
import { StepStore } from './step-store.js';

export interface EmsConfig extends AdesConfig, RegistryConfig {
  ades: AdesEntryConfig[];
  defaultVisibility: ProcessVisibility;
  pollIntervalMs: number;
  statusRetries: number;
  relayTtlHours: number;
  fileRoots: string[];
  concurrency: number;
  scatterConcurrency: number;
  attempts: number;
  packageFetch: { timeoutMs: number; maxBytes: number; allowPrivateNetworks: boolean };
  callbacks: { timeoutMs: number; maxBytes: number; allowPrivateNetworks: boolean };
}

const credentialsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'How the EMS authenticates to the ADES: an API key (sent in apiKeyHeader, default X-API-Key) or a bearer token.',
  properties: {
    apiKey: { type: 'string', minLength: 1 },
    apiKeyHeader: { type: 'string', minLength: 1, default: 'X-API-Key' },
    bearer: { type: 'string', minLength: 1 },
  },
};

const plugin: Plugin<EmsConfig> = {
  name: 'ems',
  version: '0.1.0',
  description: 'OGC API - Processes (EMS): CWL workflows whose steps are deployed and run on this server\'s engine or remote ADES endpoints, with placement near the data',
  requires: ['processing'],
  optionalRequires: ['catalogue', 's3-objects'],
  defaultPath: '/ems',
  migrations: emsMigrations,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      title: { type: 'string', default: 'Meridian EMS', description: 'Title of the landing page.' },
      description: { type: 'string', default: 'Execution Management Service: OGC API - Processes for CWL workflows run step by step on ADES endpoints.', description: 'Description on the landing page.' },
      deploy: { type: 'boolean', default: true, description: 'Part 2: deploy, replace and undeploy workflows.' },
      syncTimeoutMs: { type: 'integer', minimum: 100, default: 60000, description: 'How long a synchronous execution waits before answering with the job.' },
      defaultLimit: { type: 'integer', minimum: 1, default: 10 },
      maxLimit: { type: 'integer', minimum: 1, default: 1000 },
      defaultVisibility: { type: 'string', enum: ['private', 'public'], default: 'private', description: 'Visibility of a deployed workflow whose package does not say.' },
      local: {
        type: 'object',
        additionalProperties: false,
        default: {},
        description: "This server's own processing engine as an ADES (called in process, as the workflow's user).",
        properties: {
          enabled: { type: 'boolean', default: true },
          id: { type: 'string', minLength: 1, default: 'local', description: 'Its id in placement and logs.' },
          dataHosts: { type: 'array', items: { type: 'string' }, default: [], description: 'Hosts (host or host:port) whose data is here, besides the host the EMS is called on.' },
          collections: { type: 'array', items: { type: 'string' }, default: [], description: 'Catalogue collections whose products are here.' },
        },
      },
      ades: {
        type: 'array',
        default: [],
        description: 'Remote ADES endpoints (OGC API Processes with Part 2 deploy).',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'url'],
          properties: {
            id: { type: 'string', minLength: 1 },
            url: { type: 'string', pattern: '^https?://', description: 'Its landing page URL (…/ades).' },
            credentials: credentialsSchema,
            dataHosts: { type: 'array', items: { type: 'string' }, default: [], description: 'Hosts whose data is next to this ADES (default: the host of url).' },
            collections: { type: 'array', items: { type: 'string' }, default: [], description: 'Catalogue collections whose products are next to this ADES.' },
            publicResults: { type: 'boolean', default: false, description: 'Its result URLs are readable without credentials: handed to the next step as they are (else through the EMS relay).' },
          },
        },
      },
      defaultAdes: { type: 'string', minLength: 1, description: "Id of the ADES for steps whose inputs do not say where their data is (default: 'local' when enabled, else the first)." },
      discover: {
        type: 'object',
        additionalProperties: false,
        default: {},
        description: "ADES endpoints from the catalogue's service records.",
        properties: {
          enabled: { type: 'boolean', default: true },
          allowPrivateNetworks: { type: 'boolean', default: false, description: 'Use discovered endpoints on internal networks too.' },
          credentials: { type: 'object', default: {}, additionalProperties: credentialsSchema, description: 'Credentials per service record identifier.' },
        },
      },
      requestTimeoutMs: { type: 'integer', minimum: 100, default: 30000, description: 'Time limit of one call to a remote ADES.' },
      pollIntervalMs: { type: 'integer', minimum: 10, default: 1000, description: 'How often a running step job is polled.' },
      statusRetries: { type: 'integer', minimum: 0, default: 5, description: 'Failed status reads in a row tolerated before the step fails.' },
      relayTtlHours: { type: 'number', minimum: 0.01, default: 168, description: 'Lifetime of relay links (intermediate results handed to the next step, blobs and products of this server handed to remote steps).' },
      fileRoots: { type: 'array', items: { type: 'string', minLength: 1 }, default: [], description: "Folders whose files catalogue assets may name by path for the relay to remote steps (the blob store root and the data dir always; as processing's fileRoots)." },
      concurrency: { type: 'integer', minimum: 1, default: 4, description: 'Workflow jobs one process runs at once (they mostly wait on their steps).' },
      scatterConcurrency: { type: 'integer', minimum: 1, default: 4, description: 'Elements of one scattered step submitted at once (each its own step job).' },
      attempts: { type: 'integer', minimum: 1, maximum: 10, default: 2, description: 'Tries per workflow job; a new try resumes the steps already submitted.' },
      packageFetch: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          timeoutMs: { type: 'integer', minimum: 100, default: 30000 },
          maxBytes: { type: 'integer', minimum: 1, default: 2097152 },
          allowPrivateNetworks: { type: 'boolean', default: false },
        },
      },
      callbacks: {
        type: 'object',
        additionalProperties: false,
        default: {},
        description: 'Subscriber callbacks of workflow jobs (POSTs to successUri, failedUri, inProgressUri).',
        properties: {
          timeoutMs: { type: 'integer', minimum: 100, default: 10000 },
          maxBytes: { type: 'integer', minimum: 1, default: 1048576 },
          allowPrivateNetworks: { type: 'boolean', default: false },
        },
      },
    },
  },
  async setup(ctx) {
    const config = ctx.config;
    const processing = ctx.service<ProcessingService>('processing');
    const catalogue = ctx.hasService('catalogue') ? ctx.service<CatalogueService>('catalogue') : undefined;
    const s3 = ctx.hasService('s3-objects') ? ctx.service<S3ObjectsService>('s3-objects') : undefined;
    if (config.defaultAdes && !(config.local.enabled && config.local.id === config.defaultAdes) && !config.ades.some((a) => a.id === config.defaultAdes)) {
      throw new Error(`plugins.ems.defaultAdes '${config.defaultAdes}' names no ADES (local: '${config.local.id}', ades: ${config.ades.map((a) => a.id).join(', ') || 'none'})`);
    }
    const registry = new EndpointRegistry(config, processing, catalogue);
    const steps = new StepStore(ctx.db);
    const blobRoot = (ctx.blobs as { root?: unknown }).root;
    const relay = new RelaySources({
      secrets: ctx.secrets,
      blobs: ctx.blobs,
      auth: ctx.auth,
      catalogue,
      s3,
      jobs: ctx.jobs,
      jobType: WORKFLOW_JOB_TYPE,
      fileRoots: [ctx.dataDir, ...(typeof blobRoot === 'string' ? [blobRoot] : []), ...config.fileRoots].map((r) => resolve(r)),
      ttlMs: config.relayTtlHours * 3_600_000,
    });
    const ems = new EmsService({
      db: ctx.db,
      jobs: ctx.jobs,
      auth: ctx.auth,
      logger: ctx.logger,
      registry,
      steps,
      defaultVisibility: config.defaultVisibility,
      fetchLimits: { ...config.packageFetch, maxRedirects: 5 },
      attempts: config.attempts,
    });
    ctx.jobs.register(
      WORKFLOW_JOB_TYPE,
      createWorkflowHandler({ registry, steps, secrets: ctx.secrets, relay, catalogue, logger: ctx.logger, pollIntervalMs: config.pollIntervalMs, relayTtlMs: config.relayTtlHours * 3_600_000, statusRetries: config.statusRetries, scatterConcurrency: config.scatterConcurrency, callbackLimits: { ...config.callbacks, maxRedirects: 5 } }),
      { concurrency: config.concurrency },
    );
    const conformsTo = conformanceClasses({ deploy: config.deploy });
    const router = new Router();
    // The relay: a step on another ADES reads an intermediate result, or a blob or product of this
    // server (as the workflow's user), by the sealed link it was given; the name after the token is the file's.
    router.get(['/relay/:token', '/relay/:token/:name'], async (k: Context) => {
      const claim = readRelayToken(ctx.secrets, k.params.token!);
      if (!claim) throw new NotFound('No such relay link (unknown or expired)', { code: 'NoSuchOutput' });
      const file = claim.path !== undefined ? await ems.openStepFile(claim.job, claim.path) : await relay.open(claim);
      k.type = file.contentType ?? 'application/octet-stream';
      k.length = file.size;
      k.body = file.body;
    });
    const api = adesRoutes({
      processing: ems,
      auth: ctx.auth,
      config,
      conformsTo,
      baseUrl: (k: Context) => ctx.baseUrl(k),
      publicRoot: (k: Context) => {
        const base = ctx.baseUrl(k);
        return ctx.mountPath && base.endsWith(ctx.mountPath) ? base.slice(0, base.length - ctx.mountPath.length) : base;
      },
    });
    router.use(api.routes(), api.allowedMethods());
    return {
      routes: router,
      errorEncoder: problemJsonEncoder({ types: PROBLEM_TYPES }),
      conformsTo,
      services: [{ type: 'OGC API - Processes', versions: ['1.0'], title: config.title, url: ctx.mountPath || '/', capabilitiesUrl: `${ctx.mountPath}/processes`, conformsTo, description: config.description }],
    };
  },
};
export default plugin;
