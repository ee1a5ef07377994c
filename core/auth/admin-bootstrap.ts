import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Database } from '../storage/db/types.js';
import { createApiKey, insertApiKey, listApiKeys, parseApiKey, revokeApiKey } from './api-keys.js';
import { migrateAuth } from './migrations.js';
import { createUser, getUser } from './users.js';

export const ADMIN_USER = 'admin';
export const ADMIN_GROUP = 'admin';
export const ADMIN_CREDENTIALS_FILE = 'admin-credentials.json';

/** What `<dataDir>/admin-credentials.json` holds. */
export interface AdminCredentials {
  user: string;
  password: string;
  apiKey: string;
  apiKeyId: string;
  createdAt: string;
  usage: string;
}

export interface AdminBootstrapResult {
  /**
   * created: new user, key and file; restored: user and key re-created from an existing file
   * (a new database in an old data directory); exists: the user was there, nothing changed;
   * skipped: neither user nor usable file, and the file could not be written or read.
   */
  status: 'created' | 'restored' | 'exists' | 'skipped';
  file: string;
}

export type AuthLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * On first start, creates user `admin` in group `admin` with a random password and an API key,
 * and writes both once to `<dataDir>/admin-credentials.json` (mode 0600). The file is never
 * overwritten; the log names the file, never the secrets.
 */
export async function ensureAdminUser(db: Database, dataDir: string, logger: AuthLogger): Promise<AdminBootstrapResult> {
  await migrateAuth(db);
  const file = join(dataDir, ADMIN_CREDENTIALS_FILE);
  if (await getUser(db, ADMIN_USER)) return { status: 'exists', file };

  const existing = await readCredentials(file, logger);
  if (existing === 'unusable') return { status: 'skipped', file };
  if (existing) {
    await restoreFromFile(db, existing);
    logger.warn({ file }, 'admin user was missing from the database; re-created it from the admin credentials file');
    return { status: 'restored', file };
  }

  const password = randomBytes(24).toString('base64url');
  const createdAt = new Date().toISOString();
  // The key is made first and the file written before the user row: if the process dies in
  // between, the next start restores the user from the file instead of locking admin out.
  const { id, key } = await createApiKey(db, { user: ADMIN_USER, groups: [ADMIN_GROUP], description: 'created at first start' });
  const credentials: AdminCredentials = {
    user: ADMIN_USER,
    password,
    apiKey: key,
    apiKeyId: id,
    createdAt,
    usage: 'HTTP Basic with user and password (curl -u admin:PASSWORD), or the header X-API-Key: APIKEY',
  };
  if (!(await writeOnce(file, `${JSON.stringify(credentials, null, 2)}\n`))) {
    await revokeApiKey(db, id);
    logger.warn({ file }, 'admin credentials file appeared while creating the admin user; left it untouched');
    return { status: 'skipped', file };
  }
  try {
    await createUser(db, { name: ADMIN_USER, password, groups: [ADMIN_GROUP] });
  } catch (err) {
    // Another process sharing the database created admin first: our file would name a password
    // that does not work, so take it back.
    if (await getUser(db, ADMIN_USER)) {
      await revokeApiKey(db, id);
      await unlink(file).catch(() => undefined);
      return { status: 'exists', file };
    }
    throw err;
  }
  logger.info({ file }, 'created user admin; its password and API key are in the admin credentials file (mode 0600)');
  return { status: 'created', file };
}

async function readCredentials(file: string, logger: AuthLogger): Promise<AdminCredentials | null | 'unusable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    logger.error({ file, err }, 'cannot read the admin credentials file; no admin user was created');
    return 'unusable';
  }
  try {
    const parsed = JSON.parse(text) as Partial<AdminCredentials>;
    if (parsed.user === ADMIN_USER && typeof parsed.password === 'string' && parsed.password && typeof parsed.apiKey === 'string' && parseApiKey(parsed.apiKey)) {
      return parsed as AdminCredentials;
    }
  } catch {
    // Reported below with the other shapes that cannot be used.
  }
  logger.error({ file }, 'the admin credentials file is not usable; delete it to create a new admin user');
  return 'unusable';
}

async function restoreFromFile(db: Database, credentials: AdminCredentials): Promise<void> {
  const parsed = parseApiKey(credentials.apiKey)!;
  const known = await listApiKeys(db, { user: ADMIN_USER, includeRevoked: true });
  if (!known.some((k) => k.id === parsed.id)) {
    await insertApiKey(db, { user: ADMIN_USER, groups: [ADMIN_GROUP], description: 'restored from the admin credentials file' }, parsed.id, parsed.secret);
  }
  await createUser(db, { name: ADMIN_USER, password: credentials.password, groups: [ADMIN_GROUP] });
}

/**
 * Writes `content` to `file` atomically and only if `file` does not exist: a private temporary
 * file is written and synced, then hard-linked to the final name (link fails rather than
 * replace). False when `file` already existed.
 */
export async function writeOnce(file: string, content: string): Promise<boolean> {
  const dir = join(file, '..');
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.chmod(0o600); // open's mode is narrowed by the umask; make it exact
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp);
  }
}
