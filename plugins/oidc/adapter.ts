import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { SecretBox } from '../../core/security/secret-box.js';
import type { Database } from '../../core/storage/db/types.js';
import { PAYLOADS_TABLE } from './migrations.js';
import type { ClientStore } from './clients.js';

interface PayloadRow {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: number | string | null;
  consumed_at: number | string | null;
}

const CLIENT_SECRET_PURPOSE = 'oidc-dynamic-client-secret';

/**
 * oidc-provider's storage (sessions, interactions, grants, codes, tokens, dynamically registered
 * clients) in the core database, one table for every model. Expired rows are never returned and
 * are swept by `deleteExpired`. Clients added by the CLI are found here too, so the provider sees
 * them without a restart; dynamically registered clients keep their secret sealed at rest.
 */
export function createAdapterClass(db: Database, secrets: SecretBox, clients: ClientStore): new (name: string) => Adapter {
  const table = () => db.knex<PayloadRow>(PAYLOADS_TABLE);

  const rowToPayload = (model: string, row: PayloadRow | undefined): AdapterPayload | undefined => {
    if (!row) return undefined;
    if (row.expires_at !== null && Number(row.expires_at) <= Date.now()) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (row.consumed_at !== null) payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
    if (model === 'Client' && typeof payload.client_secret === 'string') {
      payload.client_secret = secrets.open(payload.client_secret, CLIENT_SECRET_PURPOSE).toString('utf8');
    }
    return payload;
  };

  return class DatabaseAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      let stored = payload;
      if (this.model === 'Client' && typeof payload.client_secret === 'string') {
        stored = { ...payload, client_secret: secrets.seal(payload.client_secret, CLIENT_SECRET_PURPOSE) };
      }
      const row: PayloadRow = {
        model: this.model,
        id,
        payload: JSON.stringify(stored),
        grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
        user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        expires_at: expiresIn ? Date.now() + expiresIn * 1000 : null,
        consumed_at: null,
      };
      const { consumed_at: _c, ...update } = row;
      await table().insert(row).onConflict(['model', 'id']).merge(update);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') {
        const registered = await clients.find(id);
        if (registered) return registered as AdapterPayload;
      }
      return rowToPayload(this.model, await table().where({ model: this.model, id }).first());
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return rowToPayload(this.model, await table().where({ model: this.model, user_code: userCode }).first());
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return rowToPayload(this.model, await table().where({ model: this.model, uid }).first());
    }

    async consume(id: string): Promise<void> {
      await table().where({ model: this.model, id }).update({ consumed_at: Date.now() });
    }

    async destroy(id: string): Promise<void> {
      await table().where({ model: this.model, id }).delete();
    }

    /** Every artefact of the grant, whatever its model (a replayed code revokes its tokens). */
    async revokeByGrantId(grantId: string): Promise<void> {
      await table().where({ grant_id: grantId }).delete();
    }
  };
}

/** Deletes rows past their expiry; returns how many. */
export async function deleteExpired(db: Database, now = Date.now()): Promise<number> {
  return db.knex<PayloadRow>(PAYLOADS_TABLE).whereNotNull('expires_at').andWhere('expires_at', '<=', now).delete();
}

/**
 * The stored access token (opaque format) with this value, when it exists and has not expired:
 * issued to a user (AccessToken) or to a client for itself (ClientCredentials).
 */
export async function findAccessToken(db: Database, token: string): Promise<AdapterPayload | undefined> {
  const row = await db.knex<PayloadRow>(PAYLOADS_TABLE).whereIn('model', ['AccessToken', 'ClientCredentials']).andWhere('id', token).first();
  if (!row) return undefined;
  if (row.expires_at !== null && Number(row.expires_at) <= Date.now()) return undefined;
  return JSON.parse(row.payload) as AdapterPayload;
}
