/**
 * A deployed workflow read into what the EMS runs: its steps in dependency order, each step's
 * tool as a self-contained CWL package (what an ADES deploys), where each step input comes from,
 * and which step outputs each workflow output is; scatter, when, valueFrom and several sources per
 * input (linkMerge, pickValue) as CWL v1.2 defines them. A step whose `run` is a Workflow (inline,
 * or '#id' of the $graph; SubworkflowFeatureRequirement) holds that workflow's plan, read the same
 * way: the runner runs its steps as records `<step>/<inner step>`. What it cannot run step by step
 * (JavaScript in its own expressions, a workflow running itself) is refused at deploy, with the
 * CWL path.
 */
import { InvalidPackage, readCwlPackage, shortId } from '../processing/cwl/parse.js';
import type { CwlIssue, CwlPackage, CwlType } from '../processing/cwl/types.js';
import { ExpressionError, parseExpression } from './expressions.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a step input's value comes from. */
export type StepSource = { kind: 'input'; input: string } | { kind: 'step'; step: string; output: string };

export type LinkMerge = 'merge_nested' | 'merge_flattened';
export type PickValue = 'first_non_null' | 'the_only_non_null' | 'all_non_null';
export type ScatterMethod = 'dotproduct' | 'flat_crossproduct' | 'nested_crossproduct';

export interface StepInput {
  id: string;
  /** Its sources (none: its default, or nothing). */
  sources: StepSource[];
  /** How several sources merge (default merge_nested). */
  linkMerge?: LinkMerge;
  pickValue?: PickValue;
  /** The step's own default, used when the sources give null or nothing. */
  default?: unknown;
  /** A parameter reference or string with references (self: the value from the sources). */
  valueFrom?: string;
  /** An input of the tool or sub-workflow (else seen only by valueFrom and when). */
  toTool: boolean;
}

export interface WorkflowStep {
  id: string;
  /** The tool's id in the package (a sub-workflow's: its id, or the step's when it has none). */
  toolId: string;
  /** The tool as a package of its own (cwlVersion, $namespaces, the tool); a sub-workflow's is never deployed, its steps are. */
  package: Json;
  /** The sub-workflow the step runs (SubworkflowFeatureRequirement): its steps run as records `<record>/<inner step>`. */
  workflow?: WorkflowPlan;
  inputs: StepInput[];
  outputs: string[];
  /** Steps whose outputs this one reads. */
  after: string[];
  /** Step inputs scattered over (each element its own step job). */
  scatter: string[];
  scatterMethod?: ScatterMethod;
  /** The condition (CWL v1.2): false skips the step (or the scatter element), its outputs null. */
  when?: string;
}

export interface WorkflowOutput {
  id: string;
  sources: Array<{ step: string; output: string }>;
  linkMerge?: LinkMerge;
  pickValue?: PickValue;
}

export interface WorkflowPlan {
  id: string;
  /** The workflow inputs' own defaults. */
  inputDefaults: Record<string, unknown>;
  steps: WorkflowStep[];
  outputs: WorkflowOutput[];
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

const LINK_MERGE = ['merge_nested', 'merge_flattened'];
const PICK_VALUE = ['first_non_null', 'the_only_non_null', 'all_non_null'];
const SCATTER_METHODS = ['dotproduct', 'flat_crossproduct', 'nested_crossproduct'];

/** Whether a process or step declares a requirement (as a requirement or a hint, as cwltool takes either). */
function declares(raw: Json, cls: string): boolean {
  for (const list of [raw.requirements, raw.hints]) {
    if (Array.isArray(list) && list.some((r) => isObject(r) && r.class === cls)) return true;
    if (isObject(list) && cls in list) return true;
  }
  return false;
}

const isArrayType = (t: CwlType | undefined): boolean | undefined => {
  if (t === undefined) return undefined;
  if (typeof t === 'string') return t.endsWith('[]') || (t === 'Any' ? undefined : false);
  if (Array.isArray(t)) {
    const rest = t.filter((x) => x !== 'null');
    return rest.length === 1 ? isArrayType(rest[0]) : undefined;
  }
  return t.type === 'array';
};

function checkExpression(value: unknown, path: string, issues: CwlIssue[]): string | undefined {
  if (typeof value !== 'string') {
    issues.push({ path, message: 'must be a string (a CWL parameter reference such as $(inputs.x))' });
    return undefined;
  }
  try {
    parseExpression(value);
  } catch (err) {
    if (err instanceof ExpressionError) issues.push({ path, message: err.message });
    else throw err;
  }
  return value;
}

/** A Workflow as the plan reader sees it: the entry, a process of the $graph, or one inline in a step's `run`. */
interface WorkflowSource {
  id: string;
  /** Its CWL path ('' for a document that is the workflow). */
  path: string;
  raw: Json;
}

/** Steps a workflow may have, its sub-workflows' counted each time a step runs one (a $graph workflow run by two steps, each of a workflow run by two, … would grow without bound). */
const MAX_PLAN_STEPS = 1000;

interface ReadContext {
  /** Steps read so far, at every level. */
  count: number;
  cwlVersion: string;
  v12: boolean;
  namespaces?: Json;
  byId: Map<string, { raw: Json; path: string }>;
  issues: CwlIssue[];
}

/** A parameter's type as written ('File[]?', ['null', 'File'], {type: array, items}) in the normalised form the checks read. */
function typeOf(t: unknown): CwlType | undefined {
  if (typeof t === 'string') {
    if (t.endsWith('?')) {
      const inner = typeOf(t.slice(0, -1));
      return inner === undefined ? undefined : ['null', inner];
    }
    if (t.endsWith('[]')) {
      const items = typeOf(t.slice(0, -2));
      return items === undefined ? undefined : { type: 'array', items };
    }
    return t;
  }
  if (Array.isArray(t)) {
    const members = t.map(typeOf);
    return members.some((m) => m === undefined) ? undefined : (members as CwlType[]);
  }
  if (isObject(t) && t.type === 'array') return { type: 'array', items: typeOf(t.items) ?? 'Any' };
  if (isObject(t) && (t.type === 'enum' || t.type === 'record')) return t as CwlType;
  return undefined;
}

/** A process's inputs or outputs: id, body (the short forms `x: File` as {type}), type. */
function parameters(value: unknown): Array<{ id: string; body: Json; type?: CwlType }> {
  return listOrMap(value)
    .filter(([id]) => id !== '')
    .map(([id, v]) => {
      const body: Json = typeof v === 'string' || Array.isArray(v) ? { type: v } : isObject(v) ? v : {};
      const type = typeOf(body.type);
      return { id, body, ...(type !== undefined ? { type } : {}) };
    });
}

export function readWorkflowPlan(document: Json): WorkflowPlan {
  const pkg: CwlPackage = readCwlPackage(document);
  const main = pkg.main;
  const at = (field: string) => (main.path ? `${main.path}.${field}` : field);
  if (main.class !== 'Workflow') {
    throw new InvalidPackage([{ path: at('class'), message: `the EMS runs Workflows whose steps run on ADES endpoints; a ${main.class} is deployed on an ADES (/ades)` }]);
  }
  const ctx: ReadContext = {
    count: 0,
    cwlVersion: pkg.cwlVersion,
    v12: pkg.cwlVersion === 'v1.2' || pkg.cwlVersion.startsWith('v1.2.'),
    ...(isObject(document.$namespaces) ? { namespaces: document.$namespaces } : {}),
    byId: new Map(pkg.processes.map((p) => [p.id, { raw: p.raw, path: p.path }])),
    issues: [],
  };
  const plan = readPlan({ id: main.id, path: main.path, raw: main.raw }, ctx, [], [main.id]);
  if (ctx.issues.length > 0) {
    // A sub-workflow of the $graph run by several steps is read (and found wrong) once per step.
    const seen = new Set<string>();
    throw new InvalidPackage(ctx.issues.filter((i) => !seen.has(`${i.path}\0${i.message}`) && seen.add(`${i.path}\0${i.message}`)));
  }
  return plan;
}

/**
 * One workflow's plan. `enclosing`: the workflows and steps around it, outermost first (their
 * requirements and hints apply to it, as CWL inherits them); `stack`: the $graph workflows being
 * read (a step running one of them would run itself).
 */
function readPlan(wf: WorkflowSource, ctx: ReadContext, enclosing: Json[], stack: string[]): WorkflowPlan {
  const { issues, v12 } = ctx;
  const at = (field: string) => (wf.path ? `${wf.path}.${field}` : field);
  const declared = (cls: string, step?: Json) => [...enclosing, wf.raw, ...(step ? [step] : [])].some((r) => declares(r, cls));
  const inputParams = parameters(wf.raw.inputs);
  const workflowInputs = new Map(inputParams.map((p) => [p.id, p]));
  const steps: WorkflowStep[] = [];
  /** Whether a source's value is an array, when known (for scatter). */
  const toolOutputs = new Map<string, { scattered: boolean; types: Map<string, CwlType> }>();
  const scatterChecks: Array<{ path: string; stepId: string; source: StepSource }> = [];
  for (const [stepId, raw, where] of listOrMap(wf.raw.steps)) {
    const path = at(`steps${where}`);
    if (!isObject(raw)) continue;
    if (++ctx.count > MAX_PLAN_STEPS) {
      if (ctx.count === MAX_PLAN_STEPS + 1) issues.push({ path, message: `the workflow runs more than ${MAX_PLAN_STEPS} steps (its sub-workflows' counted for each step that runs one)` });
      break;
    }
    let tool: Json | undefined;
    let toolId = '';
    let toolPath = `${path}.run`;
    let fromGraph = false;
    if (typeof raw.run === 'string') {
      toolId = shortId(raw.run.replace(/^#/, ''));
      const found = ctx.byId.get(toolId);
      tool = found?.raw;
      if (found) toolPath = found.path;
      fromGraph = true;
    } else if (isObject(raw.run)) {
      tool = raw.run;
      toolId = typeof tool.id === 'string' ? shortId(tool.id) : stepId;
    }
    if (!tool) {
      issues.push({ path: `${path}.run`, message: 'must name a process of the $graph or hold it inline' });
      continue;
    }
    if (tool.class !== 'CommandLineTool' && tool.class !== 'ExpressionTool' && tool.class !== 'Workflow') {
      issues.push({ path: `${path}.run`, message: `a step of an EMS workflow runs a CommandLineTool, an ExpressionTool or a Workflow, not a ${String(tool.class)}` });
      continue;
    }
    let sub: WorkflowPlan | undefined;
    if (tool.class === 'Workflow') {
      // As cwltool --validate: the requirement on the step or a workflow around it (the sub-workflow's own does not count).
      if (!declared('SubworkflowFeatureRequirement', raw)) issues.push({ path: `${path}.run`, message: 'a step that runs a Workflow needs SubworkflowFeatureRequirement (a requirement or hint of the step or of a workflow around it)' });
      if (fromGraph && stack.includes(toolId)) {
        issues.push({ path: `${path}.run`, message: `'#${toolId}' is a workflow this step is part of: it would run itself without end` });
        continue;
      }
      sub = readPlan({ id: typeof tool.id === 'string' ? shortId(tool.id) : '', path: toolPath, raw: tool }, ctx, [...enclosing, wf.raw, raw], fromGraph ? [...stack, toolId] : stack);
    }
    const toolInputs = new Set(parameters(tool.inputs).map((x) => x.id));
    const toolOutputTypes = new Map<string, CwlType>();
    for (const o of parameters(tool.outputs)) if (o.type !== undefined) toolOutputTypes.set(o.id, o.type);
    const inputs: StepInput[] = [];
    const after = new Set<string>();
    for (const [inputId, value, w] of listOrMap(raw.in)) {
      const ip = `${path}.in${w}`;
      const body: Json = typeof value === 'string' || Array.isArray(value) ? { source: value } : isObject(value) ? value : {};
      const raws = body.source === undefined ? [] : Array.isArray(body.source) ? body.source : [body.source];
      if (raws.length > 1 && !declared('MultipleInputFeatureRequirement', raw)) {
        issues.push({ path: `${ip}.source`, message: 'several sources need MultipleInputFeatureRequirement' });
      }
      if (body.linkMerge !== undefined && !LINK_MERGE.includes(body.linkMerge as string)) issues.push({ path: `${ip}.linkMerge`, message: `must be one of ${LINK_MERGE.join(', ')}` });
      if (body.pickValue !== undefined && (!v12 || !PICK_VALUE.includes(body.pickValue as string))) issues.push({ path: `${ip}.pickValue`, message: v12 ? `must be one of ${PICK_VALUE.join(', ')}` : 'pickValue needs cwlVersion v1.2' });
      const valueFrom = body.valueFrom === undefined ? undefined : checkExpression(body.valueFrom, `${ip}.valueFrom`, issues);
      const sources: StepSource[] = [];
      for (const src of raws) {
        const parts = sourceParts(String(src), wf.id);
        if (parts.length === 1 && workflowInputs.has(parts[0]!)) sources.push({ kind: 'input', input: parts[0]! });
        else if (parts.length === 2) {
          sources.push({ kind: 'step', step: parts[0]!, output: parts[1]! });
          after.add(parts[0]!);
        } else issues.push({ path: `${ip}.source`, message: `'${String(src)}' names no workflow input or step output` });
      }
      inputs.push({
        id: inputId,
        sources,
        ...(body.linkMerge !== undefined ? { linkMerge: body.linkMerge as LinkMerge } : {}),
        ...(body.pickValue !== undefined ? { pickValue: body.pickValue as PickValue } : {}),
        ...(body.default !== undefined ? { default: body.default } : {}),
        ...(valueFrom !== undefined ? { valueFrom } : {}),
        toTool: toolInputs.has(inputId),
      });
    }
    const scatter = raw.scatter === undefined ? [] : (Array.isArray(raw.scatter) ? raw.scatter : [raw.scatter]).map((x) => (typeof x === 'string' ? shortId(x) : ''));
    if (raw.scatter !== undefined) {
      if (!declared('ScatterFeatureRequirement', raw)) issues.push({ path: `${path}.scatter`, message: 'scatter needs ScatterFeatureRequirement' });
      scatter.forEach((id, i) => {
        const input = inputs.find((x) => x.id === id);
        if (!input) issues.push({ path: Array.isArray(raw.scatter) ? `${path}.scatter[${i}]` : `${path}.scatter`, message: `'${id}' is not an input of step '${stepId}'` });
        else if (input.sources.length === 1 && !input.valueFrom) scatterChecks.push({ path: `${path}.scatter`, stepId, source: input.sources[0]! });
      });
      if (scatter.length > 1 && raw.scatterMethod === undefined) issues.push({ path: `${path}.scatterMethod`, message: 'needed when scattering over several inputs' });
    }
    if (raw.scatterMethod !== undefined && !SCATTER_METHODS.includes(raw.scatterMethod as string)) issues.push({ path: `${path}.scatterMethod`, message: `must be one of ${SCATTER_METHODS.join(', ')}` });
    let when: string | undefined;
    if (raw.when !== undefined) {
      if (!v12) issues.push({ path: `${path}.when`, message: 'when needs cwlVersion v1.2' });
      else when = checkExpression(raw.when, `${path}.when`, issues);
    }
    const outputs = listOrMap(raw.out).map(([id]) => id).filter(Boolean);
    toolOutputs.set(stepId, { scattered: scatter.length > 0, types: toolOutputTypes });
    const stepPackage: Json = { cwlVersion: ctx.cwlVersion, ...(ctx.namespaces ? { $namespaces: ctx.namespaces } : {}), ...tool, id: toolId };
    steps.push({
      id: stepId,
      toolId,
      package: stepPackage,
      ...(sub ? { workflow: sub } : {}),
      inputs,
      outputs,
      after: [...after],
      scatter,
      ...(scatter.length > 1 ? { scatterMethod: raw.scatterMethod as ScatterMethod } : {}),
      ...(when !== undefined ? { when } : {}),
    });
  }
  // A scattered input must be an array (as cwltool's type check says), when its source's type is known.
  for (const c of scatterChecks) {
    const array =
      c.source.kind === 'input'
        ? isArrayType(workflowInputs.get(c.source.input)?.type)
        : toolOutputs.get(c.source.step)?.scattered
          ? true
          : isArrayType(toolOutputs.get(c.source.step)?.types.get(c.source.output));
    if (array === false) issues.push({ path: c.path, message: `step '${c.stepId}' scatters over '${c.source.kind === 'input' ? c.source.input : `${c.source.step}/${c.source.output}`}', which is not an array` });
  }
  const outputs: WorkflowOutput[] = [];
  for (const { id, body } of parameters(wf.raw.outputs)) {
    const sources = body.outputSource === undefined ? [] : (Array.isArray(body.outputSource) ? body.outputSource : [body.outputSource]).filter((x): x is string => typeof x === 'string');
    const parts = sources.map((x) => sourceParts(x, wf.id));
    const op = at(`outputs.${id}`);
    if (parts.length === 0 || parts.some((x) => x.length !== 2)) {
      issues.push({ path: `${op}.outputSource`, message: 'each workflow output of an EMS workflow comes from step outputs (step/output)' });
      continue;
    }
    const { linkMerge, pickValue } = body;
    if (linkMerge !== undefined && !LINK_MERGE.includes(linkMerge as string)) issues.push({ path: `${op}.linkMerge`, message: `must be one of ${LINK_MERGE.join(', ')}` });
    if (pickValue !== undefined && (!v12 || !PICK_VALUE.includes(pickValue as string))) issues.push({ path: `${op}.pickValue`, message: v12 ? `must be one of ${PICK_VALUE.join(', ')}` : 'pickValue needs cwlVersion v1.2' });
    if (parts.length > 1 && !declared('MultipleInputFeatureRequirement')) issues.push({ path: `${op}.outputSource`, message: 'several sources need MultipleInputFeatureRequirement' });
    outputs.push({
      id,
      sources: parts.map(([step, output]) => ({ step: step!, output: output! })),
      ...(linkMerge !== undefined ? { linkMerge: linkMerge as LinkMerge } : {}),
      ...(pickValue !== undefined ? { pickValue: pickValue as PickValue } : {}),
    });
  }
  const inputDefaults = Object.fromEntries(inputParams.filter((i) => i.body.default !== undefined).map((i) => [i.id, i.body.default]));
  let ordered = steps;
  try {
    ordered = dependencyOrder(steps, at('steps'));
  } catch (err) {
    if (!(err instanceof InvalidPackage)) throw err;
    issues.push(...err.issues);
  }
  return { id: wf.id, inputDefaults, steps: ordered, outputs };
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
