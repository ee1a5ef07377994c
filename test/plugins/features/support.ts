/** The features engine on a fresh test database with the embedded default policy. */
import { pino } from 'pino';
import { authenticatedSubject, createAuthHooks, LOCAL_USER_ISSUER, type AuthConfig, type MeridianAuthHooks } from '../../../core/auth/index.js';
import type { Subject } from '../../../core/auth/types.js';
import { openDatabase, type DatabaseConfig } from '../../../core/storage/db/connect.js';
import type { Database } from '../../../core/storage/db/types.js';
import { createFeaturesEngine } from '../../../plugins/features/engine.js';
import { registryMigrations } from '../../../plugins/features/registry.js';
import type { Feature, FeaturesService } from '../../../plugins/features/types.js';
import type { TestDatabase, TestDatabaseKind } from '../../helpers/databases.js';

export interface EngineHarness {
  db: Database;
  features: FeaturesService;
  test: TestDatabase;
  /** Another engine over the same database and policy: what another server process sees. */
  otherEngine(): FeaturesService;
  close(): Promise<void>;
}

export interface EngineOptions {
  defaultLimit?: number;
  maxLimit?: number;
  /** Opens this database instead of the kind's (a SQLite file, for the streaming path on a file). */
  config?: DatabaseConfig;
  /** The `auth` config section (the embedded default policy when absent). */
  auth?: AuthConfig;
}

export async function openEngine(kind: TestDatabaseKind, options: EngineOptions = {}): Promise<EngineHarness> {
  const test = await kind.open();
  let db = test.db;
  if (options.config) db = await openDatabase(options.config);
  await db.migrate('features', registryMigrations);
  const logger = pino({ level: 'silent' });
  const auth: MeridianAuthHooks = await createAuthHooks(options.auth, { db, logger });
  const engine = () => createFeaturesEngine({ db, auth, logger, defaultLimit: options.defaultLimit ?? 10, maxLimit: options.maxLimit ?? 10000 });
  const features = engine();
  return {
    db,
    features,
    test,
    otherEngine: engine,
    async close() {
      await auth.close();
      if (options.config) await db.close();
      await test.dispose();
    },
  };
}

export const user = (id: string, groups: string[] = []): Subject => authenticatedSubject({ id, issuer: LOCAL_USER_ISSUER, method: 'basic', groups });
export const admin = user('root', ['admin']);

export async function collect(features: AsyncIterable<Feature>): Promise<Feature[]> {
  const out: Feature[] = [];
  for await (const f of features) out.push(f);
  return out;
}
