/** The coverages engine plugin: provides the `coverages` service (see README.md). */
import type { Plugin } from '../../core/plugin.js';
import type { CatalogueService } from '../catalogue/types.js';
import type { S3ObjectsService } from '../s3/types.js';
import { coveragesConfigSchema, type CoverageConfig, type CoveragesConfig } from './config.js';
import { createCoveragesEngine } from './engine.js';
import { SAMPLE_COVERAGES, writeSampleCoverages } from './samples.js';

const plugin: Plugin<CoveragesConfig> = {
  name: 'coverages',
  version: '0.1.0',
  description: 'Raster engine: GeoTIFF/COG coverages (files, mosaics, time series from the catalogue), warping, styles, rendering and encoding in a worker pool',
  provides: ['coverages'],
  optionalRequires: ['catalogue', 's3-objects'],
  configSchema: coveragesConfigSchema,
  async setup(ctx) {
    const catalogue = ctx.hasService('catalogue') ? ctx.service<CatalogueService>('catalogue') : undefined;
    const s3 = ctx.hasService('s3-objects') ? ctx.service<S3ObjectsService>('s3-objects') : undefined;
    const config = ctx.config;
    // Sample rasters written by an earlier start are served again; a first start writes them in loadSampleData.
    const samples: CoverageConfig[] = [];
    if (config.sampleRasters) {
      for (const sample of SAMPLE_COVERAGES) if (await ctx.blobs.head(sample.blob!)) samples.push(sample);
    }
    const engine = await createCoveragesEngine({
      config: { ...config, coverages: [...config.coverages, ...samples] },
      blobs: ctx.blobs,
      auth: ctx.auth,
      logger: ctx.logger,
      dataDir: ctx.dataDir,
      catalogue,
      s3,
    });
    return {
      provide: { coverages: engine },
      async loadSampleData() {
        if (!config.sampleRasters) return;
        await writeSampleCoverages(ctx.blobs);
        await engine.addCoverages(SAMPLE_COVERAGES);
      },
      async close() {
        await engine.close();
      },
    };
  },
};
export default plugin;
export type { CoveragesService } from './types.js';
