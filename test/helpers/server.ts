import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/logger.js';
import { assemble, type Meridian } from '../../core/server/assemble.js';

import { fixturePluginsDir } from './fixtures.js';
export { fixturePluginsDir };

export interface TestServer {
  url: string;
  ports: Record<string, number>;
  meridian: Meridian;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Starts a real server (real sockets) from an inline config on a temporary data dir, with the
 * fixture plugins as the built-in ones. The database is SQLite in memory unless the config says.
 */
export async function startTestServer(inline: Record<string, unknown>, options: { builtinDir?: string } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-test-'));
  const loaded = await loadConfig({
    inline: {
      builtinPlugins: false,
      database: { client: 'sqlite', filename: ':memory:' },
      ...inline,
      dataDir,
      server: { port: 0, host: '127.0.0.1', ...(inline.server as object | undefined) },
      log: { level: 'silent', ...(inline.log as object | undefined) },
    },
    builtinDir: options.builtinDir ?? fixturePluginsDir,
  });
  const meridian = await assemble(loaded, createLogger(loaded.config.log), 'serve');
  const ports = await meridian.listen();
  return {
    url: `http://127.0.0.1:${ports.main}`,
    ports,
    meridian,
    dataDir,
    async close() {
      await meridian.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
