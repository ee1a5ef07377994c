import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Database } from '../storage/db/types.js';
import { USER_IDENTITIES_TABLE, USERS_TABLE } from './migrations.js';

/**
 * Local users of the embedded default (the `admin` user; HTTP Basic). Passwords are hashed with
 * scrypt and stored as `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later and
 * old hashes still verify.
 */
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

export interface LocalUser {
  name: string;
  groups: string[];
  /** Free-form account attributes (email, name, organisation...): claims and policy inputs. */
  attributes: Record<string, unknown>;
  createdAt: string;
}

interface UserRow {
  name: string;
  groups: string;
  password_hash: string;
  created_at: string;
  /** JSON object text; absent before migration 003, null for accounts without attributes. */
  attributes?: string | null;
}

/**
 * Stored as the password hash of accounts made by an external login: no password verifies
 * against it (verifyPassword refuses any hash not of the scrypt form).
 */
export const NO_PASSWORD = '!external';

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength);
  const hash = await scryptAsync(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** True when `password` matches `encoded` (from hashPassword); false for any malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length === 0) return false;
  const actual = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}

// Verified against when the user does not exist, so timing does not reveal which names exist.
let dummyHash: Promise<string> | undefined;

function toUser(row: UserRow): LocalUser {
  return {
    name: row.name,
    groups: JSON.parse(row.groups) as string[],
    attributes: row.attributes ? (JSON.parse(row.attributes) as Record<string, unknown>) : {},
    createdAt: row.created_at,
  };
}

export interface CreateUserOptions {
  name: string;
  /** Absent: an account that cannot log in with a password (made by an external login). */
  password?: string;
  groups?: string[];
  attributes?: Record<string, unknown>;
}

export async function createUser(db: Database, options: CreateUserOptions): Promise<LocalUser> {
  if (!options.name || options.name.includes(':')) throw new Error('A user name must be non-empty and contain no ":"');
  const row: UserRow = {
    name: options.name,
    groups: JSON.stringify([...new Set(options.groups ?? [])]),
    password_hash: options.password === undefined ? NO_PASSWORD : await hashPassword(options.password),
    created_at: new Date().toISOString(),
  };
  // Written only when given, so the table also works before migration 003 added the column.
  if (options.attributes && Object.keys(options.attributes).length) row.attributes = JSON.stringify(options.attributes);
  await db.knex<UserRow>(USERS_TABLE).insert(row);
  return toUser(row);
}

/** Adds and removes groups of an account; the groups after the change, or null when no such account. */
export async function changeUserGroups(db: Database, name: string, change: { add?: string[]; remove?: string[] }): Promise<string[] | null> {
  return db.knex.transaction(async (trx) => {
    const query = trx<UserRow>(USERS_TABLE).where('name', name);
    // SQLite serialises writers itself and has no FOR UPDATE.
    const row = await (db.dialect === 'postgres' ? query.forUpdate() : query).first();
    if (!row) return null;
    const removed = new Set(change.remove ?? []);
    const groups = [...new Set([...(JSON.parse(row.groups) as string[]), ...(change.add ?? [])])].filter((g) => !removed.has(g));
    await trx<UserRow>(USERS_TABLE).where('name', name).update({ groups: JSON.stringify(groups) });
    return groups;
  });
}

/** Merges `attributes` into the account's (a null value deletes that key); false when no such account. */
export async function updateUserAttributes(db: Database, name: string, attributes: Record<string, unknown>): Promise<boolean> {
  return db.knex.transaction(async (trx) => {
    const query = trx<UserRow>(USERS_TABLE).where('name', name);
    // SQLite serialises writers itself and has no FOR UPDATE.
    const row = await (db.dialect === 'postgres' ? query.forUpdate() : query).first();
    if (!row) return false;
    const merged: Record<string, unknown> = { ...(row.attributes ? (JSON.parse(row.attributes) as Record<string, unknown>) : {}) };
    for (const [k, v] of Object.entries(attributes)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    await trx<UserRow>(USERS_TABLE).where('name', name).update({ attributes: JSON.stringify(merged) });
    return true;
  });
}

/** Deletes an account (and its linked identities); false when there was none. */
export async function deleteUser(db: Database, name: string): Promise<boolean> {
  return db.knex.transaction(async (trx) => {
    await trx(USER_IDENTITIES_TABLE).where('user_name', name).delete();
    return (await trx<UserRow>(USERS_TABLE).where('name', name).delete()) > 0;
  });
}

/** An account's identity at an external OpenID Connect issuer. */
export interface LinkedIdentity {
  issuer: string;
  subject: string;
  user: string;
  createdAt: string;
}

interface IdentityRow {
  issuer: string;
  subject: string;
  user_name: string;
  created_at: string;
}

/** Links (issuer, subject) to an account; throws when that identity is already linked (to any account). */
export async function linkIdentity(db: Database, identity: { issuer: string; subject: string; user: string }): Promise<LinkedIdentity> {
  const row: IdentityRow = { issuer: identity.issuer, subject: identity.subject, user_name: identity.user, created_at: new Date().toISOString() };
  await db.knex<IdentityRow>(USER_IDENTITIES_TABLE).insert(row);
  return { issuer: row.issuer, subject: row.subject, user: row.user_name, createdAt: row.created_at };
}

/** The account linked to (issuer, subject), or null. */
export async function findUserByIdentity(db: Database, issuer: string, subject: string): Promise<LocalUser | null> {
  const row = await db
    .knex<UserRow>(USERS_TABLE)
    .join(USER_IDENTITIES_TABLE, `${USER_IDENTITIES_TABLE}.user_name`, `${USERS_TABLE}.name`)
    .where(`${USER_IDENTITIES_TABLE}.issuer`, issuer)
    .andWhere(`${USER_IDENTITIES_TABLE}.subject`, subject)
    .first(`${USERS_TABLE}.*`);
  return row ? toUser(row as UserRow) : null;
}

export async function listIdentities(db: Database, user: string): Promise<LinkedIdentity[]> {
  const rows = (await db.knex<IdentityRow>(USER_IDENTITIES_TABLE).where('user_name', user).orderBy(['issuer', 'subject'])) as IdentityRow[];
  return rows.map((r) => ({ issuer: r.issuer, subject: r.subject, user: r.user_name, createdAt: r.created_at }));
}

export async function getUser(db: Database, name: string): Promise<LocalUser | null> {
  const row = await db.knex<UserRow>(USERS_TABLE).where('name', name).first();
  return row ? toUser(row) : null;
}

export async function listUsers(db: Database): Promise<LocalUser[]> {
  const rows = (await db.knex<UserRow>(USERS_TABLE).select('*').orderBy('name')) as UserRow[];
  return rows.map(toUser);
}

export async function setUserPassword(db: Database, name: string, password: string): Promise<boolean> {
  const count = await db.knex<UserRow>(USERS_TABLE).where('name', name).update({ password_hash: await hashPassword(password) });
  return count > 0;
}

/** The user when `name` exists and `password` is theirs, else null. */
export async function verifyUserPassword(db: Database, name: string, password: string): Promise<LocalUser | null> {
  const row = await db.knex<UserRow>(USERS_TABLE).where('name', name).first();
  if (!row) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
    return null;
  }
  return (await verifyPassword(password, row.password_hash)) ? toUser(row) : null;
}
