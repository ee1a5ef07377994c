/**
 * S3 access keys: an access key id names a user (and extra groups); its secret is kept sealed with
 * the platform's secret box, since SigV4 verification needs it in clear (a hash would not do).
 */
import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../core/security/secret-box.js';
import type { Database } from '../../core/storage/db/types.js';
import { ACCESS_KEYS_TABLE } from './migrations.js';

export interface AccessKeyInfo {
  accessKeyId: string;
  user: string;
  groups: string[];
  description?: string;
  createdAt: string;
  revokedAt?: string;
}

export interface CreatedAccessKey extends AccessKeyInfo {
  secretAccessKey: string;
}

/** An active key with its secret opened, for the authenticator. */
export interface ResolvedAccessKey {
  accessKeyId: string;
  user: string;
  groups: string[];
  secret: string;
}

interface Row {
  access_key_id: string;
  user_id: string;
  groups: string;
  secret_sealed: string;
  description: string | null;
  created_at: string;
  revoked_at: string | null;
}

const purpose = (id: string) => `s3-secret-access-key:${id}`;
// Base32 without padding: upper case letters and digits, as AWS access key ids look.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newAccessKeyId(): string {
  const bytes = randomBytes(16);
  let id = 'MRD';
  for (let i = 0; i < 17; i++) id += BASE32[bytes[i % 16]! & 31]!;
  return id;
}

function toInfo(row: Row): AccessKeyInfo {
  const info: AccessKeyInfo = { accessKeyId: row.access_key_id, user: row.user_id, groups: JSON.parse(row.groups) as string[], createdAt: row.created_at };
  if (row.description) info.description = row.description;
  if (row.revoked_at) info.revokedAt = row.revoked_at;
  return info;
}

export class AccessKeys {
  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
  ) {}

  async create(options: { user: string; groups?: string[]; description?: string }): Promise<CreatedAccessKey> {
    if (!options.user || options.user.includes(':')) throw new Error('an access key needs a user name without ":"');
    const accessKeyId = newAccessKeyId();
    // 30 random bytes: 40 characters, the length of an AWS secret access key.
    const secretAccessKey = randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'z');
    const row: Row = {
      access_key_id: accessKeyId,
      user_id: options.user,
      groups: JSON.stringify([...new Set(options.groups ?? [])]),
      secret_sealed: this.secrets.seal(secretAccessKey, purpose(accessKeyId)),
      description: options.description ?? null,
      created_at: new Date().toISOString(),
      revoked_at: null,
    };
    await this.db.knex<Row>(ACCESS_KEYS_TABLE).insert(row);
    return { ...toInfo(row), secretAccessKey };
  }

  /** Keys, oldest first (never their secrets); revoked ones only when asked. */
  async list(options: { user?: string; includeRevoked?: boolean } = {}): Promise<AccessKeyInfo[]> {
    const q = this.db.knex<Row>(ACCESS_KEYS_TABLE).orderBy([{ column: 'created_at' }, { column: 'access_key_id' }]);
    if (options.user !== undefined) q.where('user_id', options.user);
    if (!options.includeRevoked) q.whereNull('revoked_at');
    return (await q).map(toInfo);
  }

  async get(accessKeyId: string): Promise<AccessKeyInfo | null> {
    const row = await this.db.knex<Row>(ACCESS_KEYS_TABLE).where('access_key_id', accessKeyId).first();
    return row ? toInfo(row) : null;
  }

  /** True when an active key was revoked. */
  async revoke(accessKeyId: string): Promise<boolean> {
    const n = await this.db.knex<Row>(ACCESS_KEYS_TABLE).where('access_key_id', accessKeyId).whereNull('revoked_at').update({ revoked_at: new Date().toISOString() });
    return n > 0;
  }

  /** The active key with its secret, or null (unknown or revoked). */
  async resolve(accessKeyId: string): Promise<ResolvedAccessKey | null> {
    if (!/^[A-Z0-9]{16,32}$/.test(accessKeyId)) return null;
    const row = await this.db.knex<Row>(ACCESS_KEYS_TABLE).where('access_key_id', accessKeyId).whereNull('revoked_at').first();
    if (!row) return null;
    const secret = this.secrets.open(row.secret_sealed, purpose(row.access_key_id)).toString('utf8');
    return { accessKeyId: row.access_key_id, user: row.user_id, groups: JSON.parse(row.groups) as string[], secret };
  }
}
