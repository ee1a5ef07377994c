/** The features engine: what `provide.features` returns (FeaturesService in types.ts). */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import type { Database } from '../../core/storage/db/types.js';
import { CollectionAccess, newCollectionResource, noSuchCollection, type FeaturesAction } from './access.js';
import { FeaturesError } from './errors.js';
import { planRead, recordOfRow, type ReadLimits, type ReadPlan } from './query.js';
import { describe, freshRow, layoutOfRow, type RegistryRow } from './registry.js';
import { createCollectionTable, layoutOf, normalizeDefinition, REGISTRY_TABLE, tableName } from './schema.js';
import { registerFeaturesSpatialFunctions } from './spatial-functions.js';
import { readRows, streamRows } from './stream.js';
import { runTransaction, type WriteTarget } from './write.js';
import type { CollectionDescription, Feature, FeatureQuery, FeaturesChange, FeaturesService, TransactionOperation, WriteGuard } from './types.js';

/** The largest page read with its count in one statement on PostgreSQL (held whole: a page, not an export). */
const PAGE_WITH_COUNT = 500;
/** The column of that statement holding the count of all matches. */
const MATCHED_COLUMN = 'r_matched';
/** How long a kept registry row answers a description asked for without its extent (see collection()). */
const SCHEMA_ROW_MS = 2000;
/** Registry rows kept at most. */
const SCHEMA_ROWS = 1024;

export interface FeaturesEngineOptions extends ReadLimits {
  db: Database;
  auth: AuthHooks;
  logger: Logger;
}

const OPS = new Set(['insert', 'update', 'replace', 'delete']);
const ACTION: Record<TransactionOperation['op'], Exclude<FeaturesAction, 'read'>> = { insert: 'create', update: 'update', replace: 'update', delete: 'delete' };

export function createFeaturesEngine(o: FeaturesEngineOptions): FeaturesService {
  const { db } = o;
  // SQLite: the exact spatial tests (JSTS) on the main connection before any query needs them.
  const functions = db.addSqliteFunctions ? db.addSqliteFunctions(registerFeaturesSpatialFunctions) : Promise.resolve();
  const ready = async () => functions;
  const access = new CollectionAccess(o.auth, o.logger);
  const limits: ReadLimits = { defaultLimit: o.defaultLimit, maxLimit: o.maxLimit };
  // Writes made through this engine, announced after they commit (other processes' writes are not seen).
  const guards = new Set<WriteGuard>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const announce = (change: FeaturesChange) => {
    try {
      events.emit('change', change);
    } catch (err) {
      o.logger.warn({ err }, 'features: change listener failed');
    }
  };

  const registryRow = async (id: string): Promise<RegistryRow | undefined> => {
    if (typeof id !== 'string') return undefined;
    // On a SQLite file through the read pool: one prepared statement, not a knex query per request.
    const [row] = await readRows(db, db.knex(REGISTRY_TABLE).where({ collection_id: id }).limit(1));
    const found = row as unknown as RegistryRow | undefined;
    if (found) schemaRows.keep(found);
    else schemaRows.forget(id);
    return found;
  };

  // Registry rows kept for what a row fixes for its whole life: its id, table, definition, owner
  // and visibility (a collection is never redefined: a new one is a new row with a new table).
  // A read of features planned from a kept row is exact, or fails because the table is gone; a
  // row is kept for a read by id, or a description without extent, for SCHEMA_ROW_MS.
  const schemaRows = new SchemaRows();

  // The registry row each description was made from: a request that has described a collection
  // (a WFS resolving its type name) queries it without a second read.
  const rowOfDescription = new WeakMap<CollectionDescription, RegistryRow>();
  const described = (row: RegistryRow): CollectionDescription => {
    const description = describe(row);
    rowOfDescription.set(description, row);
    return description;
  };

  /** The collection and the subject's read filters; NoSuchCollection when it may not read it. */
  const readable = async (collection: string | CollectionDescription, subject: Subject) => {
    const id = typeof collection === 'string' ? collection : collection.id;
    const row = (typeof collection === 'string' ? undefined : rowOfDescription.get(collection)) ?? schemaRows.recent(id) ?? (await registryRow(id));
    if (!row) throw noSuchCollection(String(id));
    const layout = layoutOfRow(row);
    const filters = await access.readFilters(layout, subject);
    if (filters === null) throw noSuchCollection(id);
    return { row, layout, filters };
  };

  /**
   * A read that failed: the collection may have been deleted since its row was read (by another
   * process, its table with it). Then it is NoSuchCollection, as if the read came after the
   * delete; else the failure stands.
   */
  const failedRead = async (row: RegistryRow, err: unknown): Promise<never> => {
    if (err instanceof FeaturesError) throw err;
    schemaRows.forget(row.collection_id);
    const now = await registryRow(row.collection_id).catch(() => row);
    if (!now || String(now.id) !== String(row.id)) throw noSuchCollection(row.collection_id);
    throw err;
  };
  const guarded = async <T>(row: RegistryRow, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      return failedRead(row, err);
    }
  };
  /** The features, the first read guarded as above (a table dropped under a read under way is the database's error to report). */
  const guardedFeatures = (row: RegistryRow, features: AsyncIterable<Feature>): AsyncIterable<Feature> => ({
    [Symbol.asyncIterator]() {
      const iterator = features[Symbol.asyncIterator]();
      let first = true;
      const firstRead = async () => {
        first = false;
        try {
          return await iterator.next();
        } catch (err) {
          return failedRead(row, err);
        }
      };
      return {
        next: () => (first ? firstRead() : iterator.next()),
        return: (value?: unknown) => (iterator.return ? iterator.return(value) : Promise.resolve({ done: true as const, value: undefined })),
      };
    },
  });

  const countMatched = async (plan: ReadPlan): Promise<number> => {
    if (!plan.exactCheck) {
      const [row] = (await readRows(db, plan.count(db.knex))) as Array<{ n: number | string }>;
      return Number(row?.n ?? 0);
    }
    let n = 0;
    for await (const row of streamRows(db, (k, w) => plan.rows(k, w), { limit: Number.POSITIVE_INFINITY, offset: 0 })) {
      if (plan.exactCheck(recordOfRow(plan.layout, row))) n++;
    }
    return n;
  };

  /**
   * PostgreSQL, a page with its count: one statement, the count of every match a scalar subquery
   * (run once) selected with each row of the page, instead of a count and a page query, each a
   * round trip with its own parse and plan. An empty page past the end says nothing of the
   * total: then it is counted on its own.
   */
  const pageWithCount = async (plan: ReadPlan): Promise<{ numberMatched: number; features: AsyncIterable<Feature> }> => {
    const k = db.knex;
    const page = await readRows(db, plan.rows(k, { limit: plan.limit, offset: plan.offset }).select(k.raw('(?) AS ??', [plan.count(k), MATCHED_COLUMN])));
    const numberMatched = page.length > 0 ? Number(page[0]![MATCHED_COLUMN]) : plan.offset > 0 ? await countMatched(plan) : 0;
    async function* features(): AsyncGenerator<Feature> {
      for (const row of page) yield plan.feature(row);
    }
    return { numberMatched, features: features() };
  };

  async function* featuresOf(plan: ReadPlan): AsyncGenerator<Feature> {
    if (plan.limit === 0) return;
    const check = plan.exactCheck;
    // With an in-memory check, paging is done here on the rows that pass it.
    const window = check ? { limit: Number.POSITIVE_INFINITY, offset: 0 } : { limit: plan.limit, offset: plan.offset };
    let skipped = 0;
    let produced = 0;
    for await (const row of streamRows(db, (k, w) => plan.rows(k, w), window)) {
      if (check) {
        if (!check(recordOfRow(plan.layout, row))) continue;
        if (skipped < plan.offset) {
          skipped++;
          continue;
        }
      }
      yield plan.feature(row);
      if (++produced >= plan.limit) return;
    }
  }

  // Who owns a collection, for what knows only its id (the PDP's sharing API).
  o.auth.registerOwnerLookup('features', 'feature-collection', async (id) => (await registryRow(id))?.owner ?? undefined);

  return {
    async collections(subject) {
      await ready();
      const rows = (await db.knex(REGISTRY_TABLE).select('*').orderBy('collection_id')) as RegistryRow[];
      const out: CollectionDescription[] = [];
      for (const row of rows) {
        if (await access.mayRead(layoutOfRow(row), subject)) out.push(describe(await freshRow(db, row)));
      }
      return out;
    },

    async collection(id, subject, options = {}) {
      await ready();
      const kept = options.extent === false && typeof id === 'string' ? schemaRows.recent(id) : undefined;
      const row = kept ?? (await registryRow(id));
      if (!row || !(await access.mayRead(layoutOfRow(row), subject))) return undefined;
      return described(kept ?? (await freshRow(db, row)));
    },

    async createCollection(definition, subject) {
      await ready();
      const def = normalizeDefinition(definition, subject.anonymous ? undefined : subject.id);
      await access.requirePermit(subject, newCollectionResource(def.id, def.owner, def.visibility), 'create', `Not allowed to create feature collection '${def.id}'`);
      const now = new Date().toISOString();
      try {
        await db.knex.transaction(async (trx) => {
          if (await trx(REGISTRY_TABLE).where({ collection_id: def.id }).first()) throw exists(def.id);
          const [inserted] = (await trx(REGISTRY_TABLE)
            .insert({ collection_id: def.id, table_name: '', definition: JSON.stringify(def), owner: def.owner ?? null, visibility: def.visibility, created: now, updated: now })
            .returning('id')) as Array<{ id: number | string } | number>;
          const key = Number(typeof inserted === 'object' ? inserted!.id : inserted);
          const layout = layoutOf(key, tableName(key), def);
          await trx(REGISTRY_TABLE).where({ id: key }).update({ table_name: layout.table });
          await createCollectionTable(trx, db, layout);
        });
        schemaRows.forget(def.id);
      } catch (err) {
        if (err instanceof FeaturesError) throw err;
        // A concurrent create of the same id: the unique registry column refused the second.
        if (await registryRow(def.id)) throw exists(def.id);
        throw err;
      }
      announce({ collection: def.id, created: true });
      return describe((await registryRow(def.id))!);
    },

    async deleteCollection(id, subject) {
      await ready();
      const row = await registryRow(id);
      if (!row) throw noSuchCollection(String(id));
      const layout = layoutOfRow(row);
      if (!(await access.mayRead(layout, subject))) throw noSuchCollection(id);
      await access.requirePermit(subject, newCollectionResource(id, layout.definition.owner, layout.definition.visibility), 'delete', `Not allowed to delete feature collection '${id}'`);
      await db.knex.transaction(async (trx) => {
        await trx(REGISTRY_TABLE).where({ id: row.id }).delete();
        await trx.schema.dropTableIfExists(layout.table);
        // SQLite's R*Tree is a table of its own.
        if (db.dialect === 'sqlite') await trx.schema.dropTableIfExists(`${layout.table}_rtree`);
      });
      schemaRows.forget(id);
      announce({ collection: id, removed: true });
    },

    async query(collection, query, subject, options = {}) {
      await ready();
      const read = await readable(collection, subject);
      const { layout, filters: readFilters } = read;
      // Features to lock: those the subject may update as well as read.
      const filters = options.access === 'update' ? [...readFilters, ...(await access.writeFilters(layout, subject, 'update'))] : readFilters;
      const plan = planRead(db, layout, query ?? {}, filters, limits);
      if (options.count && db.dialect === 'postgres' && !plan.exactCheck && plan.limit > 0 && plan.limit <= PAGE_WITH_COUNT) return guarded(read.row, () => pageWithCount(plan));
      const result: { numberMatched?: number; features: AsyncIterable<Feature> } = { features: guardedFeatures(read.row, featuresOf(plan)) };
      if (options.count) result.numberMatched = await guarded(read.row, () => countMatched(plan));
      return result;
    },

    async count(collection, query, subject) {
      await ready();
      const read = await readable(collection, subject);
      return guarded(read.row, () => countMatched(planRead(db, read.layout, { ...(query ?? {}), limit: undefined, offset: undefined }, read.filters, limits, { paging: false })));
    },

    async transaction(operations, subject, options = {}) {
      await ready();
      if (!Array.isArray(operations)) throw new FeaturesError('InvalidValue', 'operations must be an array', { locator: 'operations' });
      const targets = new Map<string, WriteTarget>();
      for (const [i, op] of operations.entries()) {
        if (!op || typeof op !== 'object' || !OPS.has(op.op)) throw new FeaturesError('InvalidValue', `Operation ${i + 1} is not insert, update, replace or delete`, { locator: 'operations' });
        let target = targets.get(op.collection);
        if (!target) {
          const row = await registryRow(op.collection);
          if (!row) throw noSuchCollection(String(op.collection));
          target = { row, layout: layoutOfRow(row), filters: {} };
          targets.set(op.collection, target);
        }
        const action = ACTION[op.op];
        if (!target.filters[action]) target.filters[action] = await access.writeFilters(target.layout, subject, action);
        if (action === 'create' && target.filters.create!.length > 0) {
          // Inserts cannot be narrowed by a filter: a conditional permit to create is no permit.
          throw new FeaturesError('InvalidQuery', `Inserting into '${op.collection}' is permitted only under conditions the engine cannot check`, { locator: op.collection });
        }
      }
      if (targets.size === 0) return { inserted: [], updated: 0, replaced: 0, deleted: 0 };
      const { result, touched } = await runTransaction(db, operations, targets, subject, limits, { guards: [...guards], options });
      for (const id of touched) announce({ collection: id });
      return result;
    },

    async queryables(collection, subject) {
      await ready();
      const { layout } = await readable(collection, subject);
      return layout.definition.properties.filter((p) => p.type !== 'json');
    },

    addWriteGuard(guard) {
      guards.add(guard);
      return () => void guards.delete(guard);
    },

    onChange(listener) {
      events.on('change', listener);
      return () => void events.off('change', listener);
    },

    limits,
  };
}

/** Registry rows by collection id, the oldest dropped past SCHEMA_ROWS. */
class SchemaRows {
  private readonly rows = new Map<string, { row: RegistryRow; readAt: number }>();

  keep(row: RegistryRow): void {
    this.rows.delete(row.collection_id);
    this.rows.set(row.collection_id, { row, readAt: performance.now() });
    if (this.rows.size > SCHEMA_ROWS) this.rows.delete(this.rows.keys().next().value!);
  }

  forget(id: string): void {
    this.rows.delete(id);
  }

  /** A row read at most SCHEMA_ROW_MS ago. */
  recent(id: string): RegistryRow | undefined {
    const kept = this.rows.get(id);
    return kept && performance.now() - kept.readAt <= SCHEMA_ROW_MS ? kept.row : undefined;
  }
}

function exists(id: string): FeaturesError {
  return new FeaturesError('CollectionExists', `Feature collection '${id}' already exists`, { locator: 'id' });
}
