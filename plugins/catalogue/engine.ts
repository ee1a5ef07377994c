/** The catalogue engine: what `provide.catalogue` returns (CatalogueService in types.ts). */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import type { Database } from '../../core/storage/db/types.js';
import { readFilters } from './access.js';
import { createMetadataFormats } from './formats/index.js';
import { describeQueryables, RECORDS_TABLE, SPATIAL_INDEX_OPTIONS } from './schema.js';
import { facetCounts, searchRecords, valueRanges, type ReadAccess, type SearchLimits } from './search.js';
import type { CatalogueChange, CatalogueRecord, CatalogueService, FacetValue, ValueRange } from './types.js';
import { deleteRecords, patchRecord, recordStamps, upsertRecords, writeBatch } from './write.js';

export interface CatalogueEngineOptions extends SearchLimits {
  db: Database;
  auth: AuthHooks;
  logger: Logger;
}

export function createCatalogueEngine(o: CatalogueEngineOptions): CatalogueService {
  // Fixes the records' spatial index (with its time dimension) before any query asks for it.
  o.db.spatialIndex(RECORDS_TABLE, SPATIAL_INDEX_OPTIONS);
  const readAccess = async (subject: Subject): Promise<ReadAccess | null> => {
    const filters = await readFilters(o.auth, subject, o.logger);
    return filters && { filters, groups: subject.anonymous ? [] : subject.groups };
  };
  const empty = { records: [], numberMatched: 0, numberReturned: 0 };
  // Who owns a record, for what knows only its identifier (the PDP's sharing API).
  o.auth.registerOwnerLookup('catalogue', 'record', async (id) => (await recordStamps(o.db, [id])).get(id)?.owner);
  // Writes made through this engine, announced after they commit (other processes' writes are not seen).
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const announce = (stored: CatalogueRecord[], deleted: string[]): void => {
    if (stored.length === 0 && deleted.length === 0) return;
    const change: CatalogueChange = {
      identifiers: [...stored.map((r) => r.identifier), ...deleted],
      collections: [...new Set(stored.map((r) => (r.type === 'collection' ? r.identifier : r.parentIdentifier)).filter((c): c is string => !!c))],
      deleted,
    };
    events.emit('change', change);
  };
  return {
    async upsert(records, conditions) {
      const stored = await upsertRecords(o.db, records, conditions);
      announce(stored, []);
      return stored;
    },
    async patch(identifier, changes, conditions) {
      const stored = await patchRecord(o.db, identifier, changes, conditions);
      announce([stored], []);
      return stored;
    },
    async delete(identifiers, conditions) {
      const count = await deleteRecords(o.db, identifiers, conditions);
      if (count > 0) announce([], identifiers);
      return count;
    },
    async write(batch, conditions) {
      const result = await writeBatch(o.db, batch, conditions);
      announce(result.stored, result.deleted > 0 ? (batch.delete ?? []) : []);
      return result;
    },
    onChange(listener) {
      events.on('change', listener);
      return () => events.off('change', listener);
    },
    stamps: (identifiers) => recordStamps(o.db, identifiers),
    async get(identifier, subject) {
      const access = await readAccess(subject);
      if (!access) return undefined;
      const found = await searchRecords(o.db, { identifiers: [identifier], limit: 1 }, access, o);
      return found.records[0];
    },
    async search(query, subject) {
      const access = await readAccess(subject);
      if (!access) return empty;
      return searchRecords(o.db, query, access, o);
    },
    async facets(query, subject, properties) {
      const access = await readAccess(subject);
      if (!access) return Object.fromEntries(properties.map((p) => [p, [] as FacetValue[]]));
      return facetCounts(o.db, query, access, properties);
    },
    async ranges(query, subject, properties) {
      const access = await readAccess(subject);
      if (!access) return Object.fromEntries(properties.map((p): [string, ValueRange] => [p, { min: null, max: null }]));
      return valueRanges(o.db, query, access, properties);
    },
    queryables: () => describeQueryables(),
    formats: createMetadataFormats(),
    limits: { defaultLimit: o.defaultLimit, maxLimit: o.maxLimit },
  };
}
