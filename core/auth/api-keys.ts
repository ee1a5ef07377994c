import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../storage/db/types.js';
import { API_KEYS_TABLE } from './migrations.js';

/**
 * API keys: `mk_<id>_<secret>`. The id (16 hex digits) is the table's primary key, so a request
 * is checked with one indexed read; the secret is 256 random bits (base64url) of which only the
 * SHA-256 is stored. A slow password hash is not needed: the secret is not guessable, and a
 * plain digest keeps every request cheap.
 */
const KEY_PREFIX = 'mk_';
const KEY_PATTERN = /^mk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is written at most this often per key, so busy keys do not write on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeyInfo {
  id: string;
  user: string;
  groups: string[];
  description: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreateApiKeyOptions {
  user: string;
  groups?: string[];
  description?: string;
}

export interface CreatedApiKey {
  id: string;
  /** The whole key; shown once, it cannot be recovered later. */
  key: string;
}

interface ApiKeyRow {
  id: string;
  user_name: string;
  groups: string;
  description: string | null;
  secret_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Splits a key into id and secret; null for anything not shaped like a Meridian key. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

export function formatApiKey(id: string, secret: string): string {
  return `${KEY_PREFIX}${id}_${secret}`;
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function toInfo(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    user: row.user_name,
    groups: JSON.parse(row.groups) as string[],
    description: row.description ?? null,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at ?? null,
    revokedAt: row.revoked_at ?? null,
  };
}

/** Creates a key for `user` with `groups`; the returned `key` is the only time it is seen whole. */
export async function createApiKey(db: Database, options: CreateApiKeyOptions): Promise<CreatedApiKey> {
  return insertApiKey(db, options, randomBytes(8).toString('hex'), randomBytes(32).toString('base64url'));
}

/**
 * Stores a key whose id and secret are given. Used to restore the admin key from its credentials
 * file; everything else calls createApiKey.
 */
export async function insertApiKey(db: Database, options: CreateApiKeyOptions, id: string, secret: string): Promise<CreatedApiKey> {
  if (!options.user) throw new Error('An API key needs a user name');
  const key = formatApiKey(id, secret);
  if (!parseApiKey(key)) throw new Error('Malformed API key id or secret');
  await db.knex<ApiKeyRow>(API_KEYS_TABLE).insert({
    id,
    user_name: options.user,
    groups: JSON.stringify([...new Set(options.groups ?? [])]),
    description: options.description ?? null,
    secret_hash: hashSecret(secret).toString('hex'),
    created_at: new Date().toISOString(),
    last_used_at: null,
    revoked_at: null,
  });
  return { id, key };
}

export interface ListApiKeysOptions {
  user?: string;
  includeRevoked?: boolean;
}

/** Keys (never their secrets), oldest first; revoked ones only when asked. */
export async function listApiKeys(db: Database, options: ListApiKeysOptions = {}): Promise<ApiKeyInfo[]> {
  const query = db
    .knex<ApiKeyRow>(API_KEYS_TABLE)
    .select('id', 'user_name', 'groups', 'description', 'created_at', 'last_used_at', 'revoked_at')
    .orderBy([{ column: 'created_at' }, { column: 'id' }]);
  if (options.user !== undefined) query.where('user_name', options.user);
  if (!options.includeRevoked) query.whereNull('revoked_at');
  const rows = (await query) as ApiKeyRow[];
  return rows.map(toInfo);
}

/** Revokes key `id`; false when no such key exists or it was already revoked. */
export async function revokeApiKey(db: Database, id: string): Promise<boolean> {
  const count = await db
    .knex<ApiKeyRow>(API_KEYS_TABLE)
    .where('id', id)
    .whereNull('revoked_at')
    .update({ revoked_at: new Date().toISOString() });
  return count > 0;
}

/**
 * The key's record when `key` is a live key whose secret matches, else null. Records use at
 * most once per LAST_USED_RESOLUTION_MS.
 */
export async function verifyApiKey(db: Database, key: string, now: Date = new Date()): Promise<ApiKeyInfo | null> {
  const parsed = parseApiKey(key);
  if (!parsed) return null;
  const row = await db.knex<ApiKeyRow>(API_KEYS_TABLE).where('id', parsed.id).first();
  if (!row) return null;
  const stored = Buffer.from(row.secret_hash, 'hex');
  const given = hashSecret(parsed.secret);
  // Compare digests in constant time so response timing tells nothing about the stored hash.
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) return null;
  if (row.revoked_at) return null;
  const lastUsed = row.last_used_at ? Date.parse(row.last_used_at) : Number.NEGATIVE_INFINITY;
  if (now.getTime() - lastUsed >= LAST_USED_RESOLUTION_MS) {
    const stamp = now.toISOString();
    await db.knex<ApiKeyRow>(API_KEYS_TABLE).where('id', row.id).update({ last_used_at: stamp });
    row.last_used_at = stamp;
  }
  return toInfo(row);
}
