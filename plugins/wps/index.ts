/**
 * The WPS plugin: OGC Web Processing Service 2.0 (OGC 14-065, XML and KVP bindings) with the
 * Dismiss extension and the transactional extension's DeployProcess/UndeployProcess (OGC
 * 18-036r1), and WPS 1.0.0 (OGC 05-007r7) on the same endpoint, over the `processing` engine, so
 * WPS clients see the processes and jobs OGC API - Processes clients see at the ADES (see
 * README.md). Exceptions are OWS 2.0 reports, or OWS 1.1 ones for a request read as 1.0.0.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { NotFound } from '../../core/errors.js';
import { owsErrorEncoder } from '../../core/ows/index.js';
import type { Plugin } from '../../core/plugin.js';
import type { Subject } from '../../core/auth/types.js';
import type { ProcessingService } from '../processing/types.js';
import { wpsConfigSchema, type WpsConfig } from './config.js';
import { WPS_CONFORMANCE } from './conformance.js';
import { engineCall } from './errors.js';
import { ExecutionStore } from './execution-store.js';
import { wpsMigrations } from './migrations.js';
import { deployProcess, describeProcess, dismiss, execute, getCapabilities, getResult, getStatus, undeployProcess, type WpsDeps } from './operations.js';
import { readWpsRequest, WPS_VERSION_STATE } from './read-request.js';
import { describeProcess1, execute1, executeResponse1, getCapabilities1 } from './wps1/operations.js';

const plugin: Plugin<WpsConfig> = {
  name: 'wps',
  version: '0.1.0',
  description: 'OGC Web Processing Service 2.0 and 1.0.0 (GetCapabilities, DescribeProcess, Execute sync/async, GetStatus, GetResult, Dismiss) and WPS-T DeployProcess/UndeployProcess of CWL application packages, over the processing engine',
  requires: ['processing'],
  defaultPath: '/wps',
  configSchema: wpsConfigSchema,
  migrations: wpsMigrations,
  async setup(pctx) {
    const config = pctx.config;
    const deps: WpsDeps = {
      processing: pctx.service<ProcessingService>('processing'),
      auth: pctx.auth,
      config,
      executions: new ExecutionStore(pctx.db),
      baseUrl: (ctx: Context) => pctx.baseUrl(ctx),
    };
    const limits = config.contextFetch;
    const router = new Router();
    const handle = async (ctx: Context) => {
      const request = await readWpsRequest(ctx, { transactions: config.transactions, maxBytes: config.maxRequestBytes });
      if (request.version === '1.0.0') {
        if (request.operation === 'GetCapabilities') return getCapabilities1(ctx, deps);
        if (request.operation === 'DescribeProcess') return describeProcess1(ctx, request, deps);
        return execute1(ctx, request, deps);
      }
      switch (request.operation) {
        case 'GetCapabilities':
          return getCapabilities(ctx, request, deps);
        case 'DescribeProcess':
          return describeProcess(ctx, request, deps);
        case 'Execute':
          return execute(ctx, request, deps);
        case 'GetStatus':
          return getStatus(ctx, request, deps);
        case 'GetResult':
          return getResult(ctx, request, deps);
        case 'Dismiss':
          return dismiss(ctx, request, deps);
        case 'DeployProcess':
          return deployProcess(ctx, request, deps, limits);
        case 'UndeployProcess':
          return undeployProcess(ctx, request, deps);
      }
    };
    router.get('/', handle);
    // A stored WPS 1.0.0 ExecuteResponse (statusLocation): the job's document as it stands.
    router.get('/jobs/:jobId/execute-response', async (ctx) => {
      ctx.state[WPS_VERSION_STATE] = '1.0.0';
      await executeResponse1(ctx, ctx.params.jobId!, deps);
    });
    router.post('/', handle);
    // The staged-out files of a job, which wps:Reference outputs point at (the caller must be able to read the job).
    router.get('/jobs/:jobId/files/*path', async (ctx) => {
      const subject = ctx.state.subject as Subject;
      const jobId = ctx.params.jobId!;
      const prefix = await engineCall(() => deps.processing.jobFilesPrefix(jobId, subject), { job: jobId });
      const marker = `/jobs/${encodeURIComponent(jobId)}/files/`;
      const at = ctx.path.indexOf(marker);
      const rel = at >= 0 ? ctx.path.slice(at + marker.length).split('/').map((s) => decodeURIComponent(s)).join('/') : '';
      if (!rel || rel.split('/').some((s) => s === '' || s === '.' || s === '..')) throw new NotFound(`Job '${jobId}' has no file '${rel}'`, { code: 'NoSuchOutput' });
      const file = await engineCall(() => deps.processing.readOutput(jobId, `${prefix}${rel}`, subject), { job: jobId });
      ctx.type = file.contentType ?? 'application/octet-stream';
      ctx.length = file.size;
      ctx.body = file.body;
    });
    const mount = pctx.mountPath || '/';
    const conformsTo = WPS_CONFORMANCE(config.transactions);
    return {
      routes: router,
      errorEncoder: owsErrorEncoder((ctx) => (ctx.state[WPS_VERSION_STATE] === '1.0.0' ? { version: '1.1.0', reportVersion: '1.0.0' } : { version: '2.0.0' })),
      conformsTo,
      services: [
        {
          type: 'WPS',
          versions: ['1.0.0', '2.0.0'],
          title: config.title,
          description: config.abstract,
          url: mount,
          capabilitiesUrl: `${mount}?service=WPS&request=GetCapabilities`,
          conformsTo,
        },
      ],
    };
  },
};

export default plugin;
