/**
 * What a CWL package asks of the pod: CWL ResourceRequirement as Kubernetes requests/limits and
 * ToolTimeLimit as a run time. CWL's rules (v1.2 §ResourceRequirement): a min without a max makes
 * the max the min and the reverse; neither takes the defaults (1 core, 256 MiB, 1024 MiB each of
 * tmpdir and outdir) and sets no limit. Values that are expressions cannot be known before the
 * run and count as not given. The pod of a cwltool run holds every step in turn, so it asks for
 * the largest step's amounts.
 */
import { readCwlPackage } from '../../cwl/parse.js';
import type { CwlProcess } from '../../cwl/types.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface PodResources {
  requests: Record<string, string>;
  limits?: Record<string, string>;
}

/** Amounts in CWL units: cores, MiB. */
export interface StepAmounts {
  coresMin: number;
  coresMax?: number;
  ramMin: number;
  ramMax?: number;
  /** tmpdirMin + outdirMin, MiB. */
  diskMin: number;
}

function requirement(raw: Json, cls: string): Json | undefined {
  for (const list of [raw.requirements, raw.hints]) {
    if (Array.isArray(list)) {
      const found = list.find((r) => isObject(r) && r.class === cls);
      if (found) return found as Json;
    } else if (isObject(list) && isObject(list[cls])) return list[cls] as Json;
  }
  return undefined;
}

const known = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** One resource's [min, max] by CWL's rules; max undefined when the package sets neither. */
function range(r: Json | undefined, name: string, fallback: number): [number, number | undefined] {
  const min = known(r?.[`${name}Min`]);
  const max = known(r?.[`${name}Max`]);
  if (min === undefined && max === undefined) return [fallback, undefined];
  return [min ?? max!, max ?? min!];
}

export function stepAmounts(r: Json | undefined): StepAmounts {
  const [coresMin, coresMax] = range(r, 'cores', 1);
  const [ramMin, ramMax] = range(r, 'ram', 256);
  const [tmpdirMin] = range(r, 'tmpdir', 1024);
  const [outdirMin] = range(r, 'outdir', 1024);
  return { coresMin, coresMax, ramMin, ramMax, diskMin: tmpdirMin + outdirMin };
}

/** The tools a process runs, with the requirement each inherits from its workflow when it has none. */
function tools(p: CwlProcess | Json, all: CwlProcess[], inherited: { resources?: Json; time?: Json }): Array<{ raw: Json; resources?: Json; time?: Json }> {
  const raw = 'raw' in p && isObject(p.raw) ? p.raw : (p as Json);
  const own = { resources: requirement(raw, 'ResourceRequirement') ?? inherited.resources, time: requirement(raw, 'ToolTimeLimit') ?? inherited.time };
  if (raw.class !== 'Workflow') return [{ raw, ...own }];
  const steps = Array.isArray(raw.steps) ? raw.steps : isObject(raw.steps) ? Object.values(raw.steps) : [];
  return steps.flatMap((s) => {
    if (!isObject(s)) return [];
    const stepOwn = { resources: requirement(s, 'ResourceRequirement') ?? own.resources, time: requirement(s, 'ToolTimeLimit') ?? own.time };
    if (typeof s.run === 'string') {
      const ref = s.run.replace(/^#/, '');
      const t = all.find((x) => x.id === ref);
      return t ? tools(t, all, stepOwn) : [];
    }
    return isObject(s.run) ? tools(s.run, all, stepOwn) : [];
  });
}

/** The entry process of the document (the $graph entry when given). */
function entryOf(document: Json, entry: string | undefined) {
  const pkg = readCwlPackage(document);
  const main = (entry && pkg.processes.find((p) => p.id === entry)) || pkg.main;
  return { pkg, main };
}

/** The largest step's amounts: what the pod of a cwltool run needs, as steps run one at a time. */
export function packageAmounts(document: Json, entry?: string): StepAmounts {
  const { pkg, main } = entryOf(document, entry);
  const all = tools(main, pkg.processes, {}).map((t) => stepAmounts(t.resources));
  const most = (pick: (a: StepAmounts) => number | undefined) => {
    const values = all.map(pick);
    return values.some((v) => v === undefined) ? undefined : Math.max(...(values as number[]));
  };
  return {
    coresMin: Math.max(...all.map((a) => a.coresMin)),
    coresMax: most((a) => a.coresMax),
    ramMin: Math.max(...all.map((a) => a.ramMin)),
    ramMax: most((a) => a.ramMax),
    diskMin: Math.max(...all.map((a) => a.diskMin)),
  };
}

/** Steps of the entry process that a workflow runs (1 for a single tool), for progress. */
export function stepCount(document: Json, entry?: string): number {
  const { pkg, main } = entryOf(document, entry);
  return main.class === 'Workflow' ? Math.max(1, tools(main, pkg.processes, {}).length) : 1;
}

/**
 * Seconds the run may take by its ToolTimeLimit: the tool's `timelimit`, a workflow's the sum of
 * its steps' (undefined when a step has none, or 0 = no limit, or an expression).
 */
export function packageTimeLimit(document: Json, entry?: string): number | undefined {
  const { pkg, main } = entryOf(document, entry);
  let total = 0;
  for (const t of tools(main, pkg.processes, {})) {
    const limit = known(t.time?.timelimit);
    if (limit === undefined || limit === 0) return undefined;
    total += limit;
  }
  return total;
}

export const cpuQuantity = (cores: number): string => (Number.isInteger(cores) ? String(cores) : `${Math.ceil(cores * 1000)}m`);
export const mebibytes = (mib: number): string => `${Math.ceil(mib)}Mi`;

/** Requests from the mins, limits from the maxes (none when the package sets none). */
export function podResources(a: StepAmounts, options: { ephemeralMiB?: number } = {}): PodResources {
  const requests: Record<string, string> = { cpu: cpuQuantity(a.coresMin), memory: mebibytes(a.ramMin) };
  const limits: Record<string, string> = {};
  if (a.coresMax !== undefined) limits.cpu = cpuQuantity(a.coresMax);
  if (a.ramMax !== undefined) limits.memory = mebibytes(a.ramMax);
  if (options.ephemeralMiB !== undefined) requests['ephemeral-storage'] = mebibytes(options.ephemeralMiB);
  return Object.keys(limits).length ? { requests, limits } : { requests };
}
