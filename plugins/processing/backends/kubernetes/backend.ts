/**
 * The `kubernetes` execution backend: one Kubernetes Job per execution, running a CWL runner
 * image (manifest.ts) in the job's working area. It writes the package and the job order there,
 * removes Jobs a cut-short earlier try of the same job left, creates the Job, then polls the
 * Job's status, its pod and the runner's log (each new line into the job's log, workflow steps
 * as progress) until the Job completes (the output object is read back) or fails (the pod's
 * terminated reason and cwltool's error lines are the job's error). A dismissal deletes the
 * Job with propagationPolicy Foreground, which stops its pod.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../../../../core/storage/blobs/types.js';
import { ToolFailed } from '../local.js';
import type { CwlOutputs, CwlRun, ExecutionBackend } from '../types.js';
import { KubernetesApiError, type ContainerStatus, type Job, type KubernetesApi, type Pod } from './api.js';
import { storageOf, type BlobStorage, type KubernetesBackendConfig, type PvcStorage } from './config.js';
import { buildJobManifest, EXIT_FILE, JOB_ID_LABEL, jobName, labelValue, OUTPUT_OBJECT_FILE, RUNNER_CONTAINER } from './manifest.js';
import { packageAmounts, packageTimeLimit, podResources, stepCount } from './resources.js';

export interface KubernetesBackendDeps {
  /** The API (created on first use: client-node-api.ts, or a test's recorded contract). */
  api: () => Promise<KubernetesApi>;
  /** The processing workDir: where the worker mounts the claim (pvc storage). */
  workRoot: string;
  /** The platform's blob store (blob storage: the transfer prefix). */
  blobs?: BlobStore;
  /** Clock and pause, replaceable so a recorded contract replays the same calls. */
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The Job name's random part. */
  nameSuffix?: () => string;
}

/** Waiting reasons after which a pod will not start by itself. */
const STUCK_REASONS = new Set(['ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);
/** Consecutive failed status reads tolerated (an API server restart, a network blip). */
const MAX_POLL_ERRORS = 5;
const TRANSFER_PREFIX = 'processing/kubernetes';

const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** RFC 3339 timestamps compared at nanosecond precision (the kubelet's have 9 digits, others fewer). */
function timeKey(ts: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}` : ts;
}

/** Follows one container's log through repeated reads with timestamps: each line once, in order. */
class LogFollower {
  private lastKey = '';
  private lastTime = 0;
  private atLastKey = 0;
  readonly tail: string[] = [];

  constructor(
    private readonly emit: (line: string) => void,
    private readonly now: () => number,
  ) {}

  /** Seconds back to ask for: since the last line seen, with a second to spare; all before the first. */
  sinceSeconds(): number | undefined {
    return this.lastTime ? Math.max(1, Math.ceil((this.now() - this.lastTime) / 1000) + 1) : undefined;
  }

  take(text: string): void {
    let sameKey = 0;
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      const space = raw.indexOf(' ');
      const ts = space > 0 ? raw.slice(0, space) : '';
      const line = space > 0 ? raw.slice(space + 1) : raw;
      const key = timeKey(ts);
      if (key < this.lastKey) continue;
      if (key === this.lastKey) {
        // Lines of the same instant: skip as many as were taken before.
        if (++sameKey <= this.atLastKey) continue;
        this.atLastKey++;
      } else {
        this.lastKey = key;
        this.atLastKey = 1;
        sameKey = 1;
        const t = Date.parse(ts);
        if (Number.isFinite(t)) this.lastTime = t;
      }
      const clean = line.replace(/\u001b\[[0-9;]*m/g, '');
      this.tail.push(clean);
      if (this.tail.length > 60) this.tail.shift();
      this.emit(clean);
    }
  }
}

function containerStatuses(pod: Pod | undefined): ContainerStatus[] {
  return [...(pod?.status?.initContainerStatuses ?? []), ...(pod?.status?.containerStatuses ?? [])];
}

function latestPod(pods: Pod[]): Pod | undefined {
  return [...pods].sort((a, b) => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? ''))).at(-1);
}

const condition = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

/** Why a finished pod failed: the first container that ended badly, runner first. */
function terminatedReason(pod: Pod | undefined): string | undefined {
  const statuses = containerStatuses(pod).sort((a, b) => Number(b.name === RUNNER_CONTAINER) - Number(a.name === RUNNER_CONTAINER));
  for (const s of statuses) {
    const t = s.state?.terminated;
    if (t && t.exitCode !== 0) return `container ${s.name} terminated: ${t.reason ?? 'Error'} (exit ${t.exitCode})${t.message ? `: ${t.message.trim()}` : ''}`;
  }
  return pod?.status?.reason ? `pod ${pod.status.reason}${pod.status.message ? `: ${pod.status.message}` : ''}` : undefined;
}

/** cwltool's error and the lines that explain it, else the last lines (as the local backend reports them). */
function errorLines(tail: string[]): string {
  const lines = tail.filter((l) => l.trim());
  const at = lines.findIndex((l) => /\b(ERROR|error)\b/.test(l));
  return (at >= 0 ? lines.slice(at, at + 4) : lines.slice(-5)).map((l) => l.trim()).join(' | ');
}

export class KubernetesBackend implements ExecutionBackend {
  readonly name = 'kubernetes';
  private readonly storage: PvcStorage | BlobStorage;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly nameSuffix: () => string;
  private api?: Promise<KubernetesApi>;

  constructor(
    private readonly config: KubernetesBackendConfig,
    private readonly deps: KubernetesBackendDeps,
  ) {
    this.storage = storageOf(config.storage);
    if (this.storage.type === 'blob' && !deps.blobs) throw new Error('processing.kubernetes.storage: blob storage needs the blob store');
    // calrissian's step pods mount the runner's volume: it must be a claim, not a pod's emptyDir.
    if (this.storage.type === 'blob' && config.runner === 'calrissian') throw new Error("processing.kubernetes: runner 'calrissian' needs storage type 'pvc' (its step pods share the working area)");
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? abortableSleep;
    this.nameSuffix = deps.nameSuffix ?? (() => randomBytes(3).toString('hex'));
  }

  async runCwl(run: CwlRun): Promise<CwlOutputs> {
    const packageFile = 'package.cwl';
    const orderFile = 'job.json';
    await mkdir(join(run.workDir, 'out'), { recursive: true });
    await mkdir(join(run.workDir, 'tmp'), { recursive: true });
    await writeFile(join(run.workDir, packageFile), JSON.stringify(run.document));
    await writeFile(join(run.workDir, orderFile), JSON.stringify(run.inputs));
    const name = jobName(run.jobId, this.nameSuffix());
    const ns = this.config.namespace;
    const api = await (this.api ??= this.deps.api().catch((err: unknown) => {
      this.api = undefined;
      throw new ToolFailed(`kubernetes API: no client: ${err instanceof Error ? err.message : String(err)}`);
    }));

    let subPath: string | undefined;
    let transferUrl: string | undefined;
    const transferKey = `${TRANSFER_PREFIX}/${name}`;
    if (this.storage.type === 'pvc') {
      subPath = relative(this.deps.workRoot, run.workDir).split(sep).join('/');
      if (!subPath || subPath.startsWith('..') || isAbsolute(subPath)) throw new ToolFailed(`the job's working area ${run.workDir} is not below the processing workDir ${this.deps.workRoot}, where the claim is mounted`);
    } else {
      transferUrl = `s3://${this.storage.bucket}/${this.storage.keyPrefix}${transferKey}`;
      await this.upload(run.workDir, `${transferKey}/work`);
    }
    const amounts = packageAmounts(run.document, run.entry);
    const resources =
      this.config.runner === 'calrissian'
        ? { requests: { cpu: this.config.calrissian.runnerCpu, memory: this.config.calrissian.runnerMemory }, limits: { memory: this.config.calrissian.runnerMemory } }
        : podResources(amounts, this.storage.type === 'blob' ? { ephemeralMiB: amounts.diskMin + (await folderBytes(join(run.workDir, 'in'))) / 1048576 } : {});
    const timeLimit = packageTimeLimit(run.document, run.entry);
    const manifest = buildJobManifest(this.config, this.storage, {
      name,
      jobId: run.jobId,
      workDir: run.workDir,
      subPath,
      transferUrl,
      packageFile,
      orderFile,
      entry: run.entry,
      resources,
      activeDeadlineSeconds: Math.min(this.config.activeDeadlineSeconds, timeLimit !== undefined ? timeLimit + this.config.startupAllowanceSeconds : Infinity),
      annotations: {},
    });

    try {
      await this.removeEarlierTries(api, run);
      await call(() => api.createJob(ns, manifest), 'create the Job');
      run.log(`kubernetes: job ${ns}/${name} created (image ${this.config.image})`);
      await run.progress?.(12, `kubernetes job ${name} created`);
      await this.follow(api, name, run);
      const outputs = await this.readOutputs(run.workDir, transferKey);
      return outputs;
    } finally {
      if (this.storage.type === 'blob') await this.removePrefix(transferKey).catch(() => {});
    }
  }

  /** A try cut short by a restart may have left its Job running: it goes before the new one starts. */
  private async removeEarlierTries(api: KubernetesApi, run: CwlRun): Promise<void> {
    const left = await call(() => api.listJobs(this.config.namespace, `${JOB_ID_LABEL}=${labelValue(run.jobId)}`), 'list the Jobs of earlier tries');
    for (const job of left) {
      if (job.metadata.annotations?.[JOB_ID_LABEL] !== undefined && job.metadata.annotations[JOB_ID_LABEL] !== run.jobId) continue;
      if (!job.metadata.name) continue;
      await call(() => api.deleteJob(this.config.namespace, job.metadata.name!), 'delete the Job of an earlier try');
      run.log(`kubernetes: deleted job ${job.metadata.name} of an earlier try`);
    }
  }

  private async follow(api: KubernetesApi, name: string, run: CwlRun): Promise<void> {
    const ns = this.config.namespace;
    const totalSteps = stepCount(run.document, run.entry);
    let stepsDone = 0;
    let progressKey = '';
    let progressAt = 12;
    const progress = async (percent: number, message: string) => {
      const p = Math.max(progressAt, percent);
      if (`${p} ${message}` === progressKey) return;
      progressKey = `${p} ${message}`;
      progressAt = p;
      await run.progress?.(p, message);
    };
    let running = false;
    const steps: Array<[number, string]> = [];
    const logs = new LogFollower((line) => {
      run.log(line);
      // cwltool and calrissian: "[step NAME] completed success" ends a workflow step.
      const m = /^(?:INFO )?\[step ([^\]]+)\] completed (success|permanentFail)/.exec(line);
      if (m && totalSteps > 1) {
        stepsDone = Math.min(totalSteps, stepsDone + 1);
        steps.push([20 + Math.floor((55 * stepsDone) / totalSteps), `step ${m[1]} done (${stepsDone} of ${totalSteps})`]);
      }
    }, this.now);
    let errors = 0;
    for (;;) {
      await this.sleep(this.config.pollIntervalMs, run.signal);
      if (run.signal.aborted) return this.dismissed(api, name, run);
      let job: Job;
      let pod: Pod | undefined;
      try {
        job = await api.readJobStatus(ns, name);
        pod = latestPod(await api.listPods(ns, `job-name=${name}`));
        const runner = pod?.status?.containerStatuses?.find((s) => s.name === RUNNER_CONTAINER);
        if (pod?.metadata.name && (runner?.state?.running || runner?.state?.terminated)) {
          logs.take(await api.readPodLog(ns, pod.metadata.name, { container: RUNNER_CONTAINER, sinceSeconds: logs.sinceSeconds() }));
        }
        errors = 0;
      } catch (err) {
        if (run.signal.aborted) return this.dismissed(api, name, run);
        if (err instanceof KubernetesApiError && err.status === 404 && /job/i.test(err.message)) throw new ToolFailed(`the kubernetes job ${name} was deleted before it finished`);
        if (++errors >= MAX_POLL_ERRORS) {
          await api.deleteJob(ns, name).catch(() => {});
          throw new ToolFailed(`kubernetes API: ${MAX_POLL_ERRORS} status reads of job ${name} failed, the last: ${err instanceof Error ? err.message : String(err)}`);
        }
        continue;
      }
      if (run.signal.aborted) return this.dismissed(api, name, run);
      // Where the pod is until it runs; then the workflow's steps as they end.
      if (!running) {
        const [p, m] = this.podProgress(pod);
        await progress(p, m);
        running = p >= 20;
      }
      for (const [p, m] of steps.splice(0)) await progress(p, m);

      if (condition(job, 'Complete') || (job.status?.succeeded ?? 0) > 0) {
        run.log(`kubernetes: job ${name} succeeded`);
        await progress(78, `kubernetes job ${name} succeeded`);
        return;
      }
      const failed = condition(job, 'Failed');
      if (failed) {
        const why = failed.reason === 'DeadlineExceeded' ? `it ran longer than its time limit (activeDeadlineSeconds ${this.config.activeDeadlineSeconds}, or the package's ToolTimeLimit)` : (terminatedReason(pod) ?? `${failed.reason ?? 'Failed'}${failed.message ? `: ${failed.message}` : ''}`);
        const said = errorLines(logs.tail);
        throw new ToolFailed(`the tool failed on kubernetes (job ${name}): ${why}${said ? ` | ${said}` : ''}`);
      }
      const stuck = containerStatuses(pod).find((s) => s.state?.waiting?.reason && STUCK_REASONS.has(s.state.waiting.reason));
      if (stuck) {
        await call(() => api.deleteJob(ns, name), 'delete the Job');
        const w = stuck.state!.waiting!;
        throw new ToolFailed(`the kubernetes job ${name} cannot start: container ${stuck.name} ${w.reason}${w.message ? `: ${w.message}` : ''}`);
      }
    }
  }

  /** Progress of a pod not yet finished: scheduling, stage-in, running. */
  private podProgress(pod: Pod | undefined): [number, string] {
    if (!pod) return [12, 'waiting for the kubernetes job to create its pod'];
    const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (unscheduled) return [14, `waiting for a node: ${unscheduled.reason ?? 'Unschedulable'}${unscheduled.message ? ` (${unscheduled.message})` : ''}`];
    const node = pod.spec?.nodeName;
    const init = pod.status?.initContainerStatuses?.find((s) => !s.state?.terminated);
    if (init) return [16, `staging in on node ${node ?? '?'}`];
    const runner = pod.status?.containerStatuses?.find((s) => s.name === RUNNER_CONTAINER);
    if (runner?.state?.running || runner?.state?.terminated) return [20, `running on node ${node ?? '?'}`];
    const waiting = runner?.state?.waiting?.reason;
    return [15, `pod ${pod.metadata.name ?? ''} ${waiting ?? pod.status?.phase ?? 'Pending'}`.replace(/ +/g, ' ')];
  }

  private async dismissed(api: KubernetesApi, name: string, run: CwlRun): Promise<never> {
    // Foreground: the Job goes once its pod is gone, so the tool has stopped when the call returns.
    await api.deleteJob(this.config.namespace, name).catch((err: unknown) => run.log(`kubernetes: could not delete job ${name}: ${err instanceof Error ? err.message : String(err)}`));
    run.log(`kubernetes: job ${name} deleted (dismissed)`);
    throw run.signal.reason;
  }

  private async readOutputs(workDir: string, transferKey: string): Promise<CwlOutputs> {
    if (this.storage.type === 'blob') await this.download(`${transferKey}/result/`, workDir);
    const text = await readFile(join(workDir, OUTPUT_OBJECT_FILE), 'utf8').catch(() => '');
    try {
      return JSON.parse(text) as CwlOutputs;
    } catch {
      const exit = await readFile(join(workDir, EXIT_FILE), 'utf8').catch(() => '?');
      throw new ToolFailed(`the kubernetes job ended without an output object (runner exit ${exit.trim()})`);
    }
  }

  /** blob storage: the working area (inputs, package, job order) to the transfer prefix. */
  private async upload(dir: string, prefix: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const key = `${prefix}/${relative(dir, path).split(sep).join('/')}`;
      const { size } = await stat(path);
      await this.deps.blobs!.put(key, await readFile(path), { size });
    }
  }

  /** blob storage: what the sidecar put under `result/` into the working area. */
  private async download(prefix: string, workDir: string): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.deps.blobs!.list(prefix, { cursor });
      for (const item of page.items) {
        const rel = item.key.slice(prefix.length);
        const target = join(workDir, ...rel.split('/'));
        if (relative(workDir, target).startsWith('..')) continue;
        await mkdir(dirname(target), { recursive: true });
        const blob = await this.deps.blobs!.get(item.key);
        await pipeline(blob.body, createWriteStream(target));
      }
      cursor = page.nextCursor;
    } while (cursor);
  }

  private async removePrefix(prefix: string): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.deps.blobs!.list(`${prefix}/`, { cursor });
      for (const item of page.items) await this.deps.blobs!.delete(item.key);
      cursor = page.nextCursor;
    } while (cursor);
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** An API call whose failure ends the try, saying what could not be done. */
async function call<T>(fn: () => Promise<T>, what: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const status = err instanceof KubernetesApiError ? ` (${err.status}${err.reason ? ` ${err.reason}` : ''})` : '';
    throw new ToolFailed(`kubernetes API: could not ${what}${status}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
