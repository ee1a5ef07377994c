import type { Logger } from 'pino';
import type { Database } from '../storage/db/types.js';
import type { RunningPlugin } from './assemble.js';

/**
 * Loads each plugin's sample data once per store, recording it in the database, so a plugin
 * enabled later still brings its samples and a restart never loads them twice.
 */
export async function loadSampleData(db: Database, plugins: RunningPlugin[], logger: Logger): Promise<string[]> {
  const loaded: string[] = [];
  const done = new Set((await db.knex('meridian_sample_data').select('plugin')).map((r: { plugin: string }) => r.plugin));
  for (const p of plugins) {
    if (!p.instance.loadSampleData || done.has(p.name)) continue;
    await p.instance.loadSampleData();
    await db.knex('meridian_sample_data').insert({ plugin: p.name, loaded_at: new Date().toISOString() });
    loaded.push(p.name);
    logger.info({ plugin: p.name }, 'sample data loaded');
  }
  return loaded;
}
