/**
 * The job handler of `ems.workflow`: places each step on an ADES, deploys the step's tool there
 * when it is missing, submits it, polls its status, hands its results by reference to the steps
 * that read them, and reports the whole workflow's progress as this one job. Steps whose inputs
 * are ready run at the same time. A step that fails fails the workflow (naming the step); a
 * dismissal dismisses the step jobs running. A try that starts again (after a restart) resumes:
 * finished steps are kept, running step jobs are polled again, not submitted twice.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Subject } from '../../core/auth/types.js';
import type { RemoteFetchLimits } from '../../core/net/remote-fetch.js';
import type { JobContext } from '../../core/jobs/types.js';
import type { SecretBox } from '../../core/security/secret-box.js';
import type { CatalogueService } from '../catalogue/types.js';
import { notify } from '../processing/job-runner.js';
import { callbackDocument } from '../processing/ogc-documents.js';
import { dataAsset, isDirectoryInput, isFileInput } from '../processing/stage-in.js';
import { jobPrefix } from '../processing/stage-out.js';
import type { ExecuteRequest, JobResult, ProcessDescription, StoredOutput } from '../processing/types.js';
import type { AdesEndpoint, StepJobRef, StepValue } from './endpoints.js';
import { placeStep } from './placement.js';
import type { EndpointRegistry } from './registry.js';
import { relayToken } from './relay.js';
import type { StepStore } from './step-store.js';
import { readWorkflowPlan, type WorkflowStep } from './workflow.js';

export const WORKFLOW_JOB_TYPE = 'ems.workflow';

export interface WorkflowPayload {
  processId: string;
  description: ProcessDescription;
  cwl: Record<string, unknown>;
  inputs: Record<string, unknown>;
  subject: Subject;
  statusUrl?: string;
  /** The EMS's base URL as the caller reached it (for relay links). */
  emsBase?: string;
  /** Hosts that are this server (the local engine's data hosts). */
  selfHosts: string[];
  subscriber?: ExecuteRequest['subscriber'];
  /** Tries the queue gives the job (the failed callback is sent once, when the failure is final). */
  attempts?: number;
}

/** A step ended badly on its ADES: final (a new try does not rerun it). `repeated`: read back from an earlier try, which reported it. */
class StepEnded extends Error {
  constructor(message: string, readonly repeated = false) {
    super(message);
  }
}

export interface RunnerDeps {
  registry: EndpointRegistry;
  steps: StepStore;
  secrets: SecretBox;
  catalogue?: CatalogueService;
  logger: Logger;
  pollIntervalMs: number;
  relayTtlMs: number;
  /** Status reads in a row that may fail (a remote ADES restarting) before the step fails. */
  statusRetries: number;
  /** Limits of the subscriber callbacks' POSTs. */
  callbackLimits: RemoteFetchLimits;
}

/** The id a step's tool is deployed as: its own id and a hash of the package (and, on the local engine, of the owner, whose process it becomes). */
export function deployedProcessId(step: WorkflowStep, endpoint: AdesEndpoint, subject: Subject): string {
  const hash = createHash('sha256').update(JSON.stringify(step.package));
  if (endpoint.kind === 'local') hash.update(`\0${subject.anonymous ? '' : subject.id}`);
  return `${step.toolId}-${hash.digest('hex').slice(0, 12)}`;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createWorkflowHandler(deps: RunnerDeps) {
  return async function runWorkflow(job: JobContext): Promise<JobResult> {
    const p = job.payload as WorkflowPayload;
    const subject = p.subject;
    const plan = readWorkflowPlan(p.cwl);
    const endpoints = await deps.registry.all(subject, p.selfHosts);
    const fallback = deps.registry.fallback(endpoints);
    if (!fallback) throw new Error('no ADES to run the steps on: configure ades entries or enable the local engine');
    const log = (line: string) => job.log(line).catch(() => {});
    const saved = new Map((await deps.steps.list(job.id)).map((s) => [s.step, s]));
    const produced = new Map<string, { endpoint: AdesEndpoint; ref: StepJobRef; outputs: Record<string, StepValue> }>();
    const progress = new Map<string, number>(plan.steps.map((s) => [s.id, 0]));
    const active = new Map<string, { endpoint: AdesEndpoint; ref: StepJobRef }>();
    const stop = new AbortController();
    const signal = AbortSignal.any([job.signal, stop.signal]);
    const endpointById = (id: string) => endpoints.find((e) => e.id === id);

    const dismissActive = () => {
      for (const [step, a] of active) {
        void a.endpoint.dismiss(a.ref, subject).then(
          () => log(`step '${step}': job ${a.ref.jobId} on '${a.endpoint.id}' dismissed`),
          (err: unknown) => log(`step '${step}': dismissing job ${a.ref.jobId} on '${a.endpoint.id}' failed: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
    };
    job.signal.addEventListener('abort', dismissActive, { once: true });

    // Subscriber callbacks, with the processing engine's documents and rules, for the whole workflow; sent in order.
    let callbacks: Promise<void> = Promise.resolve();
    const callback = (kind: 'inProgress' | 'success' | 'failed', state: { progress?: number; message?: string; result?: JobResult; error?: string } = {}) => {
      if (!p.subscriber) return callbacks;
      const body = callbackDocument(kind, { id: job.id, processId: p.processId, statusUrl: p.statusUrl, progress: state.progress, message: state.message }, state.result, state.error);
      callbacks = callbacks.then(() => notify({ callbackLimits: deps.callbackLimits, callbackBody: async () => body }, p, kind, job));
      return callbacks;
    };

    let lastReported = -1;
    const report = async (message: string) => {
      const total = [...progress.values()].reduce((a, b) => a + b, 0) / Math.max(1, plan.steps.length);
      const overall = Math.max(1, Math.min(99, Math.round(total)));
      if (overall === lastReported && !message) return;
      lastReported = overall;
      await job.progress(overall, message);
      void callback('inProgress', { progress: overall, message });
    };

    /** A step output as the next step's input value: by reference. */
    const reference = (value: StepValue, from: { step: string; output: string; endpoint: AdesEndpoint }, to: AdesEndpoint, path: string): unknown => {
      if ('list' in value) return value.list.map((v, i) => reference(v, from, to, `${path}/${i}`));
      if ('value' in value) return value.value;
      const f = value.file;
      if (from.endpoint.kind === 'local' && to.kind === 'local' && f.blobKey) return { href: `blob:${f.blobKey}`, ...(f.type ? { type: f.type } : {}) };
      if (from.endpoint.publicResults && f.href) return { href: f.href, ...(f.type ? { type: f.type } : {}) };
      if (!p.emsBase) throw new Error(`step '${from.step}': no EMS URL to relay output '${from.output}' from`);
      return { href: `${p.emsBase}/relay/${relayToken(deps.secrets, job.id, path, deps.relayTtlMs)}`, ...(f.type ? { type: f.type } : {}) };
    };

    /** A workflow input for a step on `to`: a remote ADES cannot read this server's catalogue or blobs, so products become their data's URL. */
    const workflowInput = async (inputId: string, value: unknown, to: AdesEndpoint, step: string): Promise<unknown> => {
      const d = p.description.inputs[inputId];
      if (to.kind === 'local' || !d || !(isFileInput(d) || isDirectoryInput(d))) return value;
      const one = async (v: unknown): Promise<unknown> => {
        const ref = typeof v === 'string' ? v : isObject(v) && typeof v.href === 'string' ? v.href : undefined;
        if (ref === undefined || /^https?:\/\//i.test(ref)) return v;
        const id = ref.startsWith('catalogue:') ? ref.slice('catalogue:'.length) : ref;
        const product = !ref.startsWith('blob:') && deps.catalogue ? await deps.catalogue.get(id, subject).catch(() => undefined) : undefined;
        const asset = product ? dataAsset(product, undefined) : undefined;
        if (asset && /^https?:\/\//i.test(asset.href)) return { href: asset.href, ...(asset.type ? { type: asset.type } : {}) };
        throw new Error(`step '${step}': input '${inputId}' (${ref}) is on this server and has no URL ADES '${to.id}' can read; give it by URL`);
      };
      return Array.isArray(value) ? Promise.all(value.map(one)) : one(value);
    };

    const runStep = async (step: WorkflowStep): Promise<void> => {
      const before = saved.get(step.id);
      if (before?.status === 'successful' && before.outputs && before.ref && endpointById(before.adesId)) {
        produced.set(step.id, { endpoint: endpointById(before.adesId)!, ref: before.ref, outputs: before.outputs });
        progress.set(step.id, 100);
        return;
      }
      // A step that ended badly on its ADES is not run again by a new try (the ADES has its own retries).
      if (before && (before.status === 'failed' || before.status === 'dismissed')) {
        throw new StepEnded(`step '${step.id}' ${before.status === 'failed' ? 'failed' : 'was dismissed'} on '${before.adesId}'${before.message ? `: ${before.message}` : ''}`, true);
      }
      let endpoint: AdesEndpoint;
      let ref: StepJobRef;
      let processId: string;
      const resumable = before && (before.status === 'accepted' || before.status === 'running') && before.ref && endpointById(before.adesId);
      if (resumable) {
        endpoint = endpointById(before.adesId)!;
        ref = before.ref!;
        processId = before.processId;
        await log(`step '${step.id}': following job ${ref.jobId} on '${endpoint.id}' again`);
      } else {
        const placement = await placeStep(step, p.description, p.inputs, endpoints, fallback, deps.catalogue, subject);
        endpoint = placement.endpoint;
        await log(`step '${step.id}': placed on '${endpoint.id}': ${placement.reason}`);
        processId = deployedProcessId(step, endpoint, subject);
        const how = await endpoint.ensureProcess(processId, { ...step.package, id: processId }, subject);
        await log(`step '${step.id}': process '${processId}' ${how === 'deployed' ? 'deployed on' : 'already on'} '${endpoint.id}'`);
        const inputs: Record<string, unknown> = {};
        for (const input of step.inputs) {
          const s = input.source;
          if (s.kind === 'default') inputs[input.id] = s.value;
          else if (s.kind === 'input') {
            const given = p.inputs[s.input] ?? input.default;
            if (given !== undefined) inputs[input.id] = await workflowInput(s.input, given, endpoint, step.id);
          } else {
            const from = produced.get(s.step);
            const value = from?.outputs[s.output];
            if (!from || value === undefined) throw new Error(`step '${step.id}': step '${s.step}' produced no output '${s.output}'`);
            inputs[input.id] = reference(value, { step: s.step, output: s.output, endpoint: from.endpoint }, endpoint, `${s.step}/${s.output}`);
          }
        }
        if (signal.aborted) throw signal.reason;
        ref = await endpoint.submit(processId, inputs, subject);
        await deps.steps.save({ jobId: job.id, step: step.id, adesId: endpoint.id, processId, ref, status: 'accepted', progress: 0 });
        await log(`step '${step.id}': submitted to '${endpoint.id}' as job ${ref.jobId}${ref.statusUrl ? ` (${ref.statusUrl})` : ''}`);
      }
      active.set(step.id, { endpoint, ref });
      if (job.signal.aborted) dismissActive();
      let failures = 0;
      let last = '';
      for (;;) {
        if (signal.aborted) throw signal.reason;
        let status;
        try {
          status = await endpoint.status(ref, subject);
          failures = 0;
        } catch (err) {
          if (++failures > deps.statusRetries) throw new Error(`step '${step.id}': ${err instanceof Error ? err.message : String(err)}`);
          await sleep(deps.pollIntervalMs, signal);
          continue;
        }
        const seen = `${status.status} ${Math.round(status.progress)} ${status.message ?? ''}`;
        if (seen !== last) {
          last = seen;
          progress.set(step.id, status.status === 'successful' ? 100 : Math.min(99, status.progress));
          await deps.steps.save({ jobId: job.id, step: step.id, adesId: endpoint.id, processId, ref, status: status.status, progress: status.progress, message: status.message });
          await report(`step '${step.id}' on '${endpoint.id}': ${status.status}${status.message ? ` (${status.message})` : ''}`);
        }
        if (status.status === 'successful') break;
        if (status.status === 'failed' || status.status === 'dismissed') {
          active.delete(step.id);
          const lines = await endpoint.logs(ref, subject).catch(() => [] as string[]);
          for (const line of lines.slice(-20)) await log(`[${step.id}] ${line}`);
          throw new StepEnded(`step '${step.id}' ${status.status === 'failed' ? 'failed' : 'was dismissed'} on '${endpoint.id}'${status.message ? `: ${status.message}` : ''}`);
        }
        await sleep(deps.pollIntervalMs, signal);
      }
      active.delete(step.id);
      const outputs = await endpoint.results(ref, subject);
      await deps.steps.save({ jobId: job.id, step: step.id, adesId: endpoint.id, processId, ref, status: 'successful', progress: 100, outputs });
      produced.set(step.id, { endpoint, ref, outputs });
      await log(`step '${step.id}': successful on '${endpoint.id}'`);
    };

    try {
      await report(`running ${plan.steps.length} steps`);
      const running = new Map<string, Promise<string>>();
      const finished = new Set<string>();
      const pending = [...plan.steps];
      while (pending.length > 0 || running.size > 0) {
        for (const step of [...pending]) {
          if (!step.after.every((a) => finished.has(a))) continue;
          pending.splice(pending.indexOf(step), 1);
          running.set(step.id, runStep(step).then(() => step.id));
        }
        if (running.size === 0) throw new Error(`steps ${pending.map((s) => `'${s.id}'`).join(', ')} wait for steps that never ran`);
        try {
          const id = await Promise.race(running.values());
          running.delete(id);
          finished.add(id);
        } catch (err) {
          // One step failed: the others stop (their jobs dismissed) before the workflow fails.
          stop.abort(err);
          dismissActive();
          await Promise.allSettled(running.values());
          throw err;
        }
      }
      const prefix = jobPrefix(subject.anonymous ? 'anonymous' : subject.id, job.id);
      const stored = (v: StepValue, path: string): StoredOutput => {
        if ('list' in v) return { items: v.list.map((x, i) => stored(x, `${path}/${i}`)) };
        if ('value' in v) return { value: v.value };
        return { blobKey: `${prefix}${path}`, ...(v.file.type ? { mediaType: v.file.type } : {}) };
      };
      const outputs: Record<string, StoredOutput> = {};
      for (const o of plan.outputs) {
        const value = produced.get(o.step)?.outputs[o.output];
        if (value === undefined) throw new Error(`step '${o.step}' produced no output '${o.output}' (workflow output '${o.id}')`);
        outputs[o.id] = stored(value, `${o.step}/${o.output}`);
      }
      await job.progress(100, 'finished');
      const result: JobResult = { outputs };
      await callback('success', { result });
      return result;
    } catch (err) {
      if (!job.signal.aborted) {
        const message = err instanceof Error ? err.message : String(err);
        await log(`failed: ${message}`);
        const final = err instanceof StepEnded ? !err.repeated : job.attempt >= (p.attempts ?? 1);
        if (final) await callback('failed', { error: message });
        else await callbacks;
      }
      throw err;
    } finally {
      job.signal.removeEventListener('abort', dismissActive);
    }
  };
}
