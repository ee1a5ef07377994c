import type { JSONSchema } from '../plugin.js';

/**
 * Schemas of the store and auth sections, owned by the modules that read them. Assembled here
 * so the config validator sees one schema.
 */
export const sectionSchemas: Record<'database' | 'blobs' | 'jobs' | 'auth', JSONSchema> = {
  database: { type: 'object' },
  blobs: { type: 'object' },
  jobs: { type: 'object' },
  auth: { type: 'object' },
};

/** Embedded defaults of those sections, for a data directory. */
export function sectionDefaults(dataDir: string): Record<'database' | 'blobs' | 'jobs' | 'auth', Record<string, unknown>> {
  return {
    database: { client: 'sqlite', filename: `${dataDir}/meridian.db` },
    blobs: { type: 'fs', root: `${dataDir}/blobs` },
    jobs: { backend: 'inprocess', concurrency: 2 },
    auth: {},
  };
}
