/** The catalogue engine plugin: provides the `catalogue` service (see README.md). */
import type { Context } from 'koa';
import { problemJsonEncoder } from '../../core/ows/index.js';
import type { Plugin } from '../../core/plugin.js';
import { catalogueOpenApi, createCatalogueApi } from './api/index.js';
import { createCatalogueEngine } from './engine.js';
import { importCommand } from './import/command.js';
import { importConfigSchema, setupImport } from './import/setup.js';
import type { ImportLimits } from './import/job.js';
import { catalogueMigrations } from './migrations.js';
import { loadSampleRecords } from './sample-data.js';

export interface CatalogueConfig {
  defaultLimit: number;
  maxLimit: number;
  sampleProducts: number;
  import?: Partial<ImportLimits>;
}

const plugin: Plugin<CatalogueConfig> = {
  name: 'catalogue',
  version: '0.1.0',
  description: 'Catalogue engine and its records API: collections, products, services and applications with spatial, temporal, full-text and facet search',
  provides: ['catalogue'],
  defaultPath: '/catalogue',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      defaultLimit: { type: 'integer', minimum: 0, default: 10, description: 'Records per page when a search gives no limit.' },
      maxLimit: { type: 'integer', minimum: 1, default: 1000, description: 'Largest page a search may ask for.' },
      sampleProducts: { type: 'integer', minimum: 0, maximum: 100000, default: 1000, description: 'Generated products loaded as sample data (when sampleData is on).' },
      import: importConfigSchema,
    },
  },
  migrations: catalogueMigrations,
  commands: [importCommand],
  async setup(ctx) {
    const catalogue = createCatalogueEngine({ db: ctx.db, auth: ctx.auth, logger: ctx.logger, defaultLimit: ctx.config.defaultLimit, maxLimit: ctx.config.maxLimit });
    const imports = setupImport(ctx, catalogue);
    const api = { catalogue, auth: ctx.auth, logger: ctx.logger, baseUrl: (k: Context) => ctx.baseUrl(k), defaultLimit: ctx.config.defaultLimit, maxLimit: ctx.config.maxLimit };
    return {
      provide: { catalogue },
      // The records API (api/), with the import API (POST /import...) on the same router.
      routes: createCatalogueApi(api, [imports.routes]),
      errorEncoder: problemJsonEncoder(),
      openapi: catalogueOpenApi(),
      services: [
        {
          type: 'Catalogue API',
          versions: ['1.0'],
          title: 'Catalogue records: read, create, replace, update, delete (OGC API - Features Part 4, STAC Transaction)',
          url: ctx.mountPath || '/',
          description: 'Collections, products, service and application records as OGC 17-003/17-084 GeoJSON or STAC (?f=stac); bodies in any metadata format the catalogue reads',
        },
      ],
      async loadSampleData() {
        await loadSampleRecords(catalogue, ctx.config.sampleProducts);
      },
    };
  },
};
export default plugin;
export type { CatalogueService } from './types.js';
