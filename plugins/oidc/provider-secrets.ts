import { randomBytes } from 'node:crypto';
import { SecretBoxError, type SecretBox } from '../../core/security/secret-box.js';
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
  if (existing) return openOrExplain(secrets, existing.sealed, purpose);
  // Another process may create it at the same moment: the first insert wins, everyone reads it back.
  await db
    .knex<SecretRow>(SECRETS_TABLE)
    .insert({ name, sealed: secrets.seal(randomBytes(32), purpose), created_at: Date.now() })
    .onConflict('name')
    .ignore();
  const row = (await db.knex<SecretRow>(SECRETS_TABLE).where('name', name).first())!;
  return openOrExplain(secrets, row.sealed, purpose);
}

/** Opens a value sealed by the OIDC plugin; a wrong key is named as the configuration problem it is. */
export function openOrExplain(secrets: SecretBox, sealed: string, purpose: string): Buffer {
  try {
    return secrets.open(sealed, purpose);
  } catch (err) {
    if (err instanceof SecretBoxError) {
      throw new Error(
        `the OIDC provider's stored secrets (signing keys, cookie keys) were sealed with another secret key: give this process the same secrets.key (or <dataDir>/secret.key) as the one that created them (${err.message})`,
      );
    }
    throw err;
  }
}
