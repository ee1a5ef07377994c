/**
 * The WCPS plugin: the OGC Web Coverage Processing Service query language (WCPS 1.0 with the
 * 1.1 forms) over the coverages engine, at `/wcps` (GET ?query=, POST body, form or XML request), and as the
 * `wcps` service the WCS plugin answers ProcessCoverages with (see README.md).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { owsErrorEncoder } from '../../core/ows/index.js';
import type { Plugin, PluginContext } from '../../core/plugin.js';
import type { CoveragesService } from '../coverages/types.js';
import { wcpsConfigSchema, type WcpsConfig } from './config.js';
import { runQuery } from './query.js';
import { clientSignal, queryOf } from './request.js';
import { WCPS_CONFORMANCE, type WcpsService } from './types.js';
import { readXmlRequest, substituteParameters } from './xml-syntax.js';

const plugin: Plugin<WcpsConfig> = {
  name: 'wcps',
  version: '0.1.0',
  description: 'OGC Web Coverage Processing Service (WCPS 1.0 query language) over the coverages engine',
  defaultPath: '/wcps',
  requires: ['coverages'],
  provides: ['wcps'],
  configSchema: wcpsConfigSchema,
  async setup(pctx: PluginContext<WcpsConfig>) {
    const coverages = pctx.service<CoveragesService>('coverages');
    const config = pctx.config;
    const env = { coverages, config };
    const service: WcpsService = {
      process: (query, subject, options = {}) => runQuery(substituteParameters(query, options.parameters ?? [], 'kvp'), subject, env, options.signal),
      processXml: (root, subject, options = {}) => {
        const q = readXmlRequest(root);
        return runQuery(q.kind === 'text' ? substituteParameters(q.text, options.parameters ?? []) : q.query, subject, env, options.signal);
      },
    };
    const router = new Router();
    const handle = async (ctx: Context) => {
      const request = await queryOf(ctx);
      const signal = clientSignal(ctx);
      const out = typeof request === 'string' ? await service.process(request, ctx.state.subject, { signal }) : await service.processXml(request.xml, ctx.state.subject, { signal });
      ctx.status = 200;
      ctx.set('Content-Type', out.contentType);
      if (out.filename) ctx.set('Content-Disposition', `inline; filename="${out.filename}"`);
      ctx.body = out.body;
    };
    router.get('/', handle);
    router.post('/', handle);
    const mount = pctx.mountPath || '/';
    const conformsTo = [WCPS_CONFORMANCE.wcps];
    return {
      routes: router,
      errorEncoder: owsErrorEncoder({ version: '2.0.0' }),
      provide: { wcps: service },
      services: [{ type: 'WCPS', versions: ['1.0.0'], title: config.title, description: 'Coverage processing queries (OGC WCPS 1.0) over the platform\'s rasters', url: mount, conformsTo }],
      conformsTo,
    };
  },
};

export default plugin;
export type { WcpsService } from './types.js';
