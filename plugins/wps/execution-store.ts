/** What each Execute asked for (response form, outputs), kept so GetResult answers alike. */
import type { Database } from '../../core/storage/db/types.js';
import type { OutputDefinition, ResponseForm } from './execute-request.js';
import { WPS_EXECUTIONS_TABLE } from './migrations.js';
import type { Wps1Prefs } from './wps1/execute-request.js';

export interface ExecutionPrefs {
  response: ResponseForm;
  outputs: OutputDefinition[];
  /** Set when the job was started over WPS 1.0.0. */
  wps1?: Wps1Prefs;
}

export class ExecutionStore {
  constructor(private readonly db: Database) {}

  async put(jobId: string, prefs: ExecutionPrefs): Promise<void> {
    await this.db.knex(WPS_EXECUTIONS_TABLE).insert({ job_id: jobId, response: prefs.response, outputs: JSON.stringify(prefs.outputs), wps1: prefs.wps1 ? JSON.stringify(prefs.wps1) : null });
  }

  async remove(jobId: string): Promise<void> {
    await this.db.knex(WPS_EXECUTIONS_TABLE).where({ job_id: jobId }).delete();
  }

  /** The job's preferences; a job started over OGC API Processes gets a document of every output. */
  async get(jobId: string): Promise<ExecutionPrefs> {
    const row = (await this.db.knex(WPS_EXECUTIONS_TABLE).where({ job_id: jobId }).first()) as { response: string; outputs: string; wps1: string | null } | undefined;
    if (!row) return { response: 'document', outputs: [] };
    return { response: row.response as ResponseForm, outputs: JSON.parse(row.outputs) as OutputDefinition[], wps1: row.wps1 ? (JSON.parse(row.wps1) as Wps1Prefs) : undefined };
  }
}
