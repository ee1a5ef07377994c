/**
 * A deployed workflow read into what the EMS runs: its steps in dependency order, each step's
 * tool as a self-contained CWL package (what an ADES deploys), where each step input comes from,
 * and which step output each workflow output is. The EMS runs the subset of CWL Workflows whose
 * steps connect one source to one input; what it cannot place step by step is refused at deploy.
 */
import { InvalidPackage, readCwlPackage, shortId } from '../processing/cwl/parse.js';
import type { CwlIssue, CwlPackage } from '../processing/cwl/types.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a step input's value comes from. */
export type StepSource = { kind: 'input'; input: string } | { kind: 'step'; step: string; output: string } | { kind: 'default'; value: unknown };

export interface StepInput {
  id: string;
  source: StepSource;
  /** The step's own default, used when a workflow input source is not given. */
  default?: unknown;
}

export interface WorkflowStep {
  id: string;
  /** The tool's id in the package. */
  toolId: string;
  /** The tool as a package of its own (cwlVersion, $namespaces, the tool). */
  package: Json;
  inputs: StepInput[];
  outputs: string[];
  /** Steps whose outputs this one reads. */
  after: string[];
}

export interface WorkflowPlan {
  id: string;
  steps: WorkflowStep[];
  outputs: Array<{ id: string; step: string; output: string }>;
}

/** 'first/result', '#main/first/result', '#source' -> parts without the workflow's own prefix. */
function sourceParts(source: string, workflowId: string): string[] {
  let s = source.replace(/^#/, '');
  if (workflowId && s.startsWith(`${workflowId}/`)) s = s.slice(workflowId.length + 1);
  return s.split('/');
}

function listOrMap(value: unknown): Array<[string, unknown, string]> {
  if (Array.isArray(value)) return value.map((v, i) => [isObject(v) && typeof v.id === 'string' ? shortId(v.id) : typeof v === 'string' ? shortId(v) : '', v, `[${i}]`]);
  if (isObject(value)) return Object.entries(value).map(([k, v]) => [shortId(k), v, `.${k}`]);
  return [];
}

export function readWorkflowPlan(document: Json): WorkflowPlan {
  const pkg: CwlPackage = readCwlPackage(document);
  const main = pkg.main;
  const issues: CwlIssue[] = [];
  const at = (field: string) => (main.path ? `${main.path}.${field}` : field);
  if (main.class !== 'Workflow') {
    throw new InvalidPackage([{ path: at('class'), message: `the EMS runs Workflows whose steps run on ADES endpoints; a ${main.class} is deployed on an ADES (/ades)` }]);
  }
  const workflowInputs = new Set(main.inputs.map((p) => p.id));
  const byId = new Map(pkg.processes.map((p) => [p.id, p]));
  const steps: WorkflowStep[] = [];
  for (const [stepId, raw, where] of listOrMap(main.raw.steps)) {
    const path = at(`steps${where}`);
    if (!isObject(raw)) continue;
    for (const unsupported of ['scatter', 'when']) {
      if (raw[unsupported] !== undefined) issues.push({ path: `${path}.${unsupported}`, message: `the EMS does not run steps with '${unsupported}' (each step is one job on one ADES)` });
    }
    let tool: Json | undefined;
    let toolId = '';
    if (typeof raw.run === 'string') {
      toolId = shortId(raw.run.replace(/^#/, ''));
      tool = byId.get(toolId)?.raw;
    } else if (isObject(raw.run)) {
      tool = raw.run;
      toolId = typeof tool.id === 'string' ? shortId(tool.id) : stepId;
    }
    if (!tool) {
      issues.push({ path: `${path}.run`, message: 'must name a process of the $graph or hold it inline' });
      continue;
    }
    if (tool.class !== 'CommandLineTool' && tool.class !== 'ExpressionTool') {
      issues.push({ path: `${path}.run`, message: `a step of an EMS workflow runs a CommandLineTool or ExpressionTool on one ADES, not a ${String(tool.class)}` });
      continue;
    }
    const inputs: StepInput[] = [];
    const after = new Set<string>();
    for (const [inputId, value, w] of listOrMap(raw.in)) {
      const ip = `${path}.in${w}`;
      const body: Json = typeof value === 'string' || Array.isArray(value) ? { source: value } : isObject(value) ? value : {};
      if (body.valueFrom !== undefined) issues.push({ path: `${ip}.valueFrom`, message: 'the EMS passes sources as they are; valueFrom is not supported' });
      const sources = body.source === undefined ? [] : Array.isArray(body.source) ? body.source : [body.source];
      if (sources.length > 1) {
        issues.push({ path: `${ip}.source`, message: 'one source per step input (the EMS does not merge sources)' });
        continue;
      }
      if (sources.length === 0) {
        if (body.default !== undefined) inputs.push({ id: inputId, source: { kind: 'default', value: body.default } });
        continue;
      }
      const parts = sourceParts(String(sources[0]), main.id);
      if (parts.length === 1 && workflowInputs.has(parts[0]!)) inputs.push({ id: inputId, source: { kind: 'input', input: parts[0]! }, default: body.default });
      else if (parts.length === 2) {
        inputs.push({ id: inputId, source: { kind: 'step', step: parts[0]!, output: parts[1]! } });
        after.add(parts[0]!);
      } else issues.push({ path: `${ip}.source`, message: `'${String(sources[0])}' names no workflow input or step output` });
    }
    const outputs = listOrMap(raw.out).map(([id]) => id).filter(Boolean);
    const stepPackage: Json = { cwlVersion: pkg.cwlVersion, ...(isObject(document.$namespaces) ? { $namespaces: document.$namespaces } : {}), ...tool, id: toolId };
    steps.push({ id: stepId, toolId, package: stepPackage, inputs, outputs, after: [...after] });
  }
  const outputs: WorkflowPlan['outputs'] = [];
  for (const p of main.outputs) {
    const sources = p.outputSource ?? [];
    const parts = sources.length === 1 ? sourceParts(sources[0]!, main.id) : [];
    if (parts.length !== 2) {
      issues.push({ path: at(`outputs.${p.id}.outputSource`), message: 'each workflow output of an EMS workflow is one step output (step/output)' });
      continue;
    }
    outputs.push({ id: p.id, step: parts[0]!, output: parts[1]! });
  }
  if (issues.length > 0) throw new InvalidPackage(issues);
  return { id: main.id, steps: dependencyOrder(steps, at('steps')), outputs };
}

/** Steps so that each comes after those it reads from; a cycle is refused. */
function dependencyOrder(steps: WorkflowStep[], path: string): WorkflowStep[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const done = new Set<string>();
  const ordered: WorkflowStep[] = [];
  while (ordered.length < steps.length) {
    const ready = steps.filter((s) => !done.has(s.id) && s.after.every((a) => done.has(a) || !byId.has(a)));
    if (ready.length === 0) throw new InvalidPackage([{ path, message: `steps ${steps.filter((s) => !done.has(s.id)).map((s) => `'${s.id}'`).join(', ')} depend on each other in a cycle` }]);
    for (const s of ready) {
      done.add(s.id);
      ordered.push(s);
    }
  }
  return ordered;
}
