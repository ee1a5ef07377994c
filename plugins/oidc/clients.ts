import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { hashPassword, verifyPassword } from '../../core/auth/users.js';
import type { Database } from '../../core/storage/db/types.js';
import type { ClientConfig } from './config.js';
import { CLIENTS_TABLE } from './migrations.js';
import { CLIENT_GROUPS } from './resources.js';

/**
 * Secrets are kept as scrypt hashes (`scrypt$...`, the core's password format). That is possible
 * because the provider only ever compares a client's secret (client_secret_basic and
 * client_secret_post): client_secret_jwt and HS* signed responses, which would need the secret
 * itself as an HMAC key, are not enabled (see provider.ts).
 */
export const HASH_PREFIX = 'scrypt$';

export type ClientGrant = 'client_credentials' | 'authorization_code';

export interface AddClientOptions {
  id: string;
  /** Absent for a public authorization_code client (PKCE required, no secret). */
  secret?: string;
  grant: ClientGrant;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  name?: string;
  /** Groups of the client when it acts for itself (client_credentials tokens). */
  groups?: string[];
}

export interface ClientSummary {
  clientId: string;
  grantTypes: string[];
  redirectUris: string[];
  authMethod: string;
  name?: string;
  groups: string[];
  source: 'cli';
  createdAt: string;
}

interface ClientRow {
  client_id: string;
  metadata: string;
  created_at: number | string;
}

/** OAuth client metadata (RFC 7591) for a client of one grant. */
export function clientMetadata(options: AddClientOptions, secretHash?: string): Record<string, unknown> {
  const code = options.grant === 'authorization_code';
  if (code && !options.redirectUris?.length) throw new Error('an authorization_code client needs at least one --redirect-uri');
  if (!code && !secretHash) throw new Error('a client_credentials client needs a --secret');
  return {
    client_id: options.id,
    ...(secretHash ? { client_secret: secretHash, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
    grant_types: code ? ['authorization_code', 'refresh_token'] : ['client_credentials'],
    response_types: code ? ['code'] : [],
    redirect_uris: code ? options.redirectUris : [],
    ...(options.postLogoutRedirectUris?.length ? { post_logout_redirect_uris: options.postLogoutRedirectUris } : {}),
    ...(options.name ? { client_name: options.name } : {}),
    ...(options.groups?.length ? { [CLIENT_GROUPS]: options.groups } : {}),
  };
}

/** The metadata a config entry gives the provider (client_secret_hash becomes the stored secret). */
export function configClientMetadata(entry: ClientConfig): Record<string, unknown> {
  const { client_secret_hash: hash, ...metadata } = entry;
  return hash ? { ...metadata, client_secret: hash } : metadata;
}

/** Clients added by the CLI (or the admin API), in the database. */
export class ClientStore {
  constructor(private readonly db: Database) {}

  async add(options: AddClientOptions): Promise<ClientSummary> {
    if (!/^[\x21-\x7e]{1,255}$/.test(options.id)) throw new Error('a client id is 1 to 255 printable ASCII characters');
    const hash = options.secret !== undefined ? await hashPassword(options.secret) : undefined;
    const metadata = clientMetadata(options, hash);
    const row: ClientRow = { client_id: options.id, metadata: JSON.stringify(metadata), created_at: Date.now() };
    await this.db.knex<ClientRow>(CLIENTS_TABLE).insert(row);
    return summary(row);
  }

  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.db.knex<ClientRow>(CLIENTS_TABLE).where('client_id', id).first();
    return row ? (JSON.parse(row.metadata) as Record<string, unknown>) : undefined;
  }

  async list(): Promise<ClientSummary[]> {
    const rows = (await this.db.knex<ClientRow>(CLIENTS_TABLE).orderBy('client_id')) as ClientRow[];
    return rows.map(summary);
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db.knex<ClientRow>(CLIENTS_TABLE).where('client_id', id).delete()) > 0;
  }
}

function summary(row: ClientRow): ClientSummary {
  const m = JSON.parse(row.metadata) as Record<string, unknown>;
  return {
    clientId: row.client_id,
    grantTypes: (m.grant_types as string[]) ?? [],
    redirectUris: (m.redirect_uris as string[]) ?? [],
    authMethod: String(m.token_endpoint_auth_method),
    ...(typeof m.client_name === 'string' ? { name: m.client_name } : {}),
    groups: (m[CLIENT_GROUPS] as string[] | undefined) ?? [],
    source: 'cli',
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

/**
 * Compares a presented secret with a client's stored one: an scrypt hash is verified (and the
 * success remembered briefly, keyed by an HMAC so the cache holds nothing that helps guessing),
 * a plain secret from config compared in constant time.
 */
export class ClientSecretVerifier {
  private readonly verified = new LRUCache<string, true>({ max: 1000, ttl: 60_000 });
  private readonly cacheKeySecret = randomBytes(32);

  async matches(clientId: string, stored: string | undefined, presented: string): Promise<boolean> {
    if (!stored) return false;
    if (!stored.startsWith(HASH_PREFIX)) {
      const a = Buffer.from(stored);
      const b = Buffer.from(presented);
      return a.length === b.length && timingSafeEqual(a, b);
    }
    const key = createHmac('sha256', this.cacheKeySecret).update(`${clientId}\0${stored}\0${presented}`).digest('base64url');
    if (this.verified.get(key)) return true;
    const ok = await verifyPassword(presented, stored);
    if (ok) this.verified.set(key, true);
    return ok;
  }
}
