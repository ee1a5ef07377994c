/**
 * What a deploy request carries, read into a validated CWL package and the process description:
 * CWL itself (application/cwl+yaml, application/cwl+json, application/cwl), or the OGC application
 * package JSON (application/ogcapppkg+json: OGC API Processes Part 2, and the DeployProcess JSON
 * of OGC 18-062 with `processDescription.process` and `deploymentProfileName`) whose
 * `executionUnit` holds the CWL inline or by `href`.
 */
import { MeridianError } from '../../core/errors.js';
import { fetchRemote, RemoteFetchError, responseText, type RemoteFetchLimits } from '../../core/net/remote-fetch.js';
import { describePackage } from './cwl/describe.js';
import { InvalidPackage, parseCwlText, readCwlPackage } from './cwl/parse.js';
import type { CwlPackage } from './cwl/types.js';
import type { DeployBody, JobControlOption, ProcessDescription, ProcessVisibility, TransmissionMode } from './types.js';

export const CWL_MEDIA_TYPES = ['application/cwl+yaml', 'application/cwl+json', 'application/cwl', 'application/x-yaml', 'application/yaml', 'text/yaml'];
export const APPPKG_MEDIA_TYPES = ['application/ogcapppkg+json', 'application/json'];

export interface DeployedPackage {
  pkg: CwlPackage;
  description: ProcessDescription;
  /** A visibility the package JSON asked for. */
  visibility?: ProcessVisibility;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export class UnsupportedDeployType extends MeridianError {
  constructor(type: string) {
    super(415, `Cannot deploy a body of type '${type || '(none)'}'; send ${[...CWL_MEDIA_TYPES.slice(0, 3), APPPKG_MEDIA_TYPES[0]].join(', ')}`, { code: 'UnsupportedMediaType' });
  }
}

export async function readDeployBody(body: DeployBody, fetchLimits: RemoteFetchLimits): Promise<DeployedPackage> {
  const type = body.contentType.split(';')[0]!.trim().toLowerCase();
  if (CWL_MEDIA_TYPES.includes(type)) {
    const pkg = readCwlPackage(parseCwlText(body.text));
    if (!pkg.main.id) throw new InvalidPackage([{ path: `${pkg.main.path ? `${pkg.main.path}.` : ''}id`, message: 'missing: the process id is the id of the CommandLineTool or Workflow' }]);
    return { pkg, description: describePackage(pkg) };
  }
  if (!APPPKG_MEDIA_TYPES.includes(type)) throw new UnsupportedDeployType(type);
  let doc: unknown;
  try {
    doc = JSON.parse(body.text);
  } catch (err) {
    throw new InvalidPackage([{ path: '', message: `not JSON: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  if (!isObject(doc)) throw new InvalidPackage([{ path: '', message: 'an application package must be a JSON object' }]);
  // A bare CWL document posted as JSON is a package too.
  if (doc.cwlVersion !== undefined || doc.$graph !== undefined) {
    const pkg = readCwlPackage(doc);
    return { pkg, description: describePackage(pkg) };
  }
  const cwl = await executionUnitDocument(doc.executionUnit, fetchLimits);
  const pkg = readCwlPackage(cwl);
  const overrides = descriptionOverrides(doc.processDescription);
  const id = overrides.id ?? pkg.main.id;
  if (!id) throw new InvalidPackage([{ path: 'processDescription.id', message: 'missing: give processDescription.id or an id on the CWL process' }]);
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(id)) throw new InvalidPackage([{ path: 'processDescription.id', message: `'${id}' is not a valid process id` }]);
  const visibility = doc.visibility === 'public' || doc.visibility === 'private' ? doc.visibility : undefined;
  if (doc.visibility !== undefined && !visibility) throw new InvalidPackage([{ path: 'visibility', message: "must be 'public' or 'private'" }]);
  return { pkg, description: describePackage(pkg, { ...overrides, id }), visibility };
}

/** The fields of processDescription (Part 2) or processDescription.process (18-062) a deployer may set. */
function descriptionOverrides(value: unknown): Partial<ProcessDescription> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new InvalidPackage([{ path: 'processDescription', message: 'must be an object' }]);
  const process = isObject(value.process) ? value.process : value;
  const out: Partial<ProcessDescription> = {};
  const str = (v: unknown, path: string): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new InvalidPackage([{ path, message: 'must be a non-empty string' }]);
    return v;
  };
  const base = isObject(value.process) ? 'processDescription.process' : 'processDescription';
  out.id = str(process.id ?? process.identifier, `${base}.id`);
  out.title = str(process.title, `${base}.title`);
  out.description = str(process.description ?? process.abstract, `${base}.description`);
  out.version = str(process.version ?? value.processVersion, `${base}.version`);
  if (process.keywords !== undefined) {
    if (!Array.isArray(process.keywords) || !process.keywords.every((k) => typeof k === 'string')) throw new InvalidPackage([{ path: `${base}.keywords`, message: 'must be a list of strings' }]);
    out.keywords = process.keywords as string[];
  }
  const controls = process.jobControlOptions ?? value.jobControlOptions;
  if (controls !== undefined) {
    const allowed = ['sync-execute', 'async-execute', 'dismiss'];
    if (!Array.isArray(controls) || controls.length === 0 || !controls.every((c) => allowed.includes(c as string))) {
      throw new InvalidPackage([{ path: `${base}.jobControlOptions`, message: `must be a non-empty list of ${allowed.join(', ')}` }]);
    }
    out.jobControlOptions = controls as JobControlOption[];
  }
  const transmission = process.outputTransmission ?? value.outputTransmission;
  if (transmission !== undefined) {
    if (!Array.isArray(transmission) || transmission.length === 0 || !transmission.every((c) => c === 'value' || c === 'reference')) {
      throw new InvalidPackage([{ path: `${base}.outputTransmission`, message: 'must be a non-empty list of value, reference' }]);
    }
    out.outputTransmission = transmission as TransmissionMode[];
  }
  for (const key of Object.keys(out) as Array<keyof ProcessDescription>) if (out[key] === undefined) delete out[key];
  return out;
}

/** The CWL document of `executionUnit`: an object or a one-element list of {href} / {unit} / {value, mediaType}, or a CWL object itself. */
async function executionUnitDocument(value: unknown, fetchLimits: RemoteFetchLimits): Promise<Json> {
  if (value === undefined) throw new InvalidPackage([{ path: 'executionUnit', message: 'missing: the package needs an executionUnit with the CWL (inline or by href)' }]);
  const units = Array.isArray(value) ? value : [value];
  if (units.length !== 1) throw new InvalidPackage([{ path: 'executionUnit', message: `give exactly one execution unit, not ${units.length}` }]);
  const path = Array.isArray(value) ? 'executionUnit[0]' : 'executionUnit';
  const unit = units[0];
  if (!isObject(unit)) throw new InvalidPackage([{ path, message: 'must be an object: {href}, {unit} or {value, mediaType}' }]);
  if (unit.cwlVersion !== undefined || unit.$graph !== undefined) return unit;
  if (unit.unit !== undefined) {
    if (isObject(unit.unit)) return unit.unit;
    if (typeof unit.unit === 'string') return parseCwlText(unit.unit);
    throw new InvalidPackage([{ path: `${path}.unit`, message: 'must be the CWL document (an object or its YAML text)' }]);
  }
  if (unit.value !== undefined) {
    if (isObject(unit.value)) return unit.value;
    if (typeof unit.value === 'string') return parseCwlText(unit.value);
    throw new InvalidPackage([{ path: `${path}.value`, message: 'must be the CWL document (an object or its YAML text)' }]);
  }
  if (typeof unit.href === 'string') {
    let text: string;
    try {
      const response = await fetchRemote(unit.href, fetchLimits);
      if (response.status !== 200) throw new InvalidPackage([{ path: `${path}.href`, message: `${unit.href} answered ${response.status}` }]);
      text = responseText(response);
    } catch (err) {
      if (err instanceof RemoteFetchError) throw new InvalidPackage([{ path: `${path}.href`, message: `cannot fetch the package: ${err.message}` }]);
      throw err;
    }
    return parseCwlText(text);
  }
  throw new InvalidPackage([{ path, message: 'needs href (the CWL by reference), unit or value (the CWL inline)' }]);
}
