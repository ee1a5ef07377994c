/**
 * The quotation of an execution, before it is accepted: the resources the package declares
 * (CWL ResourceRequirement of the process and its steps' tools: the largest step decides, as
 * steps run one after another at most), the number of file inputs and the size of the inline
 * ones. The engine hands it to `authorize` as context (`quotation`), so a decision point can
 * refuse what the caller's credit does not cover. Costing itself belongs to the accounting service.
 */
import { readCwlPackage } from './cwl/parse.js';
import type { CwlProcess } from './cwl/types.js';
import { isDirectoryInput, isFileInput } from './stage-in.js';
import type { ProcessRecord } from './types.js';

export interface Quotation {
  processId: string;
  /** Cores and memory (MiB) the largest step asks for at least (CWL defaults: 1 core, 256 MiB). */
  cores: number;
  ramMiB: number;
  /** Temporary and output space asked for (MiB), summed over the steps. */
  diskMiB: number;
  steps: number;
  fileInputs: number;
  inlineBytes: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function requirement(raw: Json, cls: string): Json | undefined {
  for (const list of [raw.requirements, raw.hints]) {
    if (Array.isArray(list)) {
      const found = list.find((r) => isObject(r) && r.class === cls);
      if (found) return found as Json;
    } else if (isObject(list) && isObject(list[cls])) return list[cls] as Json;
  }
  return undefined;
}

/** A number of a ResourceRequirement field; expressions count as unknown (the default). */
function amount(r: Json | undefined, min: string, max: string, fallback: number): number {
  const v = r?.[min] ?? r?.[max];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}

function toolsOf(p: CwlProcess, all: CwlProcess[]): Json[] {
  if (p.class !== 'Workflow') return [p.raw];
  const steps = Array.isArray(p.raw.steps) ? p.raw.steps : isObject(p.raw.steps) ? Object.values(p.raw.steps) : [];
  return steps.flatMap((s) => {
    if (!isObject(s)) return [];
    if (typeof s.run === 'string') {
      const ref = s.run.replace(/^#/, '');
      const t = all.find((x) => x.id === ref);
      return t ? toolsOf(t, all) : [];
    }
    return isObject(s.run) ? [s.run] : [];
  });
}

export function quote(p: ProcessRecord, inputs: Record<string, unknown>): Quotation {
  let cores = 1;
  let ramMiB = 256;
  let diskMiB = 0;
  let steps = 1;
  if (p.cwl) {
    const pkg = readCwlPackage(p.cwl);
    const outer = requirement(pkg.main.raw, 'ResourceRequirement');
    const tools = toolsOf(pkg.main, pkg.processes);
    steps = tools.length;
    cores = 0;
    ramMiB = 0;
    for (const t of tools) {
      const r = requirement(t, 'ResourceRequirement') ?? outer;
      cores = Math.max(cores, amount(r, 'coresMin', 'coresMax', 1));
      ramMiB = Math.max(ramMiB, amount(r, 'ramMin', 'ramMax', 256));
      diskMiB += amount(r, 'tmpdirMin', 'tmpdirMax', 1024) + amount(r, 'outdirMin', 'outdirMax', 1024);
    }
  }
  let fileInputs = 0;
  let inlineBytes = 0;
  for (const [id, d] of Object.entries(p.description.inputs)) {
    const given = inputs[id];
    if (given === undefined) continue;
    const values = Array.isArray(given) && d.maxOccurs !== 1 ? given : [given];
    if (isFileInput(d) || isDirectoryInput(d)) fileInputs += values.length;
    else inlineBytes += Buffer.byteLength(JSON.stringify(given));
  }
  return { processId: p.id, cores, ramMiB, diskMiB, steps, fileInputs, inlineBytes };
}
