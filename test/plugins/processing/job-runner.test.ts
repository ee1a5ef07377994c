import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subject } from '../../../core/auth/types.js';
import type { JobContext } from '../../../core/jobs/types.js';
import { createLogger } from '../../../core/logger.js';
import { FsBlobStore } from '../../../core/storage/blobs/fs.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import type { ExecutionBackend } from '../../../plugins/processing/backends/types.js';
import type { BuiltinProcess } from '../../../plugins/processing/builtins/types.js';
import { createJobHandler, EXECUTE_JOB_TYPE, type ExecutePayload } from '../../../plugins/processing/job-runner.js';
import { jobPrefix } from '../../../plugins/processing/stage-out.js';
import type { StageInDeps } from '../../../plugins/processing/stage-in.js';
import type { UsageRecord } from '../../../plugins/processing/types.js';

/** A built-in that writes `files` output files (a Directory). */
const writer: BuiltinProcess = {
  description: {
    id: 'writer',
    title: 'Writes files',
    version: '1.0.0',
    jobControlOptions: ['async-execute', 'dismiss'],
    outputTransmission: ['reference'],
    inputs: {},
    outputs: { files: { title: 'Files', schema: { type: 'string', format: 'binary', contentMediaType: 'text/plain' } } },
  },
  async run(run) {
    const dir = join(run.outDir, 'files');
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < 4; i++) await writeFile(join(dir, `part-${i}.txt`), `part ${i}\n`);
    return { files: { class: 'Directory', path: dir } };
  },
};

describe('plugins/processing/job-runner', () => {
  let root: string;
  let store: FsBlobStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'meridian-job-runner-'));
    store = await FsBlobStore.open({ root: join(root, 'blobs') });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const subject: Subject = { id: 'alice', groups: [], anonymous: false } as unknown as Subject;

  async function staged(jobId: string): Promise<string[]> {
    return (await store.list(jobPrefix('alice', jobId))).items.map((i) => i.key);
  }

  /** Runs the writer with `blobs` as the stage-out store; `dismissAt` aborts the job as the n-th put starts. */
  async function run(jobId: string, dismissAt?: number): Promise<{ outcome: unknown; usage: UsageRecord[] }> {
    const controller = new AbortController();
    let puts = 0;
    const blobs: BlobStore = Object.create(store, {
      put: {
        value: (...args: Parameters<BlobStore['put']>) => {
          if (++puts === dismissAt) controller.abort({ kind: 'dismissed' });
          return store.put(...args);
        },
      },
    });
    const usage: UsageRecord[] = [];
    const handler = createJobHandler({
      logger: createLogger({ level: 'silent' }),
      workRoot: join(root, 'work'),
      keepWorkDirs: false,
      backend: {} as ExecutionBackend,
      builtins: new Map([['writer', writer]]),
      stageIn: {} as StageInDeps,
      stageOut: { blobs, resultsCollection: 'results', logger: createLogger({ level: 'silent' }) },
      callbackLimits: { maxBytes: 1024, timeoutMs: 1000 } as never,
      recordUsage: async (r) => void usage.push(r),
      callbackBody: async () => ({}),
    });
    const payload: ExecutePayload = { processId: 'writer', kind: 'builtin', description: writer.description, inputs: {}, subject };
    const job: JobContext = { id: jobId, type: EXECUTE_JOB_TYPE, payload, attempt: 1, signal: controller.signal, progress: async () => {}, log: async () => {} };
    const outcome = await handler(job).then(
      (result) => ({ result }),
      (err: unknown) => ({ err }),
    );
    return { outcome, usage };
  }

  it('stages every output file and the STAC catalog of a job that runs to its end', async () => {
    const { outcome, usage } = await run('job-1');
    assert.ok('result' in (outcome as object), String((outcome as { err?: unknown }).err));
    const keys = await staged('job-1');
    assert.deepEqual(keys.filter((k) => k.endsWith('.txt')).length, 4);
    assert.ok(keys.some((k) => k.endsWith('catalog.json')));
    assert.equal(usage[0]?.outcome, 'successful');
  });

  it('a job dismissed during stage-out stages nothing more and leaves none of what it had staged', async () => {
    const { outcome, usage } = await run('job-2', 2);
    assert.ok('err' in (outcome as object), 'the dismissed job must not succeed');
    assert.deepEqual(await staged('job-2'), []);
    assert.equal(usage[0]?.outcome, 'dismissed');
  });

  it('a job dismissed as its last file is staged leaves no STAC catalog or file behind', async () => {
    const { usage } = await run('job-3', 4);
    assert.deepEqual(await staged('job-3'), []);
    assert.equal(usage[0]?.outcome, 'dismissed');
  });
});
