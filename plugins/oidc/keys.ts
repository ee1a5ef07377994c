import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SecretBox } from '../../core/security/secret-box.js';
import type { Database } from '../../core/storage/db/types.js';
import { KEYS_TABLE } from './migrations.js';
import { openOrExplain } from './provider-secrets.js';

export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

/** One signing key as the provider uses it. */
export interface SigningKey {
  kid: string;
  alg: string;
  createdAt: number;
  retiredAt: number | null;
  publicJwk: JWK;
}

interface KeyRow {
  kid: string;
  alg: string;
  public_jwk: string;
  private_sealed: string;
  created_at: number | string;
  retired_at: number | string | null;
}

const purposeOf = (kid: string) => `oidc-signing-key:${kid}`;

const toKey = (row: KeyRow): SigningKey => ({
  kid: row.kid,
  alg: row.alg,
  createdAt: Number(row.created_at),
  retiredAt: row.retired_at === null ? null : Number(row.retired_at),
  publicJwk: JSON.parse(row.public_jwk) as JWK,
});

/**
 * The provider's signing keys in the database. Private parts are sealed with the core's secret
 * box (AES-256-GCM, bound to the key id), so a database dump alone signs nothing. Rotation adds a
 * key that signs from then on; older keys stay published (tokens they signed keep verifying)
 * until retired.
 */
export class KeyStore {
  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
  ) {}

  /** Adds a new key (it becomes the one that signs) and returns it. */
  async rotate(alg: SigningAlg): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' || alg === 'PS256' ? { modulusLength: 2048 } : {}) });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
    const row: KeyRow = {
      kid,
      alg,
      public_jwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
      private_sealed: this.secrets.seal(JSON.stringify(privateJwk), purposeOf(kid)),
      created_at: Date.now(),
      retired_at: null,
    };
    await this.db.knex<KeyRow>(KEYS_TABLE).insert(row);
    return toKey(row);
  }

  /** A key exists for `alg`, made now when none does (the first start). */
  async ensure(alg: SigningAlg): Promise<void> {
    const active = await this.db.knex<KeyRow>(KEYS_TABLE).whereNull('retired_at').andWhere('alg', alg).first('kid');
    if (!active) await this.rotate(alg);
  }

  /** Every key, newest first. */
  async list(): Promise<SigningKey[]> {
    const rows = (await this.db.knex<KeyRow>(KEYS_TABLE).orderBy('created_at', 'desc').orderBy('kid')) as KeyRow[];
    return rows.map(toKey);
  }

  /** Keys not retired, newest first: the first of an algorithm signs, all are published. */
  async active(): Promise<SigningKey[]> {
    return (await this.list()).filter((k) => k.retiredAt === null);
  }

  /** Private JWKs of the active keys, newest first (oidc-provider signs with the first that fits). */
  async privateJwks(): Promise<JWK[]> {
    const rows = (await this.db.knex<KeyRow>(KEYS_TABLE).whereNull('retired_at').orderBy('created_at', 'desc').orderBy('kid')) as KeyRow[];
    return rows.map((r) => JSON.parse(openOrExplain(this.secrets, r.private_sealed, purposeOf(r.kid)).toString('utf8')) as JWK);
  }

  /** Stops using and publishing a key; false when no active key has that id. */
  async retire(kid: string): Promise<boolean> {
    return (await this.db.knex<KeyRow>(KEYS_TABLE).where('kid', kid).whereNull('retired_at').update({ retired_at: Date.now() })) > 0;
  }

  /** Changes whenever a key is added or retired (by this process or another): the active kids in order. */
  async version(): Promise<string> {
    const rows = (await this.db.knex<KeyRow>(KEYS_TABLE).whereNull('retired_at').orderBy('created_at', 'desc').orderBy('kid').select('kid')) as Array<{ kid: string }>;
    return rows.map((r) => r.kid).join(',');
  }
}
