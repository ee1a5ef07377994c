/** The features engine plugin: provides the `features` service (see README.md). */
import type { Plugin } from '../../core/plugin.js';
import { createFeaturesEngine } from './engine.js';
import { registryMigrations } from './registry.js';

export interface FeaturesConfig {
  defaultLimit: number;
  maxLimit: number;
}

const plugin: Plugin<FeaturesConfig> = {
  name: 'features',
  version: '0.1.0',
  description: 'Features engine: vector feature collections in the database (PostGIS or SQLite with an R*Tree), filtered, paged, reprojected and streamed; all-or-nothing transactions',
  provides: ['features'],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      defaultLimit: { type: 'integer', minimum: 0, default: 10, description: 'Features per page when a query gives no limit.' },
      maxLimit: { type: 'integer', minimum: 1, default: 10000, description: 'Largest page a query may get (larger limits are capped to it).' },
    },
  },
  migrations: registryMigrations,
  async setup(ctx) {
    const features = createFeaturesEngine({ db: ctx.db, auth: ctx.auth, logger: ctx.logger, defaultLimit: ctx.config.defaultLimit, maxLimit: ctx.config.maxLimit });
    return { provide: { features } };
  },
};
export default plugin;
export type { FeaturesService } from './types.js';
