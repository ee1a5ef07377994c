/**
 * The OGC API Processes description of a CWL package (OGC 20-089 §7): each workflow input and
 * output becomes one, its CWL type a JSON Schema, `?`/defaults minOccurs 0, arrays maxOccurs
 * unbounded, `format` IRIs (IANA media types, EDAM) the media type of files.
 */
import type { InputDescription, OutputDescription, ProcessDescription, ValueSchema } from '../types.js';
import { isOptional } from './parse.js';
import type { CwlPackage, CwlParameter, CwlType } from './types.js';

const IANA = /^https?:\/\/www\.iana\.org\/assignments\/media-types\//;
/** Media type of a File without a usable format. */
export const DEFAULT_FILE_MEDIA_TYPE = 'application/octet-stream';
/** How a Directory input/output is exchanged: a STAC catalog (OGC 20-089 stage-in/out). */
export const STAC_MEDIA_TYPE = 'application/json';

/** What a CWL File format IRI means as a media type, when it names one. */
export function mediaTypeOfFormat(format: string | string[] | undefined): string | undefined {
  const list = format === undefined ? [] : Array.isArray(format) ? format : [format];
  for (const f of list) {
    if (IANA.test(f)) return f.replace(IANA, '');
    if (/^[a-z]+\/[A-Za-z0-9.+-]+(;.*)?$/.test(f)) return f;
    // EDAM's GeoTIFF format.
    if (/edamontology\.org\/format_3591$/.test(f)) return 'image/tiff; application=geotiff';
  }
  return undefined;
}

function stripNull(type: CwlType): CwlType {
  if (Array.isArray(type)) {
    const rest = type.filter((t) => t !== 'null');
    return rest.length === 1 ? rest[0]! : rest;
  }
  return type;
}

/** The JSON Schema of one value of a CWL type. */
export function valueSchema(type: CwlType, format?: string | string[]): ValueSchema {
  if (typeof type === 'string') {
    switch (type) {
      case 'boolean':
        return { type: 'boolean' };
      case 'int':
      case 'long':
        return { type: 'integer' };
      case 'float':
      case 'double':
        return { type: 'number' };
      case 'string':
        return { type: 'string' };
      case 'File':
      case 'stdout':
      case 'stderr':
        return { type: 'string', format: 'binary', contentMediaType: mediaTypeOfFormat(format) ?? DEFAULT_FILE_MEDIA_TYPE, contentEncoding: 'binary' };
      case 'Directory':
        return { type: 'string', format: 'uri', contentMediaType: STAC_MEDIA_TYPE, description: 'A STAC catalog (or item) of the files, by reference' };
      case 'Any':
        return {};
      default:
        // A SchemaDefRequirement type: described as an object.
        return { type: 'object' };
    }
  }
  if (Array.isArray(type)) {
    const members = type.filter((t) => t !== 'null').map((t) => valueSchema(t, format));
    return members.length === 1 ? members[0]! : { oneOf: members };
  }
  if (type.type === 'array') return { type: 'array', items: valueSchema(type.items, format) };
  if (type.type === 'enum') return { type: 'string', enum: type.symbols };
  const properties: Record<string, ValueSchema> = {};
  const required: string[] = [];
  for (const f of type.fields) {
    properties[f.id] = valueSchema(stripNull(f.type), f.format);
    if (!isOptional(f.type)) required.push(f.id);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

export function describeInput(p: CwlParameter): InputDescription {
  const bare = stripNull(p.type);
  const isArray = typeof bare === 'object' && !Array.isArray(bare) && bare.type === 'array';
  const schema = valueSchema(isArray ? (bare as { items: CwlType }).items : bare, p.format);
  if (p.default !== undefined && !(typeof p.default === 'object' && p.default !== null)) schema.default = p.default;
  return {
    ...(p.label ? { title: p.label } : {}),
    ...(p.doc ? { description: p.doc } : {}),
    schema,
    minOccurs: isOptional(p.type) || p.default !== undefined ? 0 : 1,
    maxOccurs: isArray ? 'unbounded' : 1,
  };
}

export function describeOutput(p: CwlParameter): OutputDescription {
  return {
    ...(p.label ? { title: p.label } : {}),
    ...(p.doc ? { description: p.doc } : {}),
    schema: valueSchema(stripNull(p.type), p.format),
  };
}

/** The description of a package's main process; `overrides` are the DeployProcess JSON's own fields. */
export function describePackage(pkg: CwlPackage, overrides: Partial<ProcessDescription> = {}): ProcessDescription {
  const inputs: Record<string, InputDescription> = {};
  for (const p of pkg.main.inputs) inputs[p.id] = describeInput(p);
  const outputs: Record<string, OutputDescription> = {};
  for (const p of pkg.main.outputs) outputs[p.id] = describeOutput(p);
  return {
    id: overrides.id ?? pkg.main.id,
    ...(overrides.title ?? pkg.main.label ? { title: overrides.title ?? pkg.main.label } : {}),
    ...(overrides.description ?? pkg.main.doc ? { description: overrides.description ?? pkg.main.doc } : {}),
    version: overrides.version ?? pkg.version ?? '1.0.0',
    ...(overrides.keywords ?? pkg.keywords ? { keywords: overrides.keywords ?? pkg.keywords } : {}),
    jobControlOptions: overrides.jobControlOptions ?? ['async-execute', 'sync-execute', 'dismiss'],
    outputTransmission: overrides.outputTransmission ?? ['value', 'reference'],
    inputs,
    outputs,
  };
}
