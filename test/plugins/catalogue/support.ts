/** Starts the real server with the built-in catalogue plugin on one test database kind. */
import { fileURLToPath } from 'node:url';
import { authenticatedSubject, LOCAL_USER_ISSUER } from '../../../core/auth/index.js';
import type { Subject } from '../../../core/auth/types.js';
import type { CatalogueService } from '../../../plugins/catalogue/types.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));

export interface CatalogueHarness {
  server: TestServer;
  catalogue: CatalogueService;
  close(): Promise<void>;
}

/** `inline` adds core config keys (auth, ...). */
export async function startCatalogue(kind: TestDatabaseKind, config: Record<string, unknown> = {}, inline: Record<string, unknown> = {}): Promise<CatalogueHarness> {
  const test = await kind.open();
  // The server opens its own connection on the same database (same PostgreSQL schema).
  await test.db.close();
  const server = await startTestServer({ ...inline, database: test.config, plugins: { catalogue: config } }, { builtinDir });
  const running = server.meridian.plugins.find((p) => p.name === 'catalogue');
  if (!running?.instance.provide) throw new Error('catalogue plugin not running');
  return {
    server,
    catalogue: running.instance.provide.catalogue as CatalogueService,
    async close() {
      await server.close();
      await test.dispose();
    },
  };
}

export const user = (id: string, groups: string[] = []): Subject => authenticatedSubject({ id, issuer: LOCAL_USER_ISSUER, method: 'basic', groups });
export const admin = user('root', ['admin']);
