/** The features engine plugin: provides the `features` service (see README.md). */
import type { Plugin } from '../../core/plugin.js';
import { createFeaturesEngine } from './engine.js';
import { importCommand } from './import/command.js';
import { createImportRouter } from './import/routes.js';
import { registryMigrations } from './registry.js';
import { loadSampleCollections } from './sample-data.js';

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
  commands: [importCommand],
  async setup(ctx) {
    const features = createFeaturesEngine({ db: ctx.db, auth: ctx.auth, logger: ctx.logger, defaultLimit: ctx.config.defaultLimit, maxLimit: ctx.config.maxLimit });
    return {
      provide: { features },
      routes: createImportRouter(ctx, features),
      loadSampleData: async () => {
        for (const load of await loadSampleCollections(features)) ctx.logger.info(load, load.skipped ? 'sample collection skipped' : 'sample collection loaded');
      },
    };
  },
};
export default plugin;
export type { FeaturesService } from './types.js';
