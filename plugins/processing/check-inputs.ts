/**
 * The checks an execute request's inputs get before a job is accepted, against the process
 * description: unknown inputs refused, required ones present, occurrences, literal values valid
 * against their schema. Shared by the engine and the EMS (which describes workflows the same way).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { BadRequest } from '../../core/errors.js';
import { isDirectoryInput, isFileInput } from './stage-in.js';
import type { ProcessRecord } from './types.js';

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });

/**
 * Compiled validators by the schema's JSON. A deployed process's description is parsed anew from
 * its row on every execute, so a cache by object alone would compile (and Ajv would keep) one
 * validator per request; the oldest are dropped past `MAX_COMPILED`.
 */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 1000;

/** The validator of a literal input's schema, compiled once per distinct schema. */
export function validatorOf(schema: object, validators: WeakMap<object, ValidateFunction>): ValidateFunction {
  let validate = validators.get(schema);
  if (validate) return validate;
  const key = JSON.stringify(schema);
  validate = compiled.get(key);
  if (validate) {
    // Most recently used last, so the oldest go first.
    compiled.delete(key);
  } else {
    validate = ajv.compile(schema);
    if (compiled.size >= MAX_COMPILED) {
      const [oldest, old] = compiled.entries().next().value as [string, ValidateFunction];
      compiled.delete(oldest);
      ajv.removeSchema(old.schema as object);
    }
  }
  compiled.set(key, validate);
  validators.set(schema, validate);
  return validate;
}

/** `validators` caches compiled schemas per description schema object. */
export function checkInputs(p: ProcessRecord, given: Record<string, unknown>, validators: WeakMap<object, ValidateFunction>): Record<string, unknown> {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new BadRequest('inputs must be an object', { code: 'InvalidParameterValue', locator: 'inputs' });
  for (const id of Object.keys(given)) {
    if (!(id in p.description.inputs)) throw new BadRequest(`Process '${p.id}' has no input '${id}'`, { code: 'InvalidParameterValue', locator: `inputs.${id}` });
  }
  for (const [id, d] of Object.entries(p.description.inputs)) {
    const value = given[id];
    if (value === undefined || value === null) {
      if (d.minOccurs > 0) throw new BadRequest(`Input '${id}' is required`, { code: 'MissingParameterValue', locator: `inputs.${id}` });
      continue;
    }
    const values = Array.isArray(value) && d.maxOccurs !== 1 ? value : [value];
    if (values.length < d.minOccurs) throw new BadRequest(`Input '${id}' needs at least ${d.minOccurs} values`, { code: 'InvalidParameterValue', locator: `inputs.${id}` });
    if (d.maxOccurs !== 'unbounded' && values.length > d.maxOccurs) throw new BadRequest(`Input '${id}' takes at most ${d.maxOccurs} value(s)`, { code: 'InvalidParameterValue', locator: `inputs.${id}` });
    if (isFileInput(d) || isDirectoryInput(d)) continue;
    const validate = validatorOf(d.schema, validators);
    for (const v of values) {
      const literal = typeof v === 'object' && v !== null && !Array.isArray(v) && 'value' in v ? (v as { value: unknown }).value : v;
      if (!validate(literal)) {
        const e = validate.errors?.[0];
        throw new BadRequest(`Input '${id}': ${e ? `${e.instancePath || 'the value'} ${e.message}` : 'invalid value'}`, { code: 'InvalidParameterValue', locator: `inputs.${id}` });
      }
    }
  }
  return given;
}
