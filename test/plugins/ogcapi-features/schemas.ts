/**
 * Validation of responses against the official schemas shipped in ../shared/schemas, offline.
 * No OGC API - Features schema is shipped there; its landing page, conformance declaration, link
 * and exception schemas are the OGC API Common building blocks also published with OGC API -
 * Processes 1.0 (ogc/ogcapi/processes/part1/1.0/openapi/schemas), used here. Features and
 * feature collections are checked against the GeoJSON schemas (geojson/schema).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { SCHEMAS_SOURCE } from '../../helpers/xsd.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
const COMMON = path.join(SCHEMAS_SOURCE, 'ogc/ogcapi/processes/part1/1.0/openapi/schemas');
const GEOJSON = path.join(SCHEMAS_SOURCE, 'geojson/schema');

let ajv: Ajv | undefined;

function instance(): Ajv {
  if (ajv) return ajv;
  const a = new Ajv({ allErrors: true, strict: false });
  addFormats(a);
  // The YAML files reference each other by file name ("link.yaml"): registered under those names.
  for (const name of ['landingPage', 'confClasses', 'link', 'exception']) {
    a.addSchema(parseYaml(readFileSync(path.join(COMMON, `${name}.yaml`), 'utf8')) as object, `${name}.yaml`);
  }
  for (const name of ['Feature', 'FeatureCollection', 'Geometry']) {
    const schema = JSON.parse(readFileSync(path.join(GEOJSON, `${name}.json`), 'utf8')) as Record<string, unknown>;
    const id = schema.$id as string;
    delete schema.$id;
    a.addSchema(schema, id);
  }
  ajv = a;
  return a;
}

const SCHEMA = {
  landingPage: 'landingPage.yaml',
  conformance: 'confClasses.yaml',
  link: 'link.yaml',
  exception: 'exception.yaml',
  feature: 'https://geojson.org/schema/Feature.json',
  featureCollection: 'https://geojson.org/schema/FeatureCollection.json',
} as const;

/** Throws with every error when `doc` does not validate. */
export function assertValid(kind: keyof typeof SCHEMA, doc: unknown): void {
  const validate = instance().getSchema(SCHEMA[kind]) as ValidateFunction;
  if (!validate(doc)) {
    const text = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
    throw new Error(`not a valid ${kind} (${SCHEMA[kind]}):\n${text}\n${JSON.stringify(doc).slice(0, 2000)}`);
  }
}
