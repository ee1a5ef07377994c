/**
 * What earlier imports finished: one row per source and target collection, with the fingerprint
 * it had (size and mtime, ETag or Last-Modified). A source is recorded only once every record
 * it gave was committed and none was rejected, so resuming skips exactly what is already in.
 */
import { createHash } from 'node:crypto';
import type { Database, Migration } from '../../../core/storage/db/types.js';

export const IMPORT_STATE_TABLE = 'catalogue_import_sources';

export const importStateMigration: Migration = {
  name: 'import-001-sources',
  async up(knex) {
    await knex.schema.createTable(IMPORT_STATE_TABLE, (t) => {
      // sha256 of source and scope: URLs can be longer than an index allows.
      t.string('key', 64).primary();
      t.text('source').notNullable();
      t.string('scope', 1024).notNullable();
      t.string('fingerprint', 512).notNullable();
      // The source links to others (a STAC catalog or collection): it is read again to follow them.
      t.boolean('container').notNullable().defaultTo(false);
      t.integer('records').notNullable().defaultTo(0);
      t.string('imported_at', 32).notNullable();
    });
  },
};

export interface SourceState {
  fingerprint: string;
  container: boolean;
  records: number;
}

function keyOf(source: string, scope: string): string {
  return createHash('sha256').update(source).update('\0').update(scope).digest('hex');
}

export class ImportState {
  constructor(
    private readonly db: Database,
    /** What else decides the records a source gives: the target collection. */
    private readonly scope: string,
  ) {}

  async get(source: string): Promise<SourceState | undefined> {
    const row = (await this.db.knex(IMPORT_STATE_TABLE).where('key', keyOf(source, this.scope)).first('fingerprint', 'container', 'records')) as
      | { fingerprint: string; container: boolean | number; records: number }
      | undefined;
    return row && { fingerprint: row.fingerprint, container: Boolean(row.container), records: Number(row.records) };
  }

  /** Records sources as imported (after their records were committed). */
  async done(entries: Array<{ source: string; fingerprint: string; container: boolean; records: number }>): Promise<void> {
    if (entries.length === 0) return;
    const now = new Date().toISOString();
    const rows = entries.map((e) => ({ key: keyOf(e.source, this.scope), source: e.source, scope: this.scope, fingerprint: e.fingerprint, container: e.container, records: e.records, imported_at: now }));
    for (let i = 0; i < rows.length; i += 200) {
      await this.db.knex(IMPORT_STATE_TABLE).insert(rows.slice(i, i + 200)).onConflict('key').merge(['fingerprint', 'container', 'records', 'imported_at']);
    }
  }

  /** Forgets a source (it changed and its new content was rejected). */
  async forget(source: string): Promise<void> {
    await this.db.knex(IMPORT_STATE_TABLE).where('key', keyOf(source, this.scope)).delete();
  }
}
