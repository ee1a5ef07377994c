/** The catalogue engine: what `provide.catalogue` returns (CatalogueService in types.ts). */
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import type { Database } from '../../core/storage/db/types.js';
import { readFilters } from './access.js';
import { createMetadataFormats } from './formats/index.js';
import { describeQueryables, RECORDS_TABLE, SPATIAL_INDEX_OPTIONS } from './schema.js';
import { facetCounts, searchRecords, valueRanges, type ReadAccess, type SearchLimits } from './search.js';
import type { CatalogueService, FacetValue, ValueRange } from './types.js';
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
  return {
    upsert: (records, conditions) => upsertRecords(o.db, records, conditions),
    patch: (identifier, changes, conditions) => patchRecord(o.db, identifier, changes, conditions),
    delete: (identifiers, conditions) => deleteRecords(o.db, identifiers, conditions),
    write: (batch, conditions) => writeBatch(o.db, batch, conditions),
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
