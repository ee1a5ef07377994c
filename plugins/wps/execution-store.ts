/** What each Execute asked for (response form, outputs), kept so GetResult answers alike. */
import type { Database } from '../../core/storage/db/types.js';
import type { OutputDefinition, ResponseForm } from './execute-request.js';
import { WPS_EXECUTIONS_TABLE } from './migrations.js';

export interface ExecutionPrefs {
  response: ResponseForm;
  outputs: OutputDefinition[];
}

export class ExecutionStore {
  constructor(private readonly db: Database) {}

  async put(jobId: string, prefs: ExecutionPrefs): Promise<void> {
    await this.db.knex(WPS_EXECUTIONS_TABLE).insert({ job_id: jobId, response: prefs.response, outputs: JSON.stringify(prefs.outputs) });
  }

  async remove(jobId: string): Promise<void> {
    await this.db.knex(WPS_EXECUTIONS_TABLE).where({ job_id: jobId }).delete();
  }

  /** The job's preferences; a job started over OGC API Processes gets a document of every output. */
  async get(jobId: string): Promise<ExecutionPrefs> {
    const row = (await this.db.knex(WPS_EXECUTIONS_TABLE).where({ job_id: jobId }).first()) as { response: string; outputs: string } | undefined;
    if (!row) return { response: 'document', outputs: [] };
    return { response: row.response as ResponseForm, outputs: JSON.parse(row.outputs) as OutputDefinition[] };
  }
}
