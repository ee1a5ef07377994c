import { authConfigSchema } from '../auth/config-schema.js';
import { jobsConfigSchema } from '../jobs/config.js';
import type { JSONSchema } from '../plugin.js';
import { blobsConfigSchema } from '../storage/blobs/config-schema.js';
import { databaseConfigSchema } from '../storage/db/config-schema.js';

/**
 * Schemas of the store and auth sections, owned by the modules that read them. Assembled here
 * so the config validator sees one schema.
 */
export const sectionSchemas: Record<'database' | 'blobs' | 'jobs' | 'auth', JSONSchema> = {
  database: databaseConfigSchema,
  blobs: blobsConfigSchema,
  jobs: jobsConfigSchema,
  auth: authConfigSchema,
};

/**
 * Embedded defaults of those sections, for a data directory. The auth and jobs modules fill
 * their own defaults for keys left out, so an empty section means "embedded".
 */
export function sectionDefaults(dataDir: string): Record<'database' | 'blobs' | 'jobs' | 'auth', Record<string, unknown>> {
  return {
    database: { client: 'sqlite', filename: `${dataDir}/meridian.db` },
    blobs: { type: 'fs', root: `${dataDir}/blobs` },
    jobs: { backend: 'inprocess', concurrency: 2 },
    auth: {},
  };
}
