/**
 * Atomic writes: each upsert or delete batch is one transaction covering the record row, its
 * spatial index entry, its full-text entry and its keywords, so a reader sees the old record or
 * the new one, never a mix.
 */
import type { Knex } from 'knex';
import { BadRequest, MeridianError, NotFound } from '../../core/errors.js';
import { geometryBBox, validateGeometry } from '../../core/storage/db/geometry/index.js';
import type { Database } from '../../core/storage/db/types.js';
import { EO_FIELDS, fitsEoField, type EoFieldSpec } from './eo-fields.js';
import { liftEoProperties } from './formats/eo-model.js';
import { FTS_TABLE, GROUPS_TABLE, KEYWORDS_TABLE, RECORDS_TABLE, SPATIAL_INDEX_OPTIONS } from './schema.js';
import { RECORD_TYPES, type CatalogueRecord, type CatalogueRecordInput, type RecordPatch, type RecordStamp, type WriteBatch, type WriteBatchResult, type WriteConditions } from './types.js';
import { recordVersion } from './version.js';

const MAX_KEYWORD_LENGTH = 255;
/** end_time of a record with an open end: later than any real instant, so time relations hold. */
export const OPEN_END_TIME = '9999-12-31T23:59:59.999Z';
const LOOKUP_CHUNK = 500;

/** An ISO 8601 instant normalised to Date.toISOString form, or a BadRequest naming the field. */
function instant(value: string | undefined, field: string, identifier: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new BadRequest(`Record '${identifier}': ${field} '${String(value)}' is not an ISO 8601 instant`, { code: 'InvalidRecord', locator: field });
  return new Date(ms).toISOString();
}

const EO_FIELD_BY_NAME = new Map(EO_FIELDS.map((spec) => [spec.name as string, spec]));

function badEoField(identifier: string, spec: EoFieldSpec, what: string): BadRequest {
  return new BadRequest(`Record '${identifier}': ${spec.name} must be ${what}`, { code: 'InvalidRecord', locator: spec.name });
}

/** Checks the EO fields' values (eo-fields.ts) and writes their instants in toISOString form. */
function checkEoFields(record: CatalogueRecord, identifier: string): void {
  const r = record as unknown as Record<string, unknown>;
  // Over the record's own keys, not the whole table: most records hold a few EO fields.
  for (const key in r) {
    const spec = EO_FIELD_BY_NAME.get(key);
    const value = r[key];
    if (spec === undefined || value === undefined || value === null) continue;
    if (spec.type === 'timestamp') r[key] = instant(value as string, key, identifier);
    else if (spec.type === 'string') {
      if (typeof value !== 'string') throw badEoField(identifier, spec, 'a string');
    } else if (spec.type === 'boolean') {
      if (typeof value !== 'boolean') throw badEoField(identifier, spec, 'true or false');
    } else if (!fitsEoField(spec, value)) {
      throw badEoField(identifier, spec, `${spec.type === 'integer' ? 'an integer' : 'a number'}${spec.min !== undefined ? ` in [${spec.min}, ${spec.max ?? '∞'}]` : ''}`);
    }
  }
}

/** Checks a record and returns it normalised (instants in toISOString form, bbox computed). */
export function normaliseRecord(given: CatalogueRecordInput, now: string, created: string | undefined): CatalogueRecord {
  // EO values under their flat 17-003 names in `properties` are the record's fields (eo-model.ts).
  const input = liftEoProperties(given);
  const id = input.identifier;
  if (typeof id !== 'string' || id.trim() === '' || id.length > 1024) throw new BadRequest('A record needs an identifier (a non-empty string of at most 1024 characters)', { code: 'InvalidRecord', locator: 'identifier' });
  if (!RECORD_TYPES.includes(input.type)) throw new BadRequest(`Record '${id}': type must be one of ${RECORD_TYPES.join(', ')}`, { code: 'InvalidRecord', locator: 'type' });
  if (input.keywords !== undefined && (!Array.isArray(input.keywords) || input.keywords.some((k) => typeof k !== 'string' || k.length > MAX_KEYWORD_LENGTH))) {
    throw new BadRequest(`Record '${id}': keywords must be strings of at most ${MAX_KEYWORD_LENGTH} characters`, { code: 'InvalidRecord', locator: 'keywords' });
  }
  const v = input.visibility;
  if (v !== undefined && v !== 'public' && v !== 'private' && !(Array.isArray(v) && v.every((g) => typeof g === 'string'))) {
    throw new BadRequest(`Record '${id}': visibility must be 'public', 'private' or a list of groups`, { code: 'InvalidRecord', locator: 'visibility' });
  }
  if (input.metadata !== undefined && (typeof input.metadata.format !== 'string' || typeof input.metadata.content !== 'string')) {
    throw new BadRequest(`Record '${id}': metadata needs a format and a content string`, { code: 'InvalidRecord', locator: 'metadata' });
  }
  const record: CatalogueRecord = { ...input, created: created ?? now, updated: now };
  const start = instant(input.start, 'start', id);
  if (input.openEnd !== undefined && typeof input.openEnd !== 'boolean') throw new BadRequest(`Record '${id}': openEnd must be a boolean`, { code: 'InvalidRecord', locator: 'openEnd' });
  const open = input.openEnd === true;
  if (open && input.end !== undefined && input.end !== null) throw new BadRequest(`Record '${id}': a record with an open end has no end`, { code: 'InvalidRecord', locator: 'end' });
  if (open && start === undefined) throw new BadRequest(`Record '${id}': an open end needs a start`, { code: 'InvalidRecord', locator: 'start' });
  const end = open ? undefined : (instant(input.end, 'end', id) ?? start);
  if (!open) delete record.openEnd;
  if (start !== undefined) record.start = start;
  if (end !== undefined) record.end = end;
  if (start !== undefined && end !== undefined && end < start) throw new BadRequest(`Record '${id}': end is before start`, { code: 'InvalidRecord', locator: 'end' });
  checkEoFields(record, id);
  if (input.geometry) {
    try {
      validateGeometry(input.geometry);
    } catch (err) {
      throw new BadRequest(`Record '${id}': ${(err as Error).message}`, { code: 'InvalidGeometry', locator: 'geometry' });
    }
    record.bbox = geometryBBox(input.geometry);
  } else {
    delete record.bbox;
  }
  return record;
}

/**
 * Column values of a record (the geometry goes through the spatial index): the one place rows
 * are built. `every` gives each EO column (null when the record has no value: an update clears
 * it); otherwise only those with a value (an insert, whose other columns default to null).
 */
function rowOf(record: CatalogueRecord, db: Database, every: boolean): Record<string, unknown> {
  const row: Record<string, unknown> = {
    identifier: record.identifier,
    type: record.type,
    parent_identifier: record.parentIdentifier ?? null,
    title: record.title ?? null,
    abstract: record.abstract ?? null,
    keywords_text: record.keywords?.join(' ') ?? null,
    start_time: record.start ?? null,
    end_time: record.openEnd ? OPEN_END_TIME : (record.end ?? null),
    created: record.created,
    updated: record.updated,
    owner: record.owner ?? null,
    // A group list reads as 'private' except to its members (search.ts).
    visibility: record.visibility === undefined || record.visibility === 'public' ? 'public' : 'private',
    record: JSON.stringify(record),
  };
  if (every) Object.assign(row, eoColumnValues(record, db));
  else addEoColumns(row, record, db);
  return row;
}

/** A value as its column stores it: SQLite stores booleans as 0/1. */
function columnValue(spec: EoFieldSpec, value: unknown, db: Database): unknown {
  return spec.type === 'boolean' && db.dialect === 'sqlite' ? Number(value) : value;
}

/** Every EO field's column (eo-fields.ts), null where the record has no value. */
export function eoColumnValues(record: CatalogueRecordInput, db: Database): Record<string, unknown> {
  const r = record as unknown as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const spec of EO_FIELDS) {
    const value = r[spec.name];
    row[spec.column] = value === undefined || value === null ? null : columnValue(spec, value, db);
  }
  return row;
}

/** The columns of the EO fields the record has a value for, into `row`. */
function addEoColumns(row: Record<string, unknown>, record: CatalogueRecordInput, db: Database): void {
  const r = record as unknown as Record<string, unknown>;
  for (const key in r) {
    const spec = EO_FIELD_BY_NAME.get(key);
    const value = r[key];
    if (spec !== undefined && value !== undefined && value !== null) row[spec.column] = columnValue(spec, value, db);
  }
}

/** Rows for one multi-row INSERT: the same columns in each, those any of them has a value for. */
function insertRows(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const used = new Set<string>();
  for (const row of rows) for (const key in row) if (row[key] !== null) used.add(key);
  const columns = [...used];
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) out[c] = row[c] ?? null;
    return out;
  });
}

/** Columns of a records row: rowOf's 13, the EO fields', the spatial index's in the row (at most 5). */
const ROW_COLUMNS = 13 + EO_FIELDS.length + 5;
/**
 * Rows per multi-row INSERT: at most 100, and under the bound-parameter limit of both databases
 * (SQLite's 32,766 since 3.32, PostgreSQL's 65,535) however many columns a row has.
 */
const INSERT_CHUNK = Math.max(1, Math.min(100, Math.floor(32_766 / ROW_COLUMNS)));

/** Removes the full-text, keyword and group rows of record `id` (the spatial entry goes with set/remove). */
async function clearSideRows(trx: Knex.Transaction, db: Database, id: number): Promise<void> {
  await trx(KEYWORDS_TABLE).where('record_id', id).delete();
  await trx(GROUPS_TABLE).where('record_id', id).delete();
  if (db.dialect === 'sqlite') await trx.raw(`DELETE FROM ${FTS_TABLE} WHERE rowid = ?`, [id]);
}

/** Throws when `identifier`'s stored row (its JSON text, or undefined) does not meet the condition. */
function checkCondition(conditions: WriteConditions | undefined, identifier: string, stored: string | undefined): void {
  const expect = conditions?.expect;
  if (!expect || !Object.prototype.hasOwnProperty.call(expect, identifier)) return;
  const expected = expect[identifier];
  if (expected === null) {
    if (stored !== undefined) throw new MeridianError(409, `Record '${identifier}' already exists`, { code: 'RecordExists', locator: 'identifier' });
    return;
  }
  if (stored === undefined) throw new MeridianError(412, `Record '${identifier}' does not exist`, { code: 'PreconditionFailed', locator: 'If-Match' });
  if (recordVersion(stored) !== expected) throw new MeridianError(412, `Record '${identifier}' has changed since version ${expected}`, { code: 'PreconditionFailed', locator: 'If-Match' });
}

function checkNoDuplicates(inputs: CatalogueRecordInput[]): void {
  const seen = new Set<string>();
  for (const r of inputs) {
    if (r && typeof r.identifier === 'string' && seen.has(r.identifier)) throw new BadRequest(`Record '${r.identifier}' appears twice in one batch`, { code: 'InvalidRecord', locator: 'identifier' });
    if (r && typeof r.identifier === 'string') seen.add(r.identifier);
  }
}

export async function upsertRecords(db: Database, inputs: CatalogueRecordInput[], conditions?: WriteConditions): Promise<CatalogueRecord[]> {
  checkNoDuplicates(inputs);
  try {
    return await db.knex.transaction((trx) => writeRecords(trx, db, inputs, conditions));
  } catch (err) {
    // Another writer inserted one of these identifiers first: once more, now as replaces (or a
    // RecordExists for an identifier the conditions expect absent).
    if (!isUniqueViolation(err)) throw err;
    return db.knex.transaction((trx) => writeRecords(trx, db, inputs, conditions));
  }
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Applies `changes` to the stored record in one transaction: a key set to null is removed, any
 * other replaces the stored value; the identifier cannot change. Returns the record as stored.
 */
export async function patchRecord(db: Database, identifier: string, changes: RecordPatch, conditions?: WriteConditions): Promise<CatalogueRecord> {
  if (changes.identifier !== undefined && changes.identifier !== identifier) {
    throw new BadRequest('A patch cannot change the identifier', { code: 'InvalidRecord', locator: 'identifier' });
  }
  return db.knex.transaction(async (trx) => {
    const query = trx(RECORDS_TABLE).where('identifier', identifier).first('record');
    // PostgreSQL: concurrent patches of one record apply one after the other (SQLite writes are serial).
    if (db.dialect === 'postgres') query.forUpdate();
    const row = (await query) as { record: string } | undefined;
    checkCondition(conditions, identifier, row?.record);
    if (!row) throw new NotFound(`No record '${identifier}'`, { code: 'NotFound', locator: 'identifier' });
    const merged = JSON.parse(row.record) as Record<string, unknown>;
    for (const [key, value] of Object.entries(changes)) {
      if (key === 'created' || key === 'updated' || key === 'bbox') continue;
      if (value === null) delete merged[key];
      else if (value !== undefined) merged[key] = value;
    }
    const [stored] = await writeRecords(trx, db, [merged as unknown as CatalogueRecordInput]);
    return stored!;
  });
}

async function writeRecords(trx: Knex.Transaction, db: Database, inputs: CatalogueRecordInput[], conditions?: WriteConditions): Promise<CatalogueRecord[]> {
  const index = db.spatialIndex(RECORDS_TABLE, SPATIAL_INDEX_OPTIONS);
  const now = new Date().toISOString();
  const identifiers = inputs.map((r) => r?.identifier).filter((id): id is string => typeof id === 'string');
  const parents = [...new Set(inputs.map((r) => r?.parentIdentifier).filter((id): id is string => typeof id === 'string'))];
  // One lookup per chunk, not per record: the existing rows and the collections products name.
  const existingRows = new Map<string, { id: number; record: string }>();
  const collections = new Set(inputs.filter((r) => r?.type === 'collection').map((r) => r.identifier));
  for (let i = 0; i < Math.max(identifiers.length, parents.length); i += LOOKUP_CHUNK) {
    const ids = identifiers.slice(i, i + LOOKUP_CHUNK);
    if (ids.length > 0) {
      const lookup = trx(RECORDS_TABLE).whereIn('identifier', ids).select('id', 'identifier', 'record');
      // A conditioned write holds the rows it checked until it commits (PostgreSQL; SQLite writes are serial).
      if (conditions?.expect && db.dialect === 'postgres') lookup.forUpdate();
      for (const row of (await lookup) as Array<{ id: number; identifier: string; record: string }>) existingRows.set(row.identifier, row);
    }
    const parentIds = parents.slice(i, i + LOOKUP_CHUNK);
    if (parentIds.length > 0) {
      for (const row of (await trx(RECORDS_TABLE).whereIn('identifier', parentIds).where('type', 'collection').select('identifier')) as Array<{ identifier: string }>) collections.add(row.identifier);
    }
  }
  for (const identifier of Object.keys(conditions?.expect ?? {})) {
    if (!identifiers.includes(identifier)) throw new Error(`write condition on '${identifier}', which the batch does not write`);
    checkCondition(conditions, identifier, existingRows.get(identifier)?.record);
  }
  // Normalise everything first, so a bad record fails before any write.
  const records = inputs.map((input) => {
    const existing = typeof input?.identifier === 'string' ? existingRows.get(input.identifier) : undefined;
    const created = existing ? (JSON.parse(existing.record) as CatalogueRecord).created : undefined;
    const record = normaliseRecord(input, now, created);
    if (record.parentIdentifier !== undefined && !collections.has(record.parentIdentifier)) {
      throw new BadRequest(`Record '${record.identifier}': parentIdentifier '${record.parentIdentifier}' is not a collection in the catalogue`, { code: 'InvalidRecord', locator: 'parentIdentifier' });
    }
    return record;
  });
  const ids = new Map<string, number>();
  for (const record of records) {
    const existing = existingRows.get(record.identifier);
    if (!existing) continue;
    await trx(RECORDS_TABLE).where('id', existing.id).update({ ...rowOf(record, db, true), ...index.rowValues(record.geometry ?? null) });
    await clearSideRows(trx, db, existing.id);
    ids.set(record.identifier, existing.id);
  }
  // New rows in multi-row inserts; ids are read back by identifier, not by position.
  const fresh = records.filter((r) => !existingRows.has(r.identifier));
  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
    const rows = insertRows(fresh.slice(i, i + INSERT_CHUNK).map((r) => ({ ...rowOf(r, db, false), ...index.rowValues(r.geometry ?? null) })));
    const inserted = (await trx(RECORDS_TABLE).insert(rows).returning(['id', 'identifier'])) as Array<{ id: number; identifier: string }>;
    for (const row of inserted) ids.set(row.identifier, Number(row.id));
  }
  // The index entries outside the rows (SQLite's R*Tree), keywords, groups and full text, in multi-row inserts.
  await index.written(records.map((r) => ({ id: ids.get(r.identifier)!, geometry: r.geometry ?? null })), trx);
  const keywordRows: Array<{ record_id: number; keyword: string }> = [];
  const groupRows: Array<{ record_id: number; group_name: string }> = [];
  const ftsValues: unknown[][] = [];
  for (const record of records) {
    const id = ids.get(record.identifier)!;
    const keywords = [...new Set(record.keywords ?? [])];
    for (const keyword of keywords) keywordRows.push({ record_id: id, keyword });
    if (Array.isArray(record.visibility)) for (const group of new Set(record.visibility)) groupRows.push({ record_id: id, group_name: group });
    if (db.dialect === 'sqlite') ftsValues.push([id, record.identifier, record.title ?? '', record.abstract ?? '', keywords.join(' ')]);
  }
  for (let i = 0; i < ftsValues.length; i += INSERT_CHUNK) {
    const chunk = ftsValues.slice(i, i + INSERT_CHUNK);
    await trx.raw(`INSERT INTO ${FTS_TABLE} (rowid, identifier, title, abstract, keywords) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, chunk.flat() as never[]);
  }
  for (let i = 0; i < keywordRows.length; i += INSERT_CHUNK * 4) await trx(KEYWORDS_TABLE).insert(keywordRows.slice(i, i + INSERT_CHUNK * 4));
  for (let i = 0; i < groupRows.length; i += INSERT_CHUNK * 4) await trx(GROUPS_TABLE).insert(groupRows.slice(i, i + INSERT_CHUNK * 4));
  // A collection stays one while it has products (as it is deleted only with them).
  const demoted = records.filter((r) => r.type !== 'collection' && existingRows.has(r.identifier) && (JSON.parse(existingRows.get(r.identifier)!.record) as CatalogueRecord).type === 'collection');
  if (demoted.length > 0) {
    const child = (await trx(RECORDS_TABLE).whereIn('parent_identifier', demoted.map((r) => r.identifier)).first('identifier', 'parent_identifier')) as { identifier: string; parent_identifier: string } | undefined;
    if (child) {
      throw new MeridianError(409, `Collection '${child.parent_identifier}' has products (for example '${child.identifier}'), so it cannot become a ${records.find((r) => r.identifier === child.parent_identifier)!.type}`, { code: 'CollectionNotEmpty', locator: 'type' });
    }
  }
  return records;
}

export async function deleteRecords(db: Database, identifiers: string[], conditions?: WriteConditions): Promise<number> {
  return db.knex.transaction((trx) => deleteInTransaction(trx, db, identifiers, conditions));
}

/**
 * Upserts, then deletes, in one transaction: for a protocol request mixing both (a CSW
 * Transaction with Insert/Update and Delete actions), so a failure anywhere writes nothing.
 * Each condition applies to the part of the batch that names its identifier.
 */
export async function writeBatch(db: Database, batch: WriteBatch, conditions?: WriteConditions): Promise<WriteBatchResult> {
  const upserts = batch.upsert ?? [];
  const deletes = batch.delete ?? [];
  const written = new Set(upserts.map((r) => r?.identifier));
  const upsertExpect: Record<string, string | null> = {};
  const deleteExpect: Record<string, string | null> = {};
  for (const [id, expected] of Object.entries(conditions?.expect ?? {})) (written.has(id) ? upsertExpect : deleteExpect)[id] = expected;
  checkNoDuplicates(upserts);
  const run = () =>
    db.knex.transaction(async (trx) => {
      const stored = upserts.length > 0 ? await writeRecords(trx, db, upserts, { expect: upsertExpect }) : [];
      const deleted = deletes.length > 0 ? await deleteInTransaction(trx, db, deletes, { expect: deleteExpect }) : 0;
      return { stored, deleted };
    });
  try {
    return await run();
  } catch (err) {
    // As upsertRecords: an insert race lost to another writer is tried once more, as a replace.
    if (!isUniqueViolation(err)) throw err;
    return run();
  }
}

async function deleteInTransaction(trx: Knex.Transaction, db: Database, identifiers: string[], conditions?: WriteConditions): Promise<number> {
  const index = db.spatialIndex(RECORDS_TABLE, SPATIAL_INDEX_OPTIONS);
  let deleted = 0;
  for (const identifier of identifiers) {
    const lookup = trx(RECORDS_TABLE).where('identifier', identifier).first('id', 'record');
    if (conditions?.expect && db.dialect === 'postgres') lookup.forUpdate();
    const row = (await lookup) as { id: number; record: string } | undefined;
    checkCondition(conditions, identifier, row?.record);
    if (!row) continue;
    await index.remove(row.id, trx);
    await clearSideRows(trx, db, row.id);
    await trx(RECORDS_TABLE).where('id', row.id).delete();
    deleted++;
  }
  // A collection goes only with its products (deleted in the same call or before).
  const orphan = (await trx(RECORDS_TABLE).whereIn('parent_identifier', identifiers).first('identifier', 'parent_identifier')) as { identifier: string; parent_identifier: string } | undefined;
  if (orphan) {
    throw new MeridianError(409, `Collection '${orphan.parent_identifier}' still has products (for example '${orphan.identifier}'); delete them first or in the same call`, { code: 'CollectionNotEmpty', locator: 'identifier' });
  }
  return deleted;
}

/** Stamps of stored records, without any read filter (for authorizing writes; see types.ts). */
export async function recordStamps(db: Database, identifiers: string[]): Promise<Map<string, RecordStamp>> {
  const out = new Map<string, RecordStamp>();
  const unique = [...new Set(identifiers)];
  for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
    const rows = (await db.knex(RECORDS_TABLE).whereIn('identifier', unique.slice(i, i + LOOKUP_CHUNK)).select('identifier', 'record')) as Array<{ identifier: string; record: string }>;
    for (const row of rows) {
      const r = JSON.parse(row.record) as CatalogueRecord;
      const stamp: RecordStamp = { identifier: row.identifier, type: r.type, version: recordVersion(row.record) };
      if (r.parentIdentifier !== undefined) stamp.parentIdentifier = r.parentIdentifier;
      if (r.owner !== undefined) stamp.owner = r.owner;
      if (r.visibility !== undefined) stamp.visibility = r.visibility;
      out.set(row.identifier, stamp);
    }
  }
  return out;
}
