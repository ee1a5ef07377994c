import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Database } from '../storage/db/types.js';
import { USERS_TABLE } from './migrations.js';

/**
 * Local users of the embedded default (the `admin` user; HTTP Basic). Passwords are hashed with
 * scrypt and stored as `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later and
 * old hashes still verify.
 */
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

export interface LocalUser {
  name: string;
  groups: string[];
  createdAt: string;
}

interface UserRow {
  name: string;
  groups: string;
  password_hash: string;
  created_at: string;
}

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
  return { name: row.name, groups: JSON.parse(row.groups) as string[], createdAt: row.created_at };
}

export interface CreateUserOptions {
  name: string;
  password: string;
  groups?: string[];
}

export async function createUser(db: Database, options: CreateUserOptions): Promise<LocalUser> {
  if (!options.name || options.name.includes(':')) throw new Error('A user name must be non-empty and contain no ":"');
  const row: UserRow = {
    name: options.name,
    groups: JSON.stringify([...new Set(options.groups ?? [])]),
    password_hash: await hashPassword(options.password),
    created_at: new Date().toISOString(),
  };
  await db.knex<UserRow>(USERS_TABLE).insert(row);
  return toUser(row);
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
