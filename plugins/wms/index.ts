/**
 * The WMS plugin: OGC Web Map Service 1.3.0 and 1.1.1 over the coverages engine (see README.md).
 * One endpoint, KVP on GET: GetCapabilities, GetMap, GetFeatureInfo and the SLD profile's
 * GetLegendGraphic. Layers are the engine's coverages the subject may read.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Plugin, PluginContext } from '../../core/plugin.js';
import type { CoverageDescription, CoveragesService } from '../coverages/types.js';
import { wmsConfigSchema, type WmsConfig } from './config.js';
import { createCrsPolicy } from './crs.js';
import type { WmsEnv, WmsRequest, WmsResponse } from './env.js';
import { wmsPluginErrorEncoder } from './exceptions.js';
import { getCapabilities } from './get-capabilities.js';
import { getFeatureInfo } from './get-feature-info.js';
import { getLegendGraphic } from './get-legend-graphic.js';
import { getMap } from './get-map.js';
import { readRequest, type OperationName } from './request.js';
import { WMS_VERSIONS } from './versions.js';

const HANDLERS: Record<OperationName, (request: WmsRequest, env: WmsEnv) => Promise<WmsResponse>> = {
  GetCapabilities: getCapabilities,
  GetMap: getMap,
  GetFeatureInfo: getFeatureInfo,
  GetLegendGraphic: getLegendGraphic,
};

function send(ctx: Context, response: WmsResponse): void {
  ctx.status = response.status ?? 200;
  for (const [name, value] of Object.entries(response.headers ?? {})) ctx.set(name, value);
  ctx.set('Content-Type', response.contentType);
  ctx.body = response.body;
}

/**
 * updateSequence: the latest `updated` of the layers listed, or the time of the last change the
 * engine reported when later (a removed coverage lowers no one's maximum). The same on every
 * instance and across restarts while nothing changes.
 */
function updateSequenceTracker(coverages: CoveragesService): { current(layers: readonly CoverageDescription[]): string; close(): void } {
  let lastChange: number | undefined;
  const unsubscribe = coverages.onChange(() => {
    lastChange = Math.max(Date.now(), (lastChange ?? 0) + 1);
  });
  return {
    current(layers) {
      const times = layers.map((l) => Date.parse(l.updated)).filter(Number.isFinite);
      if (lastChange !== undefined) times.push(lastChange);
      return times.length === 0 ? '0' : new Date(Math.max(...times)).toISOString();
    },
    close: unsubscribe,
  };
}

const plugin: Plugin<WmsConfig> = {
  name: 'wms',
  version: '0.1.0',
  description: 'OGC Web Map Service 1.3.0 and 1.1.1 (GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic) over the coverages engine',
  defaultPath: '/wms',
  requires: ['coverages'],
  configSchema: wmsConfigSchema,
  async setup(pctx: PluginContext<WmsConfig>) {
    const coverages = pctx.service<CoveragesService>('coverages');
    const config = pctx.config;
    const crs = createCrsPolicy(config.crs, config.acceptUnlistedCrs);
    const maxWidth = Math.min(config.maxWidth, coverages.limits.maxWidth);
    const maxHeight = Math.min(config.maxHeight, coverages.limits.maxHeight);
    const sequence = updateSequenceTracker(coverages);
    const router = new Router();
    router.get('/', async (ctx: Context) => {
      const { operation, ...request } = readRequest(ctx);
      const env: WmsEnv = {
        config,
        coverages,
        crs,
        maxWidth,
        maxHeight,
        logger: pctx.logger,
        ctx,
        subject: ctx.state.subject,
        baseUrl: pctx.baseUrl(ctx),
        updateSequence: (layers) => sequence.current(layers),
      };
      send(ctx, await HANDLERS[operation](request, env));
    });
    const mount = pctx.mountPath || '/';
    return {
      routes: router,
      errorEncoder: wmsPluginErrorEncoder(config.exceptionStatus),
      services: [
        {
          type: 'WMS',
          versions: [...WMS_VERSIONS].reverse(),
          title: config.title,
          description: config.abstract,
          url: mount,
          capabilitiesUrl: `${mount}?SERVICE=WMS&REQUEST=GetCapabilities`,
        },
      ],
      // WMS 1.3.0 (ISO 19128) names its Basic and Queryable classes but gives them no URIs.
      conformsTo: [],
      async close() {
        sequence.close();
      },
    };
  },
};

export default plugin;
