/** The ADES: OGC API - Processes (Part 1 Core, Part 2 Deploy/Replace/Undeploy) over the `processing` engine (see README.md). */
import type { Context } from 'koa';
import { problemJsonEncoder } from '../../core/ows/index.js';
import type { Plugin } from '../../core/plugin.js';
import type { ProcessingService } from '../processing/types.js';
import { conformanceClasses, PROBLEM_TYPES } from './conformance.js';
import { adesOpenApi } from './openapi.js';
import { adesRoutes, type AdesConfig } from './routes.js';

const plugin: Plugin<AdesConfig> = {
  name: 'ades',
  version: '0.1.0',
  description: 'OGC API - Processes (ADES): processes, synchronous and asynchronous execution, jobs, results, dismiss, callbacks; deploy, replace and undeploy of CWL application packages',
  requires: ['processing'],
  defaultPath: '/ades',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      title: { type: 'string', default: 'Meridian ADES', description: 'Title of the landing page.' },
      description: { type: 'string', default: 'Application Deployment and Execution Service: OGC API - Processes with CWL application packages.', description: 'Description on the landing page.' },
      deploy: { type: 'boolean', default: true, description: 'Part 2: POST /processes, PUT and DELETE /processes/{id} (each authorized by the policy).' },
      syncTimeoutMs: { type: 'integer', minimum: 100, default: 60000, description: 'How long a synchronous execution waits; a job not done by then is answered as an asynchronous one (201 with its status).' },
      defaultLimit: { type: 'integer', minimum: 1, default: 10, description: 'Jobs and processes per page when a request gives no limit.' },
      maxLimit: { type: 'integer', minimum: 1, default: 1000, description: 'Largest page.' },
    },
  },
  async setup(ctx) {
    const processing = ctx.service<ProcessingService>('processing');
    const conformsTo = conformanceClasses({ deploy: ctx.config.deploy });
    return {
      routes: adesRoutes({
        processing,
        auth: ctx.auth,
        config: ctx.config,
        conformsTo,
        baseUrl: (k: Context) => ctx.baseUrl(k),
        // The base URL without the mount path: where the core serves /openapi.json.
        publicRoot: (k: Context) => {
          const base = ctx.baseUrl(k);
          return ctx.mountPath && base.endsWith(ctx.mountPath) ? base.slice(0, base.length - ctx.mountPath.length) : base;
        },
      }),
      errorEncoder: problemJsonEncoder({ types: PROBLEM_TYPES }),
      openapi: adesOpenApi({ deploy: ctx.config.deploy }),
      conformsTo,
      services: [
        {
          type: 'OGC API - Processes',
          versions: ['1.0'],
          title: ctx.config.title,
          url: ctx.mountPath || '/',
          capabilitiesUrl: `${ctx.mountPath}/processes`,
          conformsTo,
          description: ctx.config.description,
        },
      ],
    };
  },
};
export default plugin;
