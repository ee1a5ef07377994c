/**
 * Feature locks (WFS Locking conformance class), kept in the database so every process of the
 * platform sees them. A lock has a random, unguessable id, an owner (the subject that took it: a
 * lock id is usable only by its owner), an expiry and the features it holds. Expired locks hold
 * nothing: their features are freed before any lock is taken, and their rows are kept for a day
 * so their id still answers LockHasExpired rather than InvalidLockId.
 *
 * The write guard (`guard`) runs inside every features-engine write, whatever protocol made it
 * (WFS Transaction, OGC API - Features): a feature locked by a live lock the write does not
 * present is refused, so the write rolls back whole. With the lock presented, the release
 * (releaseAction ALL or SOME) happens in the same database transaction as the write.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Subject } from '../../../core/auth/types.js';
import type { Database } from '../../../core/storage/db/types.js';
import { FeaturesError } from '../../features/errors.js';
import type { TouchedFeatures, TransactionOptions, WriteGuard } from '../../features/types.js';
import { wfsException } from '../exceptions.js';
import { LOCKED_FEATURES_TABLE, LOCKS_TABLE } from './migrations.js';

/** How long an expired lock's id is remembered (LockHasExpired; afterwards InvalidLockId). */
const EXPIRED_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Bound values per statement, well under SQLite's and PostgreSQL's limits. */
const CHUNK = 500;

export interface FeatureRef {
  collection: string;
  id: string;
}

export interface LockOutcome {
  lockId: string;
  locked: FeatureRef[];
  /** Features another lock holds (lockAction SOME). */
  notLocked: FeatureRef[];
}

export type LockAction = 'ALL' | 'SOME';

interface LockRow {
  lock_id: string;
  owner: string | null;
  created: number | string;
  expires: number | string;
  duration: number | string;
}

export function ownerOf(subject: Subject): string | null {
  return subject.anonymous ? null : `${subject.issuer} ${subject.id}`;
}

const key = (f: FeatureRef) => `${f.collection}\u0000${f.id}`;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class LockStore {
  constructor(private readonly db: Database) {}

  /** A new lock id: 144 random bits, URL- and XML-safe. */
  private static newId(): string {
    return randomBytes(18).toString('base64url');
  }

  /** Frees the features of expired locks and forgets locks expired long ago. */
  private async clean(trx: Knex.Transaction, now: number): Promise<void> {
    await trx(LOCKED_FEATURES_TABLE).whereIn('lock_id', trx(LOCKS_TABLE).select('lock_id').where('expires', '<=', now)).delete();
    await trx(LOCKS_TABLE).where('expires', '<=', now - EXPIRED_RETENTION_MS).delete();
  }

  /**
   * The lock `lockId` as its owner may use it: InvalidLockId when there is none (never issued,
   * released, forgotten) or it is another subject's, LockHasExpired when it expired.
   */
  private async usable(trx: Knex | Knex.Transaction, lockId: string, subject: Subject, now: number, locator: string): Promise<LockRow> {
    const row = (await trx(LOCKS_TABLE).where({ lock_id: lockId }).first()) as LockRow | undefined;
    if (!row || row.owner !== ownerOf(subject)) throw wfsException('InvalidLockId', `No lock '${lockId}' is held by this client`, locator);
    if (Number(row.expires) <= now) throw wfsException('LockHasExpired', `Lock '${lockId}' has expired`, locator);
    return row;
  }

  /** Checks a lock id without changing anything (a Transaction's lockId before it runs). */
  async check(lockId: string, subject: Subject, locator = 'lockId'): Promise<void> {
    await this.usable(this.db.knex, lockId, subject, Date.now(), locator);
  }

  /**
   * Locks the features for `durationMs`. ALL: every one of them or none (CannotLockAllFeatures,
   * nothing kept); SOME: those no other live lock holds. The features are locked in one database
   * transaction; two concurrent requests never both get a feature (the unique key decides).
   */
  async acquire(features: FeatureRef[], subject: Subject, durationMs: number, action: LockAction, locator?: string): Promise<LockOutcome> {
    const wanted = [...new Map(features.map((f) => [key(f), f])).values()];
    return this.db.knex.transaction(async (trx) => {
      const now = Date.now();
      await this.clean(trx, now);
      const lockId = LockStore.newId();
      await trx(LOCKS_TABLE).insert({ lock_id: lockId, owner: ownerOf(subject), created: now, expires: now + durationMs, duration: durationMs });
      for (const part of chunks(wanted)) {
        await trx(LOCKED_FEATURES_TABLE)
          .insert(part.map((f) => ({ lock_id: lockId, collection: f.collection, fid: f.id })))
          .onConflict(['collection', 'fid'])
          .ignore();
      }
      const mine = new Set(((await trx(LOCKED_FEATURES_TABLE).where({ lock_id: lockId }).select('collection', 'fid')) as Array<{ collection: string; fid: string }>).map((r) => key({ collection: r.collection, id: r.fid })));
      const locked = wanted.filter((f) => mine.has(key(f)));
      const notLocked = wanted.filter((f) => !mine.has(key(f)));
      if (action === 'ALL' && notLocked.length > 0) {
        const sample = notLocked.slice(0, 5).map((f) => f.id).join(', ');
        throw wfsException('CannotLockAllFeatures', `${notLocked.length} of the ${wanted.length} features are locked by another lock (${sample}${notLocked.length > 5 ? ', ...' : ''}); nothing was locked`, locator);
      }
      return { lockId, locked, notLocked };
    });
  }

  /** Restarts a lock's expiry (2.0 LockFeature with lockId): `durationMs`, or the duration it was taken for. */
  async renew(lockId: string, subject: Subject, durationMs: number | undefined, locator = 'lockId'): Promise<LockOutcome> {
    return this.db.knex.transaction(async (trx) => {
      const now = Date.now();
      const row = await this.usable(trx, lockId, subject, now, locator);
      const duration = durationMs ?? Number(row.duration);
      await trx(LOCKS_TABLE).where({ lock_id: lockId }).update({ expires: now + duration, duration });
      const rows = (await trx(LOCKED_FEATURES_TABLE).where({ lock_id: lockId }).select('collection', 'fid').orderBy('id')) as Array<{ collection: string; fid: string }>;
      return { lockId, locked: rows.map((r) => ({ collection: r.collection, id: r.fid })), notLocked: [] };
    });
  }

  /** Releases what a Transaction without engine writes says (releaseAction ALL: the lock; SOME: nothing touched, the expiry restarts). */
  async releaseUntouched(lockId: string, subject: Subject, release: 'all' | 'some'): Promise<void> {
    await this.db.knex.transaction(async (trx) => this.release(trx, await this.usable(trx, lockId, subject, Date.now(), 'lockId'), new Map(), release, Date.now()));
  }

  private async release(trx: Knex.Transaction, lock: LockRow, touched: TouchedFeatures, release: 'all' | 'some', now: number): Promise<void> {
    if (release === 'all') {
      await trx(LOCKED_FEATURES_TABLE).where({ lock_id: lock.lock_id }).delete();
      await trx(LOCKS_TABLE).where({ lock_id: lock.lock_id }).delete();
      return;
    }
    for (const [collection, ids] of touched) {
      for (const part of chunks(ids)) await trx(LOCKED_FEATURES_TABLE).where({ lock_id: lock.lock_id, collection }).whereIn('fid', part).delete();
    }
    await trx(LOCKS_TABLE).where({ lock_id: lock.lock_id }).update({ expires: now + Number(lock.duration) });
  }

  /** The engine's write guard: see the module comment. */
  readonly guard: WriteGuard = async (trx: Knex.Transaction, touched: TouchedFeatures, subject: Subject, options: TransactionOptions) => {
    const now = Date.now();
    const lock = options.lock ? await this.usable(trx, options.lock.id, subject, now, 'lockId') : undefined;
    for (const [collection, ids] of touched) {
      for (const part of chunks([...new Set(ids)])) {
        const q = trx(`${LOCKED_FEATURES_TABLE} as f`)
          .join(`${LOCKS_TABLE} as l`, 'l.lock_id', 'f.lock_id')
          .where('f.collection', collection)
          .whereIn('f.fid', part)
          .where('l.expires', '>', now)
          .select('f.fid')
          .first();
        if (lock) q.whereNot('f.lock_id', lock.lock_id);
        const held = (await q) as { fid: string } | undefined;
        if (held) {
          throw new FeaturesError('FeatureLocked', `Feature '${held.fid}' of '${collection}' is locked by another client${lock ? '' : ' (a WFS lock; the write needs its lockId)'}`, { locator: held.fid });
        }
      }
    }
    if (lock) await this.release(trx, lock, touched, options.lock!.release, now);
  };
}
