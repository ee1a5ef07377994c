/** Deployed processes in the database (built-ins live in code, see builtins/). */
import type { Database } from '../../core/storage/db/types.js';
import { PROCESSES_TABLE } from './migrations.js';
import type { ProcessDescription, ProcessRecord, ProcessVisibility } from './types.js';

interface Row {
  id: string;
  kind: string;
  owner: string | null;
  visibility: string;
  description: string;
  cwl: string | null;
  created: string;
  updated: string;
}

function fromRow(row: Row): ProcessRecord {
  return {
    id: row.id,
    kind: row.kind === 'builtin' ? 'builtin' : 'cwl',
    owner: row.owner ?? undefined,
    visibility: row.visibility === 'public' ? 'public' : 'private',
    description: JSON.parse(row.description) as ProcessDescription,
    cwl: row.cwl ? (JSON.parse(row.cwl) as Record<string, unknown>) : undefined,
    created: row.created,
    updated: row.updated,
  };
}

export class ProcessStore {
  /** `table`: another plugin's table of the same shape (the EMS keeps its workflows apart). */
  constructor(
    private readonly db: Database,
    private readonly table: string = PROCESSES_TABLE,
  ) {}

  async get(id: string): Promise<ProcessRecord | undefined> {
    const row = (await this.db.knex(this.table).where({ id }).first()) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async all(): Promise<ProcessRecord[]> {
    const rows = (await this.db.knex(this.table).orderBy('id')) as Row[];
    return rows.map(fromRow);
  }

  /** Inserts a new process; false when the id is taken (the primary key decides, so two deploys cannot both win). */
  async insert(record: { id: string; owner?: string; visibility: ProcessVisibility; description: ProcessDescription; cwl: Record<string, unknown> }): Promise<ProcessRecord | undefined> {
    const now = new Date().toISOString();
    const row: Row = { id: record.id, kind: 'cwl', owner: record.owner ?? null, visibility: record.visibility, description: JSON.stringify(record.description), cwl: JSON.stringify(record.cwl), created: now, updated: now };
    const inserted = await this.db.knex(this.table).insert(row).onConflict('id').ignore().returning('id');
    if (Array.isArray(inserted) && inserted.length === 0) return undefined;
    return fromRow(row);
  }

  async replace(id: string, changes: { visibility: ProcessVisibility; description: ProcessDescription; cwl: Record<string, unknown> }): Promise<ProcessRecord | undefined> {
    const updated = new Date().toISOString();
    const n = await this.db.knex(this.table).where({ id }).update({ visibility: changes.visibility, description: JSON.stringify(changes.description), cwl: JSON.stringify(changes.cwl), updated });
    return n > 0 ? this.get(id) : undefined;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db.knex(this.table).where({ id }).delete()) > 0;
  }
}
