/**
 * The kubernetes backend against recorded contracts (test/fixtures/kubernetes/): the exact API
 * calls it makes (Job manifests deep-equal after normalising the generated name and the work
 * dir), and what it makes of the answers: the run's outcome, output object, log lines, progress.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FsBlobStore } from '../../../core/storage/blobs/fs.js';
import { KubernetesBackend } from '../../../plugins/processing/backends/kubernetes/backend.js';
import { ToolFailed } from '../../../plugins/processing/backends/local.js';
import { configOf, RecordedKubernetesApi, type Exchange } from './kubernetes-recorded-api.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/kubernetes');
const START = Date.parse('2024-05-01T10:00:10.000Z');

interface Contract {
  description: string;
  config: Record<string, unknown>;
  run: { jobId: string; entry?: string; document: Record<string, unknown>; inputs: Record<string, unknown>; inFiles?: Record<string, string> };
  dismissAtSleep?: number;
  exchanges: Exchange[];
  expect: {
    outcome: 'successful' | 'failed' | 'dismissed';
    outputs?: unknown;
    error?: string;
    logs: string[];
    progress: Array<[number, string]>;
    files?: Record<string, string>;
    blobsLeft?: string[];
  };
}

describe('processing: kubernetes backend against recorded contracts', function () {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'meridian-k8s-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const files = (async () => (await readdir(FIXTURES)).filter((f) => f.endsWith('.json')).sort())();

  it('has contracts to replay', async () => {
    assert.ok((await files).length >= 5);
  });

  for (const file of ['pvc-cwltool-success.json', 'pvc-workflow-oomkilled.json', 'pvc-dismiss.json', 'blob-emptydir-success.json', 'calrissian-image-pull.json']) {
    it(`${file}`, async () => {
      const contract = JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as Contract;
      const workRoot = join(root, 'processing');
      const workDir = join(workRoot, 'jobs', contract.run.jobId);
      await mkdir(join(workDir, 'in'), { recursive: true });
      await mkdir(join(workDir, 'out'), { recursive: true });
      const fill = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll('${WORK}', workDir)) as Record<string, unknown>;
      for (const [rel, content] of Object.entries(contract.run.inFiles ?? {})) {
        await mkdir(dirname(join(workDir, rel)), { recursive: true });
        await writeFile(join(workDir, rel), content);
      }
      const blobs = await FsBlobStore.open({ root: join(root, 'blobs') });
      const api = new RecordedKubernetesApi(contract.exchanges, workDir, blobs);
      let clock = START;
      let sleeps = 0;
      const controller = new AbortController();
      const backend = new KubernetesBackend(configOf(contract.config), {
        api: async () => api,
        workRoot,
        blobs,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
          if (++sleeps === contract.dismissAtSleep) controller.abort({ kind: 'dismissed' });
        },
      });
      const logs: string[] = [];
      const progress: Array<[number, string]> = [];
      let outcome: string;
      let outputs: unknown;
      let error: unknown;
      try {
        outputs = await backend.runCwl({
          jobId: contract.run.jobId,
          workDir,
          document: contract.run.document,
          entry: contract.run.entry,
          inputs: fill(contract.run.inputs),
          signal: controller.signal,
          log: (line) => logs.push(line),
          progress: async (p, m) => void progress.push([p, m ?? '']),
        });
        outcome = 'successful';
      } catch (err) {
        error = err;
        outcome = controller.signal.aborted ? 'dismissed' : 'failed';
      }
      const norm = <T>(v: T): T => JSON.parse(JSON.stringify(v).replaceAll(workDir, '${WORK}').replaceAll(api.jobName ?? '\u0000', '${JOB}')) as T;

      assert.equal(api.remaining, 0, `(error: ${String(error)}) calls left unmade: ${JSON.stringify(contract.exchanges.slice(-api.remaining).map((e) => e.request))}`);
      assert.ok(api.jobName && /^meridian-[a-z0-9-]+-[0-9a-f]{6}$/.test(api.jobName) && api.jobName.length <= 63, `job name ${api.jobName}`);
      assert.equal(outcome, contract.expect.outcome, `outcome (error: ${String(error)})`);
      if (outcome === 'successful') assert.deepStrictEqual(norm(outputs), contract.expect.outputs);
      if (outcome === 'failed') {
        assert.ok(error instanceof ToolFailed, String(error));
        assert.equal(norm(error.message), contract.expect.error);
      }
      if (outcome === 'dismissed') assert.deepStrictEqual(error, { kind: 'dismissed' });
      assert.deepStrictEqual(norm(logs), contract.expect.logs);
      assert.deepStrictEqual(norm(progress), contract.expect.progress);
      // What the runner reads: the package and the job order, in the working area.
      assert.deepStrictEqual(JSON.parse(await readFile(join(workDir, 'package.cwl'), 'utf8')), contract.run.document);
      assert.deepStrictEqual(norm(JSON.parse(await readFile(join(workDir, 'job.json'), 'utf8'))), contract.run.inputs);
      for (const [rel, content] of Object.entries(contract.expect.files ?? {})) assert.equal(await readFile(join(workDir, rel), 'utf8'), content);
      if (contract.expect.blobsLeft) assert.deepStrictEqual((await blobs.list('processing/')).items.map((i) => i.key), contract.expect.blobsLeft);
    });
  }
});
