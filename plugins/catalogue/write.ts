/**
 * Atomic writes: each upsert or delete batch is one transaction covering the record row, its
 * spatial index entry, its full-text entry and its keywords, so a reader sees the old record or
 * the new one, never a mix.
 */
import type { Knex } from 'knex';
import { BadRequest } from '../../core/errors.js';
import { geometryBBox, validateGeometry } from '../../core/storage/db/geometry/index.js';
import type { Database } from '../../core/storage/db/types.js';
import { FTS_TABLE, KEYWORDS_TABLE, RECORDS_TABLE } from './schema.js';
import { RECORD_TYPES, type CatalogueRecord, type CatalogueRecordInput } from './types.js';

const MAX_KEYWORD_LENGTH = 255;

/** An ISO 8601 instant normalised to Date.toISOString form, or a BadRequest naming the field. */
function instant(value: string | undefined, field: string, identifier: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new BadRequest(`Record '${identifier}': ${field} '${String(value)}' is not an ISO 8601 instant`, { code: 'InvalidRecord', locator: field });
  return new Date(ms).toISOString();
}

function checkNumber(value: unknown, field: string, identifier: string, min?: number, max?: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || (min !== undefined && value < min) || (max !== undefined && value > max)) {
    throw new BadRequest(`Record '${identifier}': ${field} must be a number${min !== undefined ? ` in [${min}, ${max}]` : ''}`, { code: 'InvalidRecord', locator: field });
  }
}

/** Checks a record and returns it normalised (instants in toISOString form, bbox computed). */
export function normaliseRecord(input: CatalogueRecordInput, now: string, created: string | undefined): CatalogueRecord {
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
  checkNumber(input.cloudCover, 'cloudCover', id, 0, 100);
  checkNumber(input.snowCover, 'snowCover', id, 0, 100);
  checkNumber(input.resolution, 'resolution', id);
  checkNumber(input.orbitNumber, 'orbitNumber', id);
  if (input.metadata !== undefined && (typeof input.metadata.format !== 'string' || typeof input.metadata.content !== 'string')) {
    throw new BadRequest(`Record '${id}': metadata needs a format and a content string`, { code: 'InvalidRecord', locator: 'metadata' });
  }
  const record: CatalogueRecord = { ...input, created: created ?? now, updated: now };
  const start = instant(input.start, 'start', id);
  const end = instant(input.end, 'end', id) ?? start;
  if (start !== undefined) record.start = start;
  if (end !== undefined) record.end = end;
  if (start !== undefined && end !== undefined && end < start) throw new BadRequest(`Record '${id}': end is before start`, { code: 'InvalidRecord', locator: 'end' });
  for (const f of ['creationDate', 'modificationDate'] as const) {
    const t = instant(input[f], f, id);
    if (t !== undefined) record[f] = t;
  }
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

/** Column values of a record (the geometry goes through the spatial index). */
function rowOf(record: CatalogueRecord): Record<string, unknown> {
  return {
    identifier: record.identifier,
    type: record.type,
    parent_identifier: record.parentIdentifier ?? null,
    title: record.title ?? null,
    abstract: record.abstract ?? null,
    keywords_text: record.keywords?.join(' ') ?? null,
    platform: record.platform ?? null,
    instrument: record.instrument ?? null,
    sensor_type: record.sensorType ?? null,
    product_type: record.productType ?? null,
    processing_level: record.processingLevel ?? null,
    orbit_direction: record.orbitDirection ?? null,
    polarisation_channels: record.polarisationChannels ?? null,
    acquisition_type: record.acquisitionType ?? null,
    status: record.status ?? null,
    orbit_number: record.orbitNumber ?? null,
    cloud_cover: record.cloudCover ?? null,
    snow_cover: record.snowCover ?? null,
    resolution: record.resolution ?? null,
    creation_date: record.creationDate ?? null,
    modification_date: record.modificationDate ?? null,
    start_time: record.start ?? null,
    end_time: record.end ?? null,
    created: record.created,
    updated: record.updated,
    owner: record.owner ?? null,
    // A group list is private to the default policy: owner and admins (see README).
    visibility: record.visibility === undefined || record.visibility === 'public' ? 'public' : 'private',
    record: JSON.stringify(record),
  };
}

function insertedId(value: unknown): number {
  return Number(typeof value === 'object' && value !== null ? (value as { id: number }).id : value);
}

/** Removes the full-text and keyword rows of record `id` (the spatial entry goes with set/remove). */
async function clearSideRows(trx: Knex.Transaction, db: Database, id: number): Promise<void> {
  await trx(KEYWORDS_TABLE).where('record_id', id).delete();
  if (db.dialect === 'sqlite') await trx.raw(`DELETE FROM ${FTS_TABLE} WHERE rowid = ?`, [id]);
}

export async function upsertRecords(db: Database, inputs: CatalogueRecordInput[]): Promise<CatalogueRecord[]> {
  const seen = new Set<string>();
  for (const r of inputs) {
    if (r && typeof r.identifier === 'string' && seen.has(r.identifier)) throw new BadRequest(`Record '${r.identifier}' appears twice in one batch`, { code: 'InvalidRecord', locator: 'identifier' });
    if (r && typeof r.identifier === 'string') seen.add(r.identifier);
  }
  const index = db.spatialIndex(RECORDS_TABLE);
  const now = new Date().toISOString();
  return db.knex.transaction(async (trx) => {
    const stored: CatalogueRecord[] = [];
    const collections = new Set(inputs.filter((r) => r?.type === 'collection').map((r) => r.identifier));
    for (const input of inputs) {
      const existing = (await trx(RECORDS_TABLE).where('identifier', input?.identifier ?? '').first('id', 'record')) as { id: number; record: string } | undefined;
      const created = existing ? (JSON.parse(existing.record) as CatalogueRecord).created : undefined;
      const record = normaliseRecord(input, now, created);
      if (record.parentIdentifier !== undefined && !collections.has(record.parentIdentifier)) {
        const parent = (await trx(RECORDS_TABLE).where('identifier', record.parentIdentifier).first('type')) as { type: string } | undefined;
        if (parent?.type !== 'collection') {
          throw new BadRequest(`Record '${record.identifier}': parentIdentifier '${record.parentIdentifier}' is not a collection in the catalogue`, { code: 'InvalidRecord', locator: 'parentIdentifier' });
        }
      }
      const row = rowOf(record);
      let id: number;
      if (existing) {
        id = existing.id;
        await trx(RECORDS_TABLE).where('id', id).update(row);
        await clearSideRows(trx, db, id);
      } else {
        const [inserted] = await trx(RECORDS_TABLE).insert(row).returning('id');
        id = insertedId(inserted);
      }
      await index.set(id, record.geometry ?? null, trx);
      const keywords = [...new Set(record.keywords ?? [])];
      if (keywords.length > 0) await trx(KEYWORDS_TABLE).insert(keywords.map((keyword) => ({ record_id: id, keyword })));
      if (db.dialect === 'sqlite') {
        await trx.raw(`INSERT INTO ${FTS_TABLE} (rowid, identifier, title, abstract, keywords) VALUES (?, ?, ?, ?, ?)`, [
          id,
          record.identifier,
          record.title ?? '',
          record.abstract ?? '',
          keywords.join(' '),
        ]);
      }
      stored.push(record);
    }
    return stored;
  });
}

export async function deleteRecords(db: Database, identifiers: string[]): Promise<number> {
  const index = db.spatialIndex(RECORDS_TABLE);
  return db.knex.transaction(async (trx) => {
    let deleted = 0;
    for (const identifier of identifiers) {
      const row = (await trx(RECORDS_TABLE).where('identifier', identifier).first('id')) as { id: number } | undefined;
      if (!row) continue;
      await index.remove(row.id, trx);
      await clearSideRows(trx, db, row.id);
      await trx(RECORDS_TABLE).where('id', row.id).delete();
      deleted++;
    }
    return deleted;
  });
}
