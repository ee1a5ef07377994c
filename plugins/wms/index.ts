/**
 * The WMS plugin: OGC Web Map Service 1.3.0 and 1.1.1 over the coverages engine and, when it is
 * enabled, the features engine (see README.md). One endpoint, KVP on GET: GetCapabilities,
 * GetMap, GetFeatureInfo and the SLD profile's GetLegendGraphic. Layers are the coverages and
 * the feature collections the subject may read.
 */
import { sendOwsResponse } from '../../core/ows/index.js';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Plugin, PluginContext } from '../../core/plugin.js';
import type { CoveragesService } from '../coverages/types.js';
import type { FeaturesService } from '../features/types.js';
import { wmsConfigSchema, type WmsConfig } from './config.js';
import { createCrsPolicy } from './crs.js';
import type { WmsEnv, WmsRequest, WmsResponse } from './env.js';
import { wmsPluginErrorEncoder } from './exceptions.js';
import { getCapabilities } from './get-capabilities.js';
import { getFeatureInfo } from './get-feature-info.js';
import { getLegendGraphic } from './get-legend-graphic.js';
import { getMap } from './get-map.js';
import { readRequest, type OperationName } from './request.js';
import { compileVectorStyles } from './vector/styles.js';
import { WMS_VERSIONS } from './versions.js';

const HANDLERS: Record<OperationName, (request: WmsRequest, env: WmsEnv) => Promise<WmsResponse>> = {
  GetCapabilities: getCapabilities,
  GetMap: getMap,
  GetFeatureInfo: getFeatureInfo,
  GetLegendGraphic: getLegendGraphic,
};

/**
 * updateSequence: the latest `updated` of the layers listed, or the time of the last change an
 * engine reported when later (a removed coverage or collection lowers no one's maximum). The
 * same on every instance and across restarts while nothing changes.
 */
function updateSequenceTracker(coverages: CoveragesService, features: FeaturesService | undefined): { current(layers: ReadonlyArray<{ updated: string }>): string; close(): void } {
  let lastChange: number | undefined;
  const changed = () => {
    lastChange = Math.max(Date.now(), (lastChange ?? 0) + 1);
  };
  const unsubscribers = [coverages.onChange(changed), ...(features ? [features.onChange(changed)] : [])];
  return {
    current(layers) {
      const times = layers.map((l) => Date.parse(l.updated)).filter(Number.isFinite);
      if (lastChange !== undefined) times.push(lastChange);
      return times.length === 0 ? '0' : new Date(Math.max(...times)).toISOString();
    },
    close: () => unsubscribers.forEach((u) => u()),
  };
}

const plugin: Plugin<WmsConfig> = {
  name: 'wms',
  version: '0.1.0',
  description: 'OGC Web Map Service 1.3.0 and 1.1.1 (GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic) over the coverages engine, with feature collections as vector layers',
  defaultPath: '/wms',
  requires: ['coverages'],
  // Feature collections are vector layers when the features engine is enabled.
  optionalRequires: ['features'],
  configSchema: wmsConfigSchema,
  async setup(pctx: PluginContext<WmsConfig>) {
    const coverages = pctx.service<CoveragesService>('coverages');
    const features = pctx.hasService('features') ? pctx.service<FeaturesService>('features') : undefined;
    const config = pctx.config;
    const vectorStyles = compileVectorStyles(config.vectorStyles);
    const crs = createCrsPolicy(config.crs, config.acceptUnlistedCrs);
    const maxWidth = Math.min(config.maxWidth, coverages.limits.maxWidth);
    const maxHeight = Math.min(config.maxHeight, coverages.limits.maxHeight);
    const sequence = updateSequenceTracker(coverages, features);
    const router = new Router();
    router.get('/', async (ctx: Context) => {
      const { operation, ...request } = readRequest(ctx);
      const env: WmsEnv = {
        config,
        coverages,
        features,
        vectorStyles,
        crs,
        maxWidth,
        maxHeight,
        logger: pctx.logger,
        ctx,
        subject: ctx.state.subject,
        baseUrl: pctx.baseUrl(ctx),
        updateSequence: (layers) => sequence.current(layers),
      };
      sendOwsResponse(ctx, await HANDLERS[operation](request, env));
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
