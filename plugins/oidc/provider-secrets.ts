import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../core/security/secret-box.js';
import type { Database } from '../../core/storage/db/types.js';
import { SECRETS_TABLE } from './migrations.js';

interface SecretRow {
  name: string;
  sealed: string;
  created_at: number | string;
}

/**
 * A random 32-byte secret of the provider (cookie signing, CSRF tokens), made once and kept sealed
 * in the database, so every process of the platform and every restart uses the same one.
 */
export async function providerSecret(db: Database, secrets: SecretBox, name: string): Promise<Buffer> {
  const purpose = `oidc-provider-secret:${name}`;
  const existing = await db.knex<SecretRow>(SECRETS_TABLE).where('name', name).first();
  if (existing) return secrets.open(existing.sealed, purpose);
  // Another process may create it at the same moment: the first insert wins, everyone reads it back.
  await db
    .knex<SecretRow>(SECRETS_TABLE)
    .insert({ name, sealed: secrets.seal(randomBytes(32), purpose), created_at: Date.now() })
    .onConflict('name')
    .ignore();
  const row = (await db.knex<SecretRow>(SECRETS_TABLE).where('name', name).first())!;
  return secrets.open(row.sealed, purpose);
}
