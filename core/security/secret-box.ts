import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Encryption at rest for secrets the platform must be able to read back (S3 secret keys, which
 * SigV4 needs in clear to verify; OIDC signing keys). AES-256-GCM with a fresh 96-bit IV per
 * seal; `purpose` is bound as additional data, so a sealed value moved to another row or use
 * does not open. Sealed form: `v1.<iv>.<ciphertext>.<tag>` (base64url).
 */
export interface SecretBox {
  seal(plaintext: string | Buffer, purpose: string): string;
  /** Throws SecretBoxError for a tampered value, another key or another purpose. */
  open(sealed: string, purpose: string): Buffer;
}

export class SecretBoxError extends Error {}

export interface SecretsConfig {
  /** 32 bytes as 64 hex digits or base64/base64url (use `${VAR}`); absent: `<dataDir>/secret.key`. */
  key?: string;
}

export const SECRET_KEY_FILE = 'secret.key';

export const secretsConfigSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Key that encrypts secrets at rest (S3 secret keys, OIDC signing keys).',
  properties: {
    key: {
      type: 'string',
      minLength: 1,
      description: "32 bytes as 64 hex digits or base64 (use ${VAR}); absent: generated once into <dataDir>/secret.key (mode 0600).",
    },
  },
} as const;

/** Reads a 32-byte key from hex or base64(url); throws naming the problem, never the key. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new SecretBoxError(`secrets.key must be 32 bytes (64 hex digits or base64), got ${key.length} bytes`);
  return key;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretBoxError('a secret box key is 32 bytes');
  return {
    seal(plaintext, purpose) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(purpose, 'utf8'));
      const data = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
      return ['v1', iv.toString('base64url'), data.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, purpose) {
      const parts = sealed.split('.');
      if (parts.length !== 4 || parts[0] !== 'v1') throw new SecretBoxError('not a sealed secret');
      const [iv, data, tag] = parts.slice(1).map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
      if (iv.length !== 12 || tag.length !== 16) throw new SecretBoxError('not a sealed secret');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(Buffer.from(purpose, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(data), decipher.final()]);
      } catch {
        throw new SecretBoxError('sealed secret does not open with this key and purpose');
      }
    },
  };
}

/**
 * The platform's secret box: the configured key, or the data directory's key file, created
 * (mode 0600, exclusive create so two processes starting together agree on one key) when absent.
 */
export async function openSecretBox(config: SecretsConfig | undefined, dataDir: string): Promise<SecretBox> {
  if (config?.key) return createSecretBox(parseSecretKey(config.key));
  const file = join(dataDir, SECRET_KEY_FILE);
  try {
    return createSecretBox(parseSecretKey(await readFile(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(file), { recursive: true });
  const key = randomBytes(32);
  try {
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(`${key.toString('hex')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return createSecretBox(key);
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return createSecretBox(parseSecretKey(await readFile(file, 'utf8')));
    throw err;
  }
}
