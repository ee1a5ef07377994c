/**
 * Validation against the official OGC API - Processes 1.0 JSON schemas shipped (YAML, OpenAPI 3.0
 * flavour) in ../shared/schemas/ogc/ogcapi/processes/part1/1.0/openapi/schemas, offline. Each file
 * is registered under its own URL so their relative $refs resolve; the OpenAPI 3.0 boolean
 * exclusiveMinimum/Maximum (draft-04 form) is rewritten to its draft-07 meaning, `nullable` ignored.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { SCHEMAS_SOURCE } from '../../helpers/xsd.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
const DIR = path.join(SCHEMAS_SOURCE, 'ogc/ogcapi/processes/part1/1.0/openapi/schemas');
const BASE = 'http://schemas.opengis.net/ogcapi/processes/part1/1.0/openapi/schemas/';

function toDraft07(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft07);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' || k === 'example' ? (k === 'example' ? v : Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, toDraft07(pv)]))) : toDraft07(v);
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else if (typeof out[flag] === 'boolean') delete out[flag];
  }
  return out;
}

let ajv: Ajv | undefined;
function instance(): Ajv {
  if (ajv) return ajv;
  const a = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  addFormats(a);
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.yaml'))) {
    a.addSchema(toDraft07(parseYaml(readFileSync(path.join(DIR, file), 'utf8'))) as object, `${BASE}${file}`);
  }
  ajv = a;
  return a;
}

export type ProcessesSchema = 'landingPage' | 'confClasses' | 'processList' | 'process' | 'statusInfo' | 'jobList' | 'results' | 'exception' | 'execute';

/** Throws with every error when `doc` does not validate against `<name>.yaml`. */
export function assertProcessesSchema(name: ProcessesSchema, doc: unknown): void {
  const validate = instance().getSchema(`${BASE}${name}.yaml`) as ValidateFunction;
  if (!validate(doc)) {
    const text = (validate.errors ?? []).slice(0, 15).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
    throw new Error(`not a valid ${name}:\n${text}\n${JSON.stringify(doc).slice(0, 1500)}`);
  }
}
