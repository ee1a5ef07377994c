/** The OGC API - Features plugin: Parts 1 to 4 over the `features` service (see README.md). */
import type { Context } from 'koa';
import { problemJsonEncoder } from '../../core/ows/index.js';
import type { Plugin } from '../../core/plugin.js';
import type { FeaturesService } from '../features/types.js';
import { conformanceClasses } from './conformance.js';
import type { OgcApiFeaturesConfig } from './context.js';
import { DEFAULT_CRS_LIST, crsUriOf } from './crs.js';
import { featuresOpenApi } from './openapi.js';
import { featuresApiRoutes } from './routes.js';

const plugin: Plugin<OgcApiFeaturesConfig> = {
  name: 'ogcapi-features',
  version: '0.1.0',
  description: 'OGC API - Features: Core with GeoJSON and HTML, CRS, CQL2 filtering, create/replace/update/delete',
  requires: ['features'],
  defaultPath: '/ogcapi',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      title: { type: 'string', default: 'Meridian features', description: 'Title of the landing page.' },
      description: { type: 'string', default: 'Vector feature collections through OGC API - Features (Parts 1 to 4).', description: 'Description on the landing page.' },
      defaultLimit: { type: 'integer', minimum: 1, default: 10, description: 'Features per page when a request gives no limit (the largest page is the engine\'s maxLimit).' },
      crs: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: DEFAULT_CRS_LIST,
        description: 'CRSs (URIs or EPSG:n) every collection offers besides its storage CRS, for crs, bbox-crs and filter-crs.',
      },
      transactions: { type: 'boolean', default: true, description: 'Part 4: POST, PUT, PATCH and DELETE on items (each enforced by the policy).' },
    },
  },
  async setup(ctx) {
    const features = ctx.service<FeaturesService>('features');
    // Unknown identifiers stop start-up here, naming the config key, rather than on the first request.
    const crs = ctx.config.crs.map((c, i) => {
      try {
        return crsUriOf(c);
      } catch {
        throw new Error(`plugins.${ctx.name}.crs[${i}]: unknown CRS '${c}'`);
      }
    });
    const config: OgcApiFeaturesConfig = { ...ctx.config, crs, defaultLimit: Math.min(ctx.config.defaultLimit, features.limits.maxLimit) };
    const conformsTo = conformanceClasses({ transactions: config.transactions });
    return {
      routes: featuresApiRoutes({ features, auth: ctx.auth, config, baseUrl: (k: Context) => ctx.baseUrl(k) }, conformsTo),
      errorEncoder: problemJsonEncoder(),
      openapi: featuresOpenApi({ defaultLimit: config.defaultLimit, maxLimit: features.limits.maxLimit, transactions: config.transactions }),
      conformsTo,
      services: [
        {
          type: 'OGC API - Features',
          versions: ['1.0'],
          title: config.title,
          url: ctx.mountPath || '/',
          capabilitiesUrl: `${ctx.mountPath}/collections`,
          conformsTo,
          description: config.description,
        },
      ],
    };
  },
};
export default plugin;
