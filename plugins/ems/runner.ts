/**
 * The job handler of `ems.workflow`: places each step on an ADES, deploys the step's tool there
 * when it is missing, submits it, polls its status, hands its results by reference to the steps
 * that read them, and reports the whole workflow's progress as this one job. Steps whose inputs
 * are ready run at the same time. A step that fails fails the workflow (naming the step); a
 * dismissal dismisses the step jobs running. A try that starts again (after a restart) resumes:
 * finished steps are kept, running step jobs are polled again, not submitted twice. A step that
 * runs a sub-workflow runs its steps the same way, as records `<step>/<inner step>`
 * (`<step>[i]/<inner step>` for each element of a scatter).
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
import { isDirectoryInput, isFileInput } from '../processing/stage-in.js';
import { jobPrefix } from '../processing/stage-out.js';
import type { ExecuteRequest, JobResult, ProcessDescription, StoredOutput } from '../processing/types.js';
import type { AdesEndpoint, StepFile, StepJobRef, StepValue } from './endpoints.js';
import { evaluate, ExpressionError } from './expressions.js';
import { placeStep } from './placement.js';
import type { EndpointRegistry } from './registry.js';
import { relayToken, type RelaySources } from './relay.js';
import type { StepStore } from './step-store.js';
import { readWorkflowPlan, type LinkMerge, type PickValue, type WorkflowPlan, type WorkflowStep } from './workflow.js';

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
  /** Blobs and products of this server given to remote steps as relay links. */
  relay: RelaySources;
  catalogue?: CatalogueService;
  logger: Logger;
  pollIntervalMs: number;
  relayTtlMs: number;
  /** Status reads in a row that may fail (a remote ADES restarting) before the step fails. */
  statusRetries: number;
  /** Elements of one scatter run at once. */
  scatterConcurrency: number;
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
    /** The workflow's progress: the mean of its steps' (a sub-workflow step's: the mean of its steps'). */
    let overallProgress = 0;
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
    // A dismissal dismisses the step jobs; a shutdown leaves them running for the next try to follow.
    const onAbort = () => {
      if ((job.signal.reason as { kind?: string } | undefined)?.kind === 'dismissed') dismissActive();
    };
    job.signal.addEventListener('abort', onAbort, { once: true });

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
      const overall = Math.max(1, Math.min(99, Math.round(overallProgress)));
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

    /** A workflow input for a step on `to`: a remote ADES cannot read this server's catalogue or blobs, so they become relay links (read as the workflow's user). */
    const workflowInput = async (inputId: string, value: unknown, to: AdesEndpoint, step: string): Promise<unknown> => {
      const d = p.description.inputs[inputId];
      if (to.kind === 'local' || !d || !(isFileInput(d) || isDirectoryInput(d))) return value;
      const mediaType = isDirectoryInput(d) ? undefined : (d.schema.contentMediaType as string | undefined);
      const one = (v: unknown) => deps.relay.input(v, { job: job.id, emsBase: p.emsBase, subject, step, input: inputId, to: to.id, mediaType });
      return Array.isArray(value) ? Promise.all(value.map(one)) : one(value);
    };

    /** A workflow input as a value of the workflow: File/Directory values become references to it. */
    const workflowValue = (inputId: string): unknown => {
      const given = p.inputs[inputId] ?? plan.inputDefaults[inputId];
      if (given === undefined) return undefined;
      const d = p.description.inputs[inputId];
      if (!d || !(isFileInput(d) || isDirectoryInput(d))) return given;
      return Array.isArray(given) ? given.map((v) => new InputFile(inputId, v, isDirectoryInput(d))) : new InputFile(inputId, given, isDirectoryInput(d));
    };

    /** A workflow value as a step input on `to`: files by reference (workflow inputs as a remote ADES can read them). */
    const stepInput = async (v: unknown, to: AdesEndpoint, step: string): Promise<unknown> => {
      if (v === undefined || v === null) return null;
      if (Array.isArray(v)) return Promise.all(v.map((x) => stepInput(x, to, step)));
      if (v instanceof InputFile) return workflowInput(v.input, v.value, to, step);
      if (v instanceof OutputFile) return reference({ file: v.file }, { step: v.record, output: v.output, endpoint: v.endpoint }, to, v.path);
      return v;
    };

    /** Runs one step job (a step, or one element of a scatter) as record `record`; its outputs. */
    const runJob = async (record: string, step: WorkflowStep, values: Record<string, unknown>, setProgress: (n: number) => void): Promise<{ endpoint: AdesEndpoint; outputs: Record<string, StepValue> }> => {
      const before = saved.get(record);
      if (before?.status === 'successful' && before.outputs && before.ref && endpointById(before.adesId)) {
        setProgress(100);
        return { endpoint: endpointById(before.adesId)!, outputs: before.outputs };
      }
      // A step that ended badly on its ADES is not run again by a new try (the ADES has its own retries).
      if (before && (before.status === 'failed' || before.status === 'dismissed')) {
        throw new StepEnded(`step '${record}' ${before.status === 'failed' ? 'failed' : 'was dismissed'} on '${before.adesId}'${before.message ? `: ${before.message}` : ''}`, true);
      }
      let endpoint: AdesEndpoint;
      let ref: StepJobRef;
      let processId: string;
      const resumable = before && (before.status === 'accepted' || before.status === 'running') && before.ref && endpointById(before.adesId);
      if (resumable) {
        endpoint = endpointById(before.adesId)!;
        ref = before.ref!;
        processId = before.processId;
        await log(`step '${record}': following job ${ref.jobId} on '${endpoint.id}' again`);
      } else {
        const given: Array<{ input: string; value: unknown }> = [];
        const collect = (v: unknown) => {
          if (Array.isArray(v)) v.forEach(collect);
          else if (v instanceof InputFile) given.push({ input: v.input, value: v.value });
        };
        for (const input of step.inputs) if (input.toTool) collect(values[input.id]);
        const placement = await placeStep(given, endpoints, fallback, deps.catalogue, subject);
        endpoint = placement.endpoint;
        await log(`step '${record}': placed on '${endpoint.id}': ${placement.reason}`);
        processId = deployedProcessId(step, endpoint, subject);
        const how = await endpoint.ensureProcess(processId, { ...step.package, id: processId }, subject);
        await log(`step '${record}': process '${processId}' ${how === 'deployed' ? 'deployed on' : 'already on'} '${endpoint.id}'`);
        const inputs: Record<string, unknown> = {};
        for (const input of step.inputs) {
          if (!input.toTool || values[input.id] === undefined || values[input.id] === null) continue;
          inputs[input.id] = await stepInput(values[input.id], endpoint, record);
        }
        if (signal.aborted) throw signal.reason;
        ref = await endpoint.submit(processId, inputs, subject);
        await deps.steps.save({ jobId: job.id, step: record, adesId: endpoint.id, processId, ref, status: 'accepted', progress: 0 });
        await log(`step '${record}': submitted to '${endpoint.id}' as job ${ref.jobId}${ref.statusUrl ? ` (${ref.statusUrl})` : ''}`);
      }
      active.set(record, { endpoint, ref });
      if (job.signal.aborted) onAbort();
      let failures = 0;
      let last = '';
      for (;;) {
        if (signal.aborted) throw signal.reason;
        let status;
        try {
          status = await endpoint.status(ref, subject);
          failures = 0;
        } catch (err) {
          if (++failures > deps.statusRetries) throw new Error(`step '${record}': ${err instanceof Error ? err.message : String(err)}`);
          await sleep(deps.pollIntervalMs, signal);
          continue;
        }
        const seen = `${status.status} ${Math.round(status.progress)} ${status.message ?? ''}`;
        if (seen !== last) {
          last = seen;
          setProgress(status.status === 'successful' ? 100 : Math.min(99, status.progress));
          await deps.steps.save({ jobId: job.id, step: record, adesId: endpoint.id, processId, ref, status: status.status, progress: status.progress, message: status.message });
          await report(`step '${record}' on '${endpoint.id}': ${status.status}${status.message ? ` (${status.message})` : ''}`);
        }
        if (status.status === 'successful') break;
        if (status.status === 'failed' || status.status === 'dismissed') {
          active.delete(record);
          const lines = await endpoint.logs(ref, subject).catch(() => [] as string[]);
          for (const line of lines.slice(-20)) await log(`[${record}] ${line}`);
          throw new StepEnded(`step '${record}' ${status.status === 'failed' ? 'failed' : 'was dismissed'} on '${endpoint.id}'${status.message ? `: ${status.message}` : ''}`);
        }
        await sleep(deps.pollIntervalMs, signal);
      }
      active.delete(record);
      const outputs = await endpoint.results(ref, subject);
      await deps.steps.save({ jobId: job.id, step: record, adesId: endpoint.id, processId, ref, status: 'successful', progress: 100, outputs });
      await log(`step '${record}': successful on '${endpoint.id}'`);
      return { endpoint, outputs };
    };

    /** One step job's run, or its skip: `when` (after valueFrom) decides; the outputs as workflow values (null when skipped). */
    const runElement = async (record: string, step: WorkflowStep, base: Record<string, unknown>, setProgress: (n: number) => void): Promise<Record<string, unknown>> => {
      const values = { ...base };
      for (const input of step.inputs) {
        if (input.valueFrom === undefined) continue;
        values[input.id] = evaluateOn(input.valueFrom, base, base[input.id], `step '${record}': valueFrom of input '${input.id}'`);
      }
      if (step.when !== undefined) {
        const go = evaluateOn(step.when, values, undefined, `step '${record}': when`);
        if (typeof go !== 'boolean') throw new Error(`step '${record}': when must be true or false, it is ${JSON.stringify(go)}`);
        if (!go) {
          await log(`step '${record}': skipped (when is false)`);
          setProgress(100);
          return Object.fromEntries(step.outputs.map((o) => [o, null]));
        }
      }
      if (step.workflow) {
        // A sub-workflow: its inputs are the step's (its own defaults for the null ones), its outputs the step's.
        const sub = step.workflow;
        const outputs = await runPlan(sub, (id) => values[id] ?? sub.inputDefaults[id] ?? values[id], `${record}/`, setProgress);
        return Object.fromEntries(step.outputs.map((o) => [o, outputs[o] ?? null]));
      }
      const { endpoint, outputs } = await runJob(record, step, values, setProgress);
      // An output the step job did not produce (an optional one) is null, as in CWL.
      return Object.fromEntries(step.outputs.map((o) => [o, outputs[o] === undefined ? null : fromStepValue(outputs[o]!, record, o, [], endpoint)]));
    };

    const runStep = async (step: WorkflowStep, scope: PlanScope): Promise<void> => {
      const record = `${scope.prefix}${step.id}`;
      const base: Record<string, unknown> = {};
      for (const input of step.inputs) {
        const values = input.sources.map((s) => {
          if (s.kind === 'input') return scope.inputValue(s.input);
          const from = scope.produced.get(s.step);
          if (!from || !(s.output in from)) throw new Error(`step '${record}': step '${scope.prefix}${s.step}' produced no output '${s.output}'`);
          return from[s.output];
        });
        let v = input.sources.length === 0 ? undefined : merge(values, input.sources.length === 1, input.linkMerge, input.pickValue, `step '${record}': input '${input.id}'`);
        if ((v === undefined || v === null) && input.default !== undefined) v = input.default;
        base[input.id] = v;
      }
      if (step.scatter.length === 0) {
        scope.produced.set(step.id, await runElement(record, step, base, (n) => scope.stepProgress(step.id, n)));
        scope.stepProgress(step.id, 100);
        return;
      }
      const lists = step.scatter.map((id) => {
        const v = base[id];
        if (!Array.isArray(v)) throw new Error(`step '${record}': scattered input '${id}' is not an array (${JSON.stringify(v ?? null)})`);
        return v as unknown[];
      });
      const method = step.scatterMethod ?? 'dotproduct';
      let combos: unknown[][];
      if (lists.length === 1 || method === 'dotproduct') {
        if (lists.some((l) => l.length !== lists[0]!.length)) throw new Error(`step '${record}': dotproduct scatter over inputs of different lengths (${lists.map((l) => l.length).join(', ')})`);
        combos = lists[0]!.map((_, i) => lists.map((l) => l[i]));
      } else {
        combos = lists.reduce<unknown[][]>((acc, l) => acc.flatMap((c) => l.map((x) => [...c, x])), [[]]);
      }
      const parts = new Array<number>(combos.length).fill(0);
      await log(`step '${record}': scattered over ${step.scatter.map((id) => `'${id}'`).join(', ')} (${method}): ${combos.length} jobs, ${deps.scatterConcurrency} at a time`);
      const results: Array<Record<string, unknown>> = new Array(combos.length);
      let next = 0;
      const worker = async () => {
        while (next < combos.length) {
          const i = next++;
          if (signal.aborted) throw signal.reason;
          const element = { ...base };
          step.scatter.forEach((id, k) => (element[id] = combos[i]![k]));
          results[i] = await runElement(`${record}[${i}]`, step, element, (n) => {
            parts[i] = n;
            scope.stepProgress(step.id, parts.reduce((x, y) => x + y, 0) / Math.max(1, parts.length));
          });
        }
      };
      const workers = Array.from({ length: Math.min(deps.scatterConcurrency, combos.length) }, worker);
      try {
        await Promise.all(workers);
      } catch (err) {
        stop.abort(err);
        await Promise.allSettled(workers);
        throw err;
      }
      const gathered: Record<string, unknown> = {};
      for (const o of step.outputs) {
        const flat = results.map((r) => r[o] ?? null);
        gathered[o] = method === 'nested_crossproduct' && lists.length > 1 ? nest(flat, lists.map((l) => l.length)) : flat;
      }
      scope.produced.set(step.id, gathered);
      scope.stepProgress(step.id, 100);
    };

    /**
     * Runs a workflow's steps (the workflow's, or a sub-workflow's as records `<prefix><step>`), each when
     * its sources are ready; its outputs as workflow values.
     */
    const runPlan = async (plan: WorkflowPlan, inputValue: (id: string) => unknown, prefix: string, setProgress: (n: number) => void): Promise<Record<string, unknown>> => {
      const progress = new Map<string, number>(plan.steps.map((s) => [s.id, 0]));
      const scope: PlanScope = {
        prefix,
        inputValue,
        produced: new Map(),
        stepProgress: (id, n) => {
          progress.set(id, n);
          setProgress([...progress.values()].reduce((a, b) => a + b, 0) / Math.max(1, plan.steps.length));
        },
      };
      const running = new Map<string, Promise<string>>();
      const finished = new Set<string>();
      const pending = [...plan.steps];
      while (pending.length > 0 || running.size > 0) {
        for (const step of [...pending]) {
          if (!step.after.every((a) => finished.has(a))) continue;
          pending.splice(pending.indexOf(step), 1);
          running.set(step.id, runStep(step, scope).then(() => step.id));
        }
        if (running.size === 0) throw new Error(`steps ${pending.map((s) => `'${prefix}${s.id}'`).join(', ')} wait for steps that never ran`);
        try {
          const id = await Promise.race(running.values());
          running.delete(id);
          finished.add(id);
        } catch (err) {
          // One step failed: the others stop (their jobs dismissed) before the workflow fails. A shutdown
          // stops following them only: the next try follows them again. A sub-workflow's run leaves that to the workflow's.
          stop.abort(err);
          if (prefix === '') {
            if (job.signal.aborted) onAbort();
            else dismissActive();
          }
          await Promise.allSettled(running.values());
          throw err;
        }
      }
      const sub = prefix === '' ? '' : ` of '${prefix.slice(0, -1)}'`;
      const outputs: Record<string, unknown> = {};
      for (const o of plan.outputs) {
        const values = o.sources.map((s) => {
          const value = scope.produced.get(s.step)?.[s.output];
          if (value === undefined) throw new Error(`step '${prefix}${s.step}' produced no output '${s.output}' (workflow output '${o.id}'${sub})`);
          return value;
        });
        outputs[o.id] = merge(values, values.length === 1, o.linkMerge, o.pickValue, `workflow output '${o.id}'${sub}`);
      }
      return outputs;
    };

    try {
      await report(`running ${plan.steps.length} steps`);
      const values = await runPlan(plan, workflowValue, '', (n) => (overallProgress = n));
      const prefix = jobPrefix(subject.anonymous ? 'anonymous' : subject.id, job.id);
      const stored = (v: unknown): StoredOutput => {
        if (Array.isArray(v)) return { items: v.map(stored) };
        if (v instanceof OutputFile) return { blobKey: `${prefix}${v.path}`, ...(v.file.type ? { mediaType: v.file.type } : {}) };
        if (v instanceof InputFile) return { value: v.value };
        return { value: v ?? null };
      };
      const outputs: Record<string, StoredOutput> = {};
      for (const [id, v] of Object.entries(values)) outputs[id] = stored(v);
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
      job.signal.removeEventListener('abort', onAbort);
    }
  };
}

/** A workflow being run (the workflow, or a sub-workflow's run as records `<prefix><step>`). */
interface PlanScope {
  prefix: string;
  /** Its inputs as workflow values. */
  inputValue: (id: string) => unknown;
  /** Each step's outputs as workflow values (files as OutputFile, null when skipped; arrays gathered from a scatter). */
  produced: Map<string, Record<string, unknown>>;
  stepProgress: (step: string, progress: number) => void;
}

/** A File/Directory value of a workflow input (placement votes for where it lives). */
class InputFile {
  constructor(
    readonly input: string,
    readonly value: unknown,
    readonly directory: boolean,
  ) {}
  get location(): string {
    const v = this.value;
    return typeof v === 'string' ? v : isObject(v) && typeof v.href === 'string' ? v.href : '';
  }
}

/** A file a step job produced: its record (step or scatter element), output and index, where it is. */
class OutputFile {
  constructor(
    readonly record: string,
    readonly output: string,
    readonly indexes: number[],
    readonly file: StepFile,
    readonly endpoint: AdesEndpoint,
  ) {}
  get path(): string {
    return [this.record, this.output, ...this.indexes].join('/');
  }
  get location(): string {
    return this.file.href ?? (this.file.blobKey ? `blob:${this.file.blobKey}` : '');
  }
}

function fromStepValue(v: StepValue, record: string, output: string, indexes: number[], endpoint: AdesEndpoint): unknown {
  if ('list' in v) return v.list.map((x, i) => fromStepValue(x, record, output, [...indexes, i], endpoint));
  if ('value' in v) return v.value;
  return new OutputFile(record, output, indexes, v.file, endpoint);
}

/** Several sources' values merged (linkMerge) and picked (pickValue) as CWL v1.2 says. */
function merge(values: unknown[], single: boolean, linkMerge: LinkMerge | undefined, pickValue: PickValue | undefined, what: string): unknown {
  const v = single && !linkMerge ? values[0] : linkMerge === 'merge_flattened' ? values.flatMap((x) => (Array.isArray(x) ? x : [x])) : values;
  if (!pickValue) return v;
  const all = Array.isArray(v) ? v : [v];
  const present = all.filter((x) => x !== null && x !== undefined);
  if (pickValue === 'all_non_null') return present;
  if (pickValue === 'first_non_null') {
    if (present.length === 0) throw new Error(`${what}: pickValue first_non_null, and all its sources are null`);
    return present[0];
  }
  if (present.length !== 1) throw new Error(`${what}: pickValue the_only_non_null, and ${present.length} of its sources are not null`);
  return present[0];
}

/** A flat row-major list as nested arrays of the given lengths (nested_crossproduct). */
function nest(flat: unknown[], lengths: number[]): unknown[] {
  if (lengths.length <= 1) return flat;
  const inner = lengths.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: lengths[0]! }, (_, i) => nest(flat.slice(i * inner, (i + 1) * inner), lengths.slice(1)));
}

/** What an expression sees of a workflow value: files as CWL File/Directory objects (class, location, basename, nameroot, nameext, format). */
function expressionView(v: unknown, back: Map<object, unknown>): unknown {
  if (Array.isArray(v)) {
    const view = v.map((x) => expressionView(x, back));
    back.set(view, v);
    return view;
  }
  if (v instanceof InputFile || v instanceof OutputFile) {
    const location = v.location;
    const basename = decodeURIComponent(location.split('?')[0]!.replace(/\/+$/, '').split(/[/:]/).pop() ?? '');
    const dot = basename.lastIndexOf('.');
    const type = v instanceof OutputFile ? v.file.type : isObject(v.value) && typeof v.value.type === 'string' ? v.value.type : undefined;
    const view: Record<string, unknown> = {
      class: v instanceof InputFile && v.directory ? 'Directory' : 'File',
      location,
      basename,
      nameroot: dot > 0 ? basename.slice(0, dot) : basename,
      nameext: dot > 0 ? basename.slice(dot) : '',
      ...(type ? { format: type } : {}),
    };
    back.set(view, v);
    return view;
  }
  return v;
}

/** An expression's value back as a workflow value: the files it selected are the files they were. */
function fromView(v: unknown, back: Map<object, unknown>): unknown {
  if (typeof v === 'object' && v !== null && back.has(v)) return back.get(v);
  if (Array.isArray(v)) return v.map((x) => fromView(x, back));
  return v;
}

function evaluateOn(expression: string, inputs: Record<string, unknown>, self: unknown, what: string): unknown {
  const back = new Map<object, unknown>();
  const view = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, expressionView(v, back)]));
  try {
    return fromView(evaluate(expression, { inputs: view, self: expressionView(self, back), runtime: {} }), back);
  } catch (err) {
    if (err instanceof ExpressionError) throw new Error(`${what}: ${err.message}`);
    throw err;
  }
}
