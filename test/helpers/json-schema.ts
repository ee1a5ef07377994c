/**
 * Validates JSON documents against the official JSON schemas in ../shared/schemas, offline: every
 * schema file is registered with Ajv under its canonical $id (the schemas README's prefixes in
 * map.json), so $refs such as https://geojson.org/schema/Feature.json resolve from disk.
 *
 *   validateStac(item)          STAC 1.0.0 Item, Collection or Catalog (by its `type`)
 *   validateEoGeoJson(feature)  OGC 17-003r2 EO Dataset GeoJSON (Feature or FeatureCollection)
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { SCHEMAS_SOURCE } from './xsd.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

const STAC = 'stac/v1.0.0';
const EO_GEOJSON = 'ogc/eo-geojson/1.0/eo-geojson-schema-standalone.json';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'examples' ? [] : jsonFiles(file);
    return name.endsWith('.json') ? [file] : [];
  });
}

/** The canonical URL of a schema file, from map.json's prefix -> folder table. */
function canonicalUrl(file: string, map: Record<string, string>): string | undefined {
  const rel = path.relative(SCHEMAS_SOURCE, file).split(path.sep).join('/');
  const https = Object.entries(map).filter(([prefix]) => prefix.startsWith('https://'));
  for (const [prefix, folder] of [...https, ...Object.entries(map)]) if (rel.startsWith(folder)) return prefix + rel.slice(folder.length);
  return undefined;
}

/**
 * The 17-003 schema is draft-04, which Ajv 8 does not run; the only draft-04 keyword in it is
 * the boolean exclusiveMinimum, rewritten here to its draft-06+ form (same meaning).
 */
function draft04ToDraft07(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(draft04ToDraft07);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== '$schema') out[k] = draft04ToDraft07(v);
  if (out.exclusiveMinimum === true && typeof out.minimum === 'number') {
    out.exclusiveMinimum = out.minimum;
    delete out.minimum;
  } else if (out.exclusiveMinimum === false) delete out.exclusiveMinimum;
  return out;
}

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (ajv) return ajv;
  const a = new Ajv({ allErrors: true, strict: false });
  addFormats(a);
  // STAC uses the IRI formats, which ajv-formats lacks: a scheme, or any reference, without spaces.
  a.addFormat('iri', /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/u);
  a.addFormat('iri-reference', /^\S*$/u);
  const map = JSON.parse(readFileSync(path.join(SCHEMAS_SOURCE, 'map.json'), 'utf8')) as Record<string, string>;
  for (const file of [...jsonFiles(path.join(SCHEMAS_SOURCE, 'geojson/schema')), ...jsonFiles(path.join(SCHEMAS_SOURCE, STAC))]) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const id = (typeof schema.$id === 'string' ? schema.$id : canonicalUrl(file, map))!.replace(/#$/, '');
    delete schema.$id;
    a.addSchema(schema, id);
  }
  a.addSchema(draft04ToDraft07(JSON.parse(readFileSync(path.join(SCHEMAS_SOURCE, EO_GEOJSON), 'utf8'))) as object, 'eo-geojson');
  ajv = a;
  return a;
}

function validator(id: string): ValidateFunction {
  let v = validators.get(id);
  if (!v) {
    v = instance().getSchema(id);
    if (!v) throw new Error(`schema ${id} is not registered`);
    validators.set(id, v);
  }
  return v;
}

export interface SchemaResult {
  valid: boolean;
  errors: ErrorObject[];
  /** One line per error, for assertion messages. */
  text: string;
}

function result(v: ValidateFunction, doc: unknown): SchemaResult {
  const valid = v(doc) as boolean;
  const errors = valid ? [] : [...(v.errors ?? [])];
  return { valid, errors, text: errors.map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n') };
}

const STAC_SCHEMA: Record<string, string> = {
  Feature: `https://schemas.stacspec.org/v1.0.0/item-spec/json-schema/item.json`,
  Collection: `https://schemas.stacspec.org/v1.0.0/collection-spec/json-schema/collection.json`,
  Catalog: `https://schemas.stacspec.org/v1.0.0/catalog-spec/json-schema/catalog.json`,
};

export function validateStac(doc: unknown): SchemaResult {
  const type = (doc as { type?: unknown } | null)?.type;
  const id = typeof type === 'string' ? STAC_SCHEMA[type] : undefined;
  if (!id) throw new Error(`not a STAC Item, Collection or Catalog (type ${String(type)})`);
  return result(validator(id), doc);
}

export function validateEoGeoJson(doc: unknown): SchemaResult {
  return result(validator('eo-geojson'), doc);
}
