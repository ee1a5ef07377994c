/** The processing engine's model: OGC API Processes descriptions, jobs, and the service other plugins use. */
import type { Subject } from '../../core/auth/types.js';

/** A JSON Schema of an input or output value, as OGC API Processes 1.0 embeds it. */
export type ValueSchema = Record<string, unknown>;

export interface InputDescription {
  title?: string;
  description?: string;
  schema: ValueSchema;
  minOccurs: number;
  maxOccurs: number | 'unbounded';
  keywords?: string[];
}

export interface OutputDescription {
  title?: string;
  description?: string;
  schema: ValueSchema;
}

export type JobControlOption = 'sync-execute' | 'async-execute' | 'dismiss';
export type TransmissionMode = 'value' | 'reference';

/** What /processes/{id} returns (OGC API Processes 1.0 process.yaml), without links. */
export interface ProcessDescription {
  id: string;
  title?: string;
  description?: string;
  version: string;
  keywords?: string[];
  jobControlOptions: JobControlOption[];
  outputTransmission: TransmissionMode[];
  inputs: Record<string, InputDescription>;
  outputs: Record<string, OutputDescription>;
}

export type ProcessKind = 'builtin' | 'cwl';
export type ProcessVisibility = 'public' | 'private';

/** A process as the registry keeps it. */
export interface ProcessRecord {
  id: string;
  kind: ProcessKind;
  description: ProcessDescription;
  /** Who deployed it; built-ins have none. */
  owner?: string;
  visibility: ProcessVisibility;
  /** The normalised CWL document (JSON), for deployed packages. */
  cwl?: Record<string, unknown>;
  created: string;
  updated: string;
}

/** OGC API Processes 1.0 job status values. */
export type JobStatus = 'accepted' | 'running' | 'successful' | 'failed' | 'dismissed';

/** An input value as execute requests give it: a literal, a qualified value, a reference, or a list of them. */
export type InputValue = unknown;

export interface OutputRequest {
  transmissionMode?: TransmissionMode;
  format?: { mediaType?: string };
}

export interface ExecuteRequest {
  inputs: Record<string, InputValue>;
  outputs?: Record<string, OutputRequest>;
  response?: 'document' | 'raw';
  subscriber?: { successUri?: string; failedUri?: string; inProgressUri?: string };
}

/** One produced output, as stored with the job's result. */
export interface StoredOutput {
  /** A literal value (string, number, boolean, object). */
  value?: unknown;
  /** A file staged out to the blob store. */
  blobKey?: string;
  mediaType?: string;
  size?: number;
  /** Several files (an array output, or a Directory's content). */
  items?: StoredOutput[];
}

/** What a successful job's record holds as its result. */
export interface JobResult {
  outputs: Record<string, StoredOutput>;
  /** The blob key of the STAC catalog describing the outputs. */
  stacCatalog?: string;
  /** Identifier of the catalogue collection and products registered, when the catalogue is enabled. */
  catalogue?: { collection: string; products: string[] };
}

/** A job as the engine reports it. */
export interface ProcessJob {
  id: string;
  processId: string;
  status: JobStatus;
  owner?: string;
  message?: string;
  progress: number;
  created: Date;
  started?: Date;
  finished?: Date;
  updated: Date;
  result?: JobResult;
  error?: string;
  subscriber?: ExecuteRequest['subscriber'];
}

export interface JobListFilter {
  processIds?: string[];
  statuses?: JobStatus[];
  limit?: number;
  offset?: number;
}

/** What one try of a job used (stored per try; `outcome` is how the try ended). */
export interface UsageRecord {
  jobId: string;
  processId: string;
  owner?: string;
  outcome: 'successful' | 'failed' | 'dismissed' | 'interrupted';
  wallMs: number;
  /** User + system CPU time of the commands run (cwltool, the tools, GDAL), from GNU time. */
  cpuMs: number;
  maxRssKb: number;
  /** Bytes staged in (the job's input files) and out (the files put in the blob store). */
  bytesIn: number;
  bytesOut: number;
  started: string;
  finished: string;
}

/** The processing engine (what `provide.processing` is), used by the ADES (and later WPS/EMS). */
export interface ProcessingService {
  listProcesses(subject: Subject): Promise<ProcessRecord[]>;
  /** The process, when it exists and the subject may read it (NoSuchProcess otherwise). */
  getProcess(id: string, subject: Subject): Promise<ProcessRecord>;
  /** Deploys a package (CWL text/JSON or an OGC application package JSON); the new record. */
  deploy(body: DeployBody, subject: Subject, options?: { replace?: string }): Promise<ProcessRecord>;
  undeploy(id: string, subject: Subject): Promise<void>;
  /** Validates and enqueues; resolves with the new job. */
  /** `statusUrl` gives the job's URL (linked from its results and sent to subscribers). */
  execute(processId: string, request: ExecuteRequest, subject: Subject, options?: { statusUrl?: (jobId: string) => string; jobId?: string }): Promise<ProcessJob>;
  getJob(id: string, subject: Subject): Promise<ProcessJob>;
  listJobs(filter: JobListFilter, subject: Subject): Promise<{ jobs: ProcessJob[]; more: boolean }>;
  jobLogs(id: string, subject: Subject): Promise<string[]>;
  dismiss(id: string, subject: Subject): Promise<ProcessJob>;
  /** Waits until the job ends or `timeoutMs` passes; the job as it is then. */
  waitForJob(id: string, subject: Subject, timeoutMs: number): Promise<ProcessJob>;
  /** Reads a staged-out file of a job the subject may read. */
  /** The usage records of a job's tries. */
  usage(jobId: string, subject: Subject): Promise<UsageRecord[]>;
  /** The blob key prefix of a job's files (its owner's workspace). */
  jobFilesPrefix(jobId: string, subject: Subject): Promise<string>;
  readOutput(jobId: string, blobKey: string, subject: Subject): Promise<{ body: NodeJS.ReadableStream; size: number; contentType?: string }>;
}

/** A deploy request's body as received. */
export interface DeployBody {
  /** 'application/cwl+yaml', 'application/cwl+json', 'application/cwl', 'application/ogcapppkg+json' ... */
  contentType: string;
  text: string;
}
