/**
 * Reads a CWL document (YAML or JSON; one process, or `$graph`) and checks what the engine and
 * cwltool rely on: the version, each process's class and required fields, parameter ids and
 * types, a Workflow's step references and sources. Every problem is reported with where it is.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { BadRequest } from '../../../core/errors.js';
import type { CwlIssue, CwlPackage, CwlParameter, CwlProcess, CwlType } from './types.js';

export const CWL_VERSIONS = ['v1.0', 'v1.1', 'v1.2'];
const PROCESS_CLASSES = ['CommandLineTool', 'Workflow', 'ExpressionTool'] as const;
const PRIMITIVE_TYPES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'string', 'File', 'Directory', 'Any']);
const OUTPUT_ONLY_TYPES = new Set(['stdout', 'stderr']);
const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

/** A package refused at deploy: the problems found, each with its location. */
export class InvalidPackage extends BadRequest {
  constructor(readonly issues: CwlIssue[]) {
    super(`Invalid application package: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, {
      code: 'InvalidPackage',
      locator: issues[0]?.path || undefined,
    });
    this.name = 'InvalidPackage';
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses CWL text (YAML is a superset of JSON). Throws InvalidPackage for text that is not a mapping. */
export function parseCwlText(text: string): Json {
  if (Buffer.byteLength(text) > MAX_DOCUMENT_BYTES) throw new InvalidPackage([{ path: '', message: `the document is larger than ${MAX_DOCUMENT_BYTES} bytes` }]);
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
    const what = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new InvalidPackage([{ path: '', message: `not YAML or JSON${where}: ${what}` }]);
  }
  if (!isObject(doc)) throw new InvalidPackage([{ path: '', message: 'a CWL document must be a mapping (an object)' }]);
  return doc;
}

/** The short form of a CWL id: '#main/input' and 'file.cwl#main/input' are 'input'. */
export function shortId(id: string): string {
  const hash = id.lastIndexOf('#');
  const tail = hash >= 0 ? id.slice(hash + 1) : id;
  const slash = tail.lastIndexOf('/');
  return slash >= 0 ? tail.slice(slash + 1) : tail;
}

/** Validates a parsed document; returns the package or throws InvalidPackage with every problem. */
export function readCwlPackage(doc: Json): CwlPackage {
  const issues: CwlIssue[] = [];
  const cwlVersion = doc.cwlVersion;
  if (cwlVersion === undefined) issues.push({ path: 'cwlVersion', message: 'missing: a CWL document must declare its version (cwlVersion: v1.2)' });
  else if (typeof cwlVersion !== 'string' || !CWL_VERSIONS.includes(cwlVersion)) {
    issues.push({ path: 'cwlVersion', message: `'${String(cwlVersion)}' is not supported; use one of ${CWL_VERSIONS.join(', ')}` });
  }
  const namespaces = isObject(doc.$namespaces) ? (doc.$namespaces as Record<string, string>) : {};
  const processes: CwlProcess[] = [];
  if (doc.$graph !== undefined) {
    if (!Array.isArray(doc.$graph) || doc.$graph.length === 0) issues.push({ path: '$graph', message: 'must be a non-empty list of processes' });
    else {
      doc.$graph.forEach((entry, i) => {
        const p = readProcess(entry, `$graph[${i}]`, namespaces, issues, true);
        if (p) processes.push(p);
      });
      const seen = new Set<string>();
      for (const p of processes) {
        if (seen.has(p.id)) issues.push({ path: `${p.path}.id`, message: `duplicate process id '${p.id}' in $graph` });
        seen.add(p.id);
      }
    }
  } else {
    const p = readProcess(doc, '', namespaces, issues, false);
    if (p) processes.push(p);
  }
  let main: CwlProcess | undefined;
  if (processes.length === 1) main = processes[0];
  else if (processes.length > 1) {
    // OGC 20-089: the Workflow is the application; 'main' decides when there are several.
    main = processes.find((p) => p.id === 'main') ?? (processes.filter((p) => p.class === 'Workflow').length === 1 ? processes.find((p) => p.class === 'Workflow') : undefined);
    if (!main) issues.push({ path: '$graph', message: "cannot tell which process is the application: give one Workflow, or the entry point the id 'main'" });
  }
  for (const p of processes) if (p.class === 'Workflow') checkWorkflow(p, processes, namespaces, issues);
  if (issues.length > 0 || !main) throw new InvalidPackage(issues.length > 0 ? issues : [{ path: '', message: 'the document defines no process' }]);
  const version = firstString(doc['s:version'], doc['s:softwareVersion'], main.raw['s:version'], main.raw['s:softwareVersion']);
  const keywords = Array.isArray(doc['s:keywords']) ? (doc['s:keywords'] as unknown[]).filter((k): k is string => typeof k === 'string') : undefined;
  return { cwlVersion: cwlVersion as string, document: doc, main, processes, version, keywords };
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v.length > 0) return v;
  return undefined;
}

function readProcess(raw: unknown, path: string, namespaces: Record<string, string>, issues: CwlIssue[], inGraph: boolean): CwlProcess | undefined {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (!isObject(raw)) {
    issues.push({ path: path || '', message: 'a process must be a mapping' });
    return undefined;
  }
  const cls = raw.class;
  if (cls === undefined) {
    issues.push({ path: at('class'), message: `missing: give the process class (${PROCESS_CLASSES.join(', ')})` });
    return undefined;
  }
  if (typeof cls !== 'string' || !(PROCESS_CLASSES as readonly string[]).includes(cls)) {
    issues.push({ path: at('class'), message: `'${String(cls)}' is not a CWL process class (${PROCESS_CLASSES.join(', ')})` });
    return undefined;
  }
  let id = '';
  if (raw.id !== undefined) {
    if (typeof raw.id !== 'string' || shortId(raw.id) === '') issues.push({ path: at('id'), message: 'must be a non-empty string' });
    else id = shortId(raw.id);
  } else if (inGraph) issues.push({ path: at('id'), message: 'missing: every process in $graph needs an id' });
  if (id && !ID_PATTERN.test(id)) issues.push({ path: at('id'), message: `'${id}' is not a valid identifier (letters, digits, '_', '.', '-'; starting with a letter or '_')` });
  const names = schemaDefNames(raw);
  const inputs = readParameters(raw.inputs, at('inputs'), 'input', cls, names, namespaces, issues);
  const outputs = readParameters(raw.outputs, at('outputs'), 'output', cls, names, namespaces, issues);
  if (cls === 'CommandLineTool' && raw.baseCommand === undefined && raw.arguments === undefined) {
    issues.push({ path: at('baseCommand'), message: 'a CommandLineTool needs baseCommand or arguments: nothing would run' });
  }
  if (cls === 'Workflow' && raw.steps === undefined) issues.push({ path: at('steps'), message: 'missing: a Workflow needs steps' });
  if (cls === 'ExpressionTool' && typeof raw.expression !== 'string') issues.push({ path: at('expression'), message: 'missing: an ExpressionTool needs an expression' });
  return {
    id,
    class: cls as CwlProcess['class'],
    label: typeof raw.label === 'string' ? raw.label : undefined,
    doc: typeof raw.doc === 'string' ? raw.doc : Array.isArray(raw.doc) ? raw.doc.join('\n') : undefined,
    inputs: inputs ?? [],
    outputs: outputs ?? [],
    path,
    raw,
  };
}

/** Type names a SchemaDefRequirement defines (as requirement or hint). */
function schemaDefNames(raw: Json): Set<string> {
  const names = new Set<string>();
  for (const list of [raw.requirements, raw.hints]) {
    const entries = Array.isArray(list) ? list : isObject(list) ? Object.entries(list).map(([k, v]) => ({ class: k, ...(isObject(v) ? v : {}) })) : [];
    for (const r of entries) {
      if (isObject(r) && r.class === 'SchemaDefRequirement' && Array.isArray(r.types)) {
        for (const t of r.types) if (isObject(t) && typeof t.name === 'string') names.add(shortId(t.name));
      }
    }
  }
  return names;
}

function readParameters(
  value: unknown,
  path: string,
  kind: 'input' | 'output',
  cls: string,
  names: Set<string>,
  namespaces: Record<string, string>,
  issues: CwlIssue[],
): CwlParameter[] | undefined {
  if (value === undefined) {
    issues.push({ path, message: `missing: a ${cls} must list its ${kind}s (an empty list when it has none)` });
    return undefined;
  }
  let entries: Array<[string, unknown, string]>;
  if (Array.isArray(value)) {
    entries = value.map((p, i) => {
      const id = isObject(p) && typeof p.id === 'string' ? shortId(p.id) : '';
      if (!id) issues.push({ path: `${path}[${i}].id`, message: `missing: every ${kind} needs an id` });
      return [id, p, `${path}[${i}]`];
    });
  } else if (isObject(value)) {
    entries = Object.entries(value).map(([id, p]) => [shortId(id), p, `${path}.${id}`]);
  } else {
    issues.push({ path, message: `must be a list or a mapping of ${kind} parameters` });
    return undefined;
  }
  const seen = new Set<string>();
  const params: CwlParameter[] = [];
  for (const [id, p, at] of entries) {
    if (!id) continue;
    if (!ID_PATTERN.test(id)) issues.push({ path: at, message: `'${id}' is not a valid ${kind} id` });
    if (seen.has(id)) issues.push({ path: at, message: `duplicate ${kind} id '${id}'` });
    seen.add(id);
    // The short forms: `name: File` and `name: {type: File, ...}`.
    const body: Json = typeof p === 'string' || Array.isArray(p) ? { type: p } : isObject(p) ? p : {};
    if (!isObject(p) && typeof p !== 'string' && !Array.isArray(p)) {
      issues.push({ path: at, message: `a ${kind} must be a type name or a mapping` });
      continue;
    }
    if (body.type === undefined) {
      issues.push({ path: `${at}.type`, message: `missing: ${kind} '${id}' needs a type` });
      continue;
    }
    const allowed = kind === 'output' && cls === 'CommandLineTool' ? OUTPUT_ONLY_TYPES : new Set<string>();
    const type = readType(body.type, `${at}.type`, names, allowed, issues);
    if (type === undefined) continue;
    const param: CwlParameter = { id, type };
    if (typeof body.label === 'string') param.label = body.label;
    if (typeof body.doc === 'string') param.doc = body.doc;
    else if (Array.isArray(body.doc)) param.doc = body.doc.join('\n');
    if (body.default !== undefined) param.default = body.default;
    if (body.format !== undefined) {
      const formats = (Array.isArray(body.format) ? body.format : [body.format]).filter((f): f is string => typeof f === 'string');
      param.format = formats.map((f) => expandPrefix(f, namespaces));
    }
    if (body.outputSource !== undefined) {
      const sources = (Array.isArray(body.outputSource) ? body.outputSource : [body.outputSource]).filter((s): s is string => typeof s === 'string');
      param.outputSource = sources;
    }
    params.push(param);
  }
  return params;
}

/** 'iana:image/tiff' with $namespaces {iana: 'https://www.iana.org/assignments/media-types/'} -> the full IRI. */
export function expandPrefix(value: string, namespaces: Record<string, string>): string {
  const colon = value.indexOf(':');
  if (colon > 0) {
    const prefix = value.slice(0, colon);
    const base = namespaces[prefix];
    if (typeof base === 'string') return base + value.slice(colon + 1);
  }
  return value;
}

function readType(value: unknown, path: string, names: Set<string>, extra: Set<string>, issues: CwlIssue[]): CwlType | undefined {
  if (typeof value === 'string') {
    if (value.endsWith('?')) {
      const inner = readType(value.slice(0, -1), path, names, extra, issues);
      return inner === undefined ? undefined : ['null', inner];
    }
    if (value.endsWith('[]')) {
      const items = readType(value.slice(0, -2), path, names, extra, issues);
      return items === undefined ? undefined : { type: 'array', items };
    }
    if (PRIMITIVE_TYPES.has(value) || extra.has(value)) return value;
    const name = shortId(value);
    if (value.startsWith('#') || value.includes('#') ? names.has(name) : names.has(value)) return name;
    issues.push({ path, message: `unknown type '${value}' (known: ${[...PRIMITIVE_TYPES, ...extra].join(', ')}, or a type of a SchemaDefRequirement)` });
    return undefined;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      issues.push({ path, message: 'an empty list is not a type' });
      return undefined;
    }
    const members = value.map((v, i) => readType(v, `${path}[${i}]`, names, extra, issues));
    return members.some((m) => m === undefined) ? undefined : (members as CwlType[]);
  }
  if (isObject(value)) {
    if (value.type === 'array') {
      if (value.items === undefined) {
        issues.push({ path: `${path}.items`, message: 'missing: an array type needs items' });
        return undefined;
      }
      const items = readType(value.items, `${path}.items`, names, extra, issues);
      return items === undefined ? undefined : { type: 'array', items };
    }
    if (value.type === 'enum') {
      if (!Array.isArray(value.symbols) || value.symbols.length === 0 || !value.symbols.every((s) => typeof s === 'string')) {
        issues.push({ path: `${path}.symbols`, message: 'an enum type needs a non-empty list of symbols' });
        return undefined;
      }
      return { type: 'enum', symbols: value.symbols.map((s: string) => shortId(s)), name: typeof value.name === 'string' ? value.name : undefined };
    }
    if (value.type === 'record') {
      const fields = Array.isArray(value.fields) || isObject(value.fields) ? readParameters(value.fields, `${path}.fields`, 'input', 'record', names, {}, issues) : [];
      return { type: 'record', fields: fields ?? [] };
    }
    issues.push({ path: `${path}.type`, message: `'${String(value.type)}' is not a type constructor (array, enum, record)` });
    return undefined;
  }
  issues.push({ path, message: 'a type must be a name, a list of types, or an array/enum/record mapping' });
  return undefined;
}

interface StepInfo {
  id: string;
  outs: Set<string>;
}

/** A Workflow's steps: each `run` resolves, each `in` source and each outputSource names something that exists. */
function checkWorkflow(wf: CwlProcess, processes: CwlProcess[], namespaces: Record<string, string>, issues: CwlIssue[]): void {
  const at = (field: string) => (wf.path ? `${wf.path}.${field}` : field);
  const rawSteps = wf.raw.steps;
  let entries: Array<[string, unknown, string]>;
  if (Array.isArray(rawSteps)) {
    entries = rawSteps.map((s, i) => [isObject(s) && typeof s.id === 'string' ? shortId(s.id) : '', s, `${at('steps')}[${i}]`]);
  } else if (isObject(rawSteps)) {
    entries = Object.entries(rawSteps).map(([id, s]) => [shortId(id), s, `${at('steps')}.${id}`]);
  } else {
    if (rawSteps !== undefined) issues.push({ path: at('steps'), message: 'must be a list or a mapping of steps' });
    return;
  }
  const inputIds = new Set(wf.inputs.map((i) => i.id));
  const steps: StepInfo[] = [];
  const pending: Array<{ path: string; source: string }> = [];
  for (const [id, s, path] of entries) {
    if (!id) {
      issues.push({ path: `${path}.id`, message: 'missing: every step needs an id' });
      continue;
    }
    if (!isObject(s)) {
      issues.push({ path, message: 'a step must be a mapping' });
      continue;
    }
    let tool: CwlProcess | undefined;
    if (typeof s.run === 'string') {
      const ref = s.run;
      if (ref.startsWith('#')) {
        tool = processes.find((p) => p.id === shortId(ref));
        if (!tool) issues.push({ path: `${path}.run`, message: `'${ref}' names no process of this document's $graph (${processes.map((p) => `#${p.id}`).join(', ')})` });
      } else {
        issues.push({ path: `${path}.run`, message: `'${ref}' is a separate file; a package must be self-contained (inline the tool, or use $graph and '#id')` });
      }
    } else if (isObject(s.run)) {
      const innerIssues: CwlIssue[] = [];
      tool = readProcess(s.run, `${path}.run`, namespaces, innerIssues, false);
      issues.push(...innerIssues);
      if (tool && tool.class === 'Workflow') checkWorkflow(tool, processes, namespaces, issues);
    } else issues.push({ path: `${path}.run`, message: 'missing: a step needs run (an inline process or a #id of $graph)' });
    const outs = new Set<string>();
    if (Array.isArray(s.out)) {
      s.out.forEach((o, i) => {
        const oid = typeof o === 'string' ? shortId(o) : isObject(o) && typeof o.id === 'string' ? shortId(o.id) : '';
        if (!oid) issues.push({ path: `${path}.out[${i}]`, message: 'must be an output id' });
        else if (tool && !tool.outputs.some((t) => t.id === oid)) issues.push({ path: `${path}.out[${i}]`, message: `'${oid}' is not an output of '${tool.id || 'the step tool'}'` });
        else outs.add(oid);
      });
    } else issues.push({ path: `${path}.out`, message: 'missing: a step must list the outputs it uses (out: [...])' });
    const ins: Array<[string, unknown, string]> = Array.isArray(s.in)
      ? s.in.map((e, i) => [isObject(e) && typeof e.id === 'string' ? shortId(e.id) : '', e, `${path}.in[${i}]`])
      : isObject(s.in)
        ? Object.entries(s.in).map(([k, v]) => [shortId(k), v, `${path}.in.${k}`])
        : [];
    if (s.in === undefined) issues.push({ path: `${path}.in`, message: 'missing: a step needs in (an empty mapping when it takes nothing)' });
    for (const [iid, v, ipath] of ins) {
      const sources = typeof v === 'string' ? [v] : Array.isArray(v) ? v : isObject(v) && v.source !== undefined ? (Array.isArray(v.source) ? v.source : [v.source]) : [];
      for (const src of sources) if (typeof src === 'string') pending.push({ path: typeof v === 'string' || Array.isArray(v) ? ipath : `${ipath}.source`, source: src });
      // A step input its tool lacks is valid (cwltool only warns): it is seen by valueFrom and when, not passed to the tool.
    }
    if (tool) {
      const given = new Set(ins.map(([iid]) => iid));
      for (const t of tool.inputs) {
        if (!given.has(t.id) && t.default === undefined && !isOptional(t.type)) {
          issues.push({ path: `${path}.in`, message: `required input '${t.id}' of '${tool.id || 'the step tool'}' is not connected` });
        }
      }
    }
    steps.push({ id, outs });
  }
  const resolves = (source: string): boolean => {
    const s = source.startsWith('#') ? source.slice(1) : source;
    const rel = s.includes('#') ? s.slice(s.indexOf('#') + 1) : s;
    // '#main/input' inside $graph: drop the workflow's own id.
    const parts = rel.split('/');
    if (parts.length >= 2 && parts[0] === wf.id) parts.shift();
    if (parts.length === 1) return inputIds.has(parts[0]!);
    if (parts.length === 2) return steps.some((st) => st.id === parts[0] && st.outs.has(parts[1]!));
    return false;
  };
  for (const p of pending) if (!resolves(p.source)) issues.push({ path: p.path, message: `source '${p.source}' names no workflow input or step output` });
  wf.outputs.forEach((o) => {
    const list = Array.isArray(o.outputSource) ? o.outputSource : [];
    if (list.length === 0) issues.push({ path: `${at('outputs')}.${o.id}.outputSource`, message: `missing: workflow output '${o.id}' needs an outputSource` });
    for (const src of list) if (!resolves(src)) issues.push({ path: `${at('outputs')}.${o.id}.outputSource`, message: `'${src}' names no step output or workflow input` });
  });
}

export function isOptional(type: CwlType): boolean {
  return Array.isArray(type) && type.includes('null');
}
