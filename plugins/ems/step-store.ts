/** The steps of workflow jobs in the database: where each runs, its job there, its outputs. */
import type { Database } from '../../core/storage/db/types.js';
import type { JobStatus } from '../processing/types.js';
import type { StepJobRef, StepValue } from './endpoints.js';
import { EMS_STEPS_TABLE } from './migrations.js';

export interface StepRecord {
  jobId: string;
  step: string;
  adesId: string;
  processId: string;
  ref?: StepJobRef;
  status: JobStatus;
  progress: number;
  message?: string;
  outputs?: Record<string, StepValue>;
}

interface Row {
  job_id: string;
  step: string;
  ades_id: string;
  process_id: string;
  remote_job: string | null;
  status_url: string | null;
  status: string;
  progress: number;
  message: string | null;
  outputs: string | null;
  updated: string;
}

function fromRow(r: Row): StepRecord {
  return {
    jobId: r.job_id,
    step: r.step,
    adesId: r.ades_id,
    processId: r.process_id,
    ref: r.remote_job ? { jobId: r.remote_job, ...(r.status_url ? { statusUrl: r.status_url } : {}) } : undefined,
    status: r.status as JobStatus,
    progress: Number(r.progress),
    message: r.message ?? undefined,
    outputs: r.outputs ? (JSON.parse(r.outputs) as Record<string, StepValue>) : undefined,
  };
}

export class StepStore {
  constructor(private readonly db: Database) {}

  async list(jobId: string): Promise<StepRecord[]> {
    return ((await this.db.knex(EMS_STEPS_TABLE).where({ job_id: jobId }).orderBy('updated')) as Row[]).map(fromRow);
  }

  async get(jobId: string, step: string): Promise<StepRecord | undefined> {
    const row = (await this.db.knex(EMS_STEPS_TABLE).where({ job_id: jobId, step }).first()) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  async save(s: StepRecord): Promise<void> {
    const row: Row = {
      job_id: s.jobId,
      step: s.step,
      ades_id: s.adesId,
      process_id: s.processId,
      remote_job: s.ref?.jobId ?? null,
      status_url: s.ref?.statusUrl ?? null,
      status: s.status,
      progress: Math.round(s.progress),
      message: s.message ?? null,
      outputs: s.outputs ? JSON.stringify(s.outputs) : null,
      updated: new Date().toISOString(),
    };
    await this.db.knex(EMS_STEPS_TABLE).insert(row).onConflict(['job_id', 'step']).merge();
  }

  /** Forgets the steps of a deleted workflow job. */
  async removeAll(jobId: string): Promise<void> {
    await this.db.knex(EMS_STEPS_TABLE).where({ job_id: jobId }).delete();
  }
}
