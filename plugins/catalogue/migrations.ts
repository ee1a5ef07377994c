/** The catalogue's tables: records with indexed columns, the spatial index, full-text search, keywords. */
import type { Knex } from 'knex';
import type { Database, Migration } from '../../core/storage/db/types.js';
import { ADDED_EO_FIELDS, type EoFieldSpec } from './eo-fields.js';
import { liftEoProperties } from './formats/eo-model.js';
import { importStateMigration } from './import/state.js';
import { FTS_TABLE, GROUPS_TABLE, KEYWORDS_TABLE, RECORDS_TABLE, SPATIAL_INDEX_OPTIONS, TSVECTOR_COLUMN } from './schema.js';
import type { CatalogueRecord } from './types.js';
import { eoColumnValues } from './write.js';

/** Instants: ISO 8601 UTC text on SQLite (text order is time order), timestamptz on PostgreSQL. */
function timestamp(t: Knex.CreateTableBuilder | Knex.AlterTableBuilder, db: Database, name: string): void {
  if (db.dialect === 'sqlite') t.text(name);
  else t.timestamp(name, { useTz: true });
}

const createRecords: Migration = {
  name: '001-records',
  async up(knex, db) {
    await knex.schema.createTable(RECORDS_TABLE, (t) => {
      t.increments('id').primary();
      t.string('identifier', 1024).notNullable().unique();
      t.string('type', 32).notNullable().index();
      t.string('parent_identifier', 1024).index();
      t.text('title');
      t.text('abstract');
      t.text('keywords_text');
      for (const c of ['platform', 'instrument', 'sensor_type', 'product_type', 'processing_level', 'orbit_direction', 'polarisation_channels', 'acquisition_type', 'status']) {
        t.string(c, 255).index();
      }
      t.integer('orbit_number');
      t.double('cloud_cover').index();
      t.double('snow_cover');
      t.double('resolution');
      for (const c of ['creation_date', 'modification_date', 'start_time', 'end_time', 'created', 'updated']) timestamp(t, db, c);
      t.string('owner', 255).index();
      t.string('visibility', 32).notNullable().defaultTo('public');
      // The stored record as JSON: what get/search return.
      t.text('record').notNullable();
      t.index(['start_time', 'end_time'], `${RECORDS_TABLE}_time`);
      t.index(['end_time'], `${RECORDS_TABLE}_end_time`);
      t.index(['parent_identifier', 'start_time'], `${RECORDS_TABLE}_parent_time`);
    });
    await db.spatialIndex(RECORDS_TABLE, SPATIAL_INDEX_OPTIONS).create(knex);
    await knex.schema.createTable(KEYWORDS_TABLE, (t) => {
      t.integer('record_id').notNullable().index();
      t.string('keyword', 255).notNullable().index();
    });
    if (db.dialect === 'sqlite') {
      await knex.raw(`CREATE VIRTUAL TABLE ${FTS_TABLE} USING fts5(identifier, title, abstract, keywords, tokenize = 'unicode61 remove_diacritics 0')`);
    } else {
      const text = ['identifier', 'title', 'abstract', 'keywords_text'].map((c) => `coalesce(${c}, '')`).join(` || ' ' || `);
      await knex.raw(`ALTER TABLE ?? ADD COLUMN ${TSVECTOR_COLUMN} tsvector GENERATED ALWAYS AS (to_tsvector('simple', ${text})) STORED`, [RECORDS_TABLE]);
      await knex.raw(`CREATE INDEX ${RECORDS_TABLE}_fts ON ?? USING GIN (${TSVECTOR_COLUMN})`, [RECORDS_TABLE]);
    }
  },
};

const createGroups: Migration = {
  name: '002-record-groups',
  async up(knex) {
    await knex.schema.createTable(GROUPS_TABLE, (t) => {
      t.integer('record_id').notNullable();
      t.string('group_name', 255).notNullable();
      t.primary(['record_id', 'group_name']);
      t.index(['group_name', 'record_id'], `${GROUPS_TABLE}_group`);
    });
  },
};

/** Catalogues made before the index had a time dimension: the R*Tree rebuilt, the GiST replaced. */
const spatioTemporalIndex: Migration = {
  name: '003-spatiotemporal-index',
  async up(knex, db) {
    await db.spatialIndex(RECORDS_TABLE, SPATIAL_INDEX_OPTIONS).create(knex);
  },
};

/** A column of the EO fields table (eo-fields.ts) as its type stores it on either database. */
function eoColumn(t: Knex.AlterTableBuilder, db: Database, spec: EoFieldSpec): void {
  if (spec.type === 'timestamp') timestamp(t, db, spec.column);
  else if (spec.type === 'number') t.double(spec.column);
  else if (spec.type === 'integer') t.integer(spec.column);
  else if (spec.type === 'boolean') t.boolean(spec.column);
  else t.text(spec.column);
}

const FILL_BATCH = 1000;

/**
 * Every OpenSearch EO (13-026r9) parameter as a column: the fields eo-fields.ts dates '004',
 * partial indexes (rows with a value only, so products without one cost nothing) on those
 * searched most, and the stored records rewritten with their EO values moved from `properties`
 * (flat 17-003 names) to the record fields, the columns filled from them.
 */
const eoQueryables: Migration = {
  name: '004-eo-queryables',
  async up(knex, db) {
    await knex.schema.alterTable(RECORDS_TABLE, (t) => {
      for (const spec of ADDED_EO_FIELDS) eoColumn(t, db, spec);
    });
    for (const spec of ADDED_EO_FIELDS.filter((s) => s.indexed)) {
      await knex.raw('CREATE INDEX ?? ON ?? (??) WHERE ?? IS NOT NULL', [`${RECORDS_TABLE}_${spec.column}`, RECORDS_TABLE, spec.column, spec.column]);
    }
    // Only rows that may hold such values: with properties, or a platform serial identifier (a field before it had a column).
    for (let last = 0; ; ) {
      const rows = (await knex(RECORDS_TABLE)
        .where('id', '>', last)
        .andWhere((w) => w.where('record', 'like', '%"properties":%').orWhere('record', 'like', '%"platformSerialIdentifier":%'))
        .orderBy('id')
        .limit(FILL_BATCH)
        .select('id', 'record')) as Array<{ id: number; record: string }>;
      for (const row of rows) {
        const stored = JSON.parse(row.record) as CatalogueRecord;
        const record = liftEoProperties(stored);
        const fields = record as unknown as Record<string, unknown>;
        // As normaliseRecord writes instants (text order is time order on SQLite).
        for (const spec of ADDED_EO_FIELDS) {
          if (spec.type === 'timestamp' && typeof fields[spec.name] === 'string') fields[spec.name] = new Date(Date.parse(fields[spec.name] as string)).toISOString();
        }
        const changes: Record<string, unknown> = {};
        for (const [column, value] of Object.entries(eoColumnValues(record, db))) if (value !== null) changes[column] = value;
        const text = JSON.stringify(record);
        if (text !== row.record) changes.record = text;
        if (Object.keys(changes).length > 0) await knex(RECORDS_TABLE).where('id', row.id).update(changes);
      }
      if (rows.length < FILL_BATCH) break;
      last = Number(rows[rows.length - 1]!.id);
    }
  },
};

export const catalogueMigrations: Migration[] = [createRecords, createGroups, spatioTemporalIndex, eoQueryables, importStateMigration];
