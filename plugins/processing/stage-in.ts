/**
 * Stage-in: the inputs of an execute request turned into what the tool reads. Literal values
 * pass through; file inputs given by reference are fetched into `<work>/in/<input>/`, as the
 * caller: http(s) URLs through fetchRemote (its limits; internal hosts refused unless allowed),
 * blob keys of the platform's store (`blob:KEY`, or a bare key) when the caller may read them,
 * objects of the S3 service (`s3://bucket/key`, through the s3 plugin's `s3-objects` service:
 * the caller's s3:GetObject permission, then the blob), catalogue products (`catalogue:ID`, or the
 * id as the value) through the caller's read filter, then the product's data asset (any of the
 * above, or a file under the served folders). Directory inputs get a folder with the file(s) and
 * a STAC item.
 */
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import { Forbidden, MeridianError } from '../../core/errors.js';
import { fetchRemote, RemoteFetchError, type RemoteFetchLimits } from '../../core/net/remote-fetch.js';
import type { BlobStore } from '../../core/storage/blobs/types.js';
import { workspaceOfKey } from '../../core/storage/blobs/workspaces.js';
import type { Asset, CatalogueRecord, CatalogueService } from '../catalogue/types.js';
import type { S3ObjectLocation, S3ObjectsService } from '../s3/types.js';
import { STAC_MEDIA_TYPE } from './cwl/describe.js';
import type { InputDescription, ProcessDescription } from './types.js';

export interface StageInDeps {
  blobs: BlobStore;
  auth: AuthHooks;
  catalogue?: CatalogueService;
  /** The s3 plugin's object references (`s3://bucket/key`), when it is enabled. */
  s3?: S3ObjectsService;
  fetchLimits: RemoteFetchLimits;
  /** Folders whose files a catalogue asset may name by absolute path (the blob store root, the data dir). */
  fileRoots: string[];
}

/** An input that cannot be staged: the request's fault (400) or the remote's (502/504). */
export class StageInFailed extends MeridianError {
  constructor(input: string, message: string, status = 400) {
    super(status, `input '${input}': ${message}`, { code: status === 403 ? 'Forbidden' : 'InvalidParameterValue', locator: input, expose: true });
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isFileInput(d: InputDescription): boolean {
  return d.schema.contentEncoding === 'binary' || d.schema.format === 'binary';
}

export function isDirectoryInput(d: InputDescription): boolean {
  return d.schema.format === 'uri' && d.schema.contentMediaType === STAC_MEDIA_TYPE;
}

/** The workspace owner of a blob key ('workspaces/<user>/...'), if any. */
export function workspaceOwner(key: string): string | undefined {
  return workspaceOfKey(key);
}

/** The resource a blob key is read as: its workspace owner owns it, others need the policy's permit. */
export function blobResource(key: string) {
  return { type: 'blob', service: 'processing', id: key, owner: workspaceOwner(key), attributes: { visibility: 'private' } };
}

export async function stageInputs(description: ProcessDescription, inputs: Record<string, unknown>, subject: Subject, workDir: string, deps: StageInDeps, signal: AbortSignal): Promise<Record<string, unknown>> {
  const staged: Record<string, unknown> = {};
  for (const [id, d] of Object.entries(description.inputs)) {
    const given = inputs[id];
    if (given === undefined) {
      if (d.schema.default !== undefined) staged[id] = d.schema.default;
      continue;
    }
    const list = d.maxOccurs === 'unbounded' || (typeof d.maxOccurs === 'number' && d.maxOccurs > 1);
    const values = list ? (Array.isArray(given) ? given : [given]) : [given];
    const out: unknown[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (isFileInput(d) || isDirectoryInput(d)) {
        const dir = join(workDir, 'in', id, String(i));
        await mkdir(dir, { recursive: true });
        // A Directory takes a STAC item whole (item and data asset); a File wants its media type.
        const file = await stageReference(id, v, dir, subject, deps, signal, isDirectoryInput(d) ? undefined : (d.schema.contentMediaType as string | undefined));
        if (isDirectoryInput(d)) out.push({ class: 'Directory', path: dir });
        else out.push({ class: 'File', path: file });
      } else out.push(literal(v));
    }
    staged[id] = list ? out : out[0];
  }
  return staged;
}

/**
 * Checks at execute time what can be checked at once, so a bad reference is the request's
 * error (400/403) rather than a failed job: URLs are http(s), blob keys exist and the caller may
 * read them, catalogue products exist and the caller may read them. Fetching happens in the job.
 */
export async function precheckInputs(description: ProcessDescription, inputs: Record<string, unknown>, subject: Subject, deps: Pick<StageInDeps, 'blobs' | 'auth' | 'catalogue' | 's3'>): Promise<void> {
  for (const [id, d] of Object.entries(description.inputs)) {
    if (!(isFileInput(d) || isDirectoryInput(d)) || inputs[id] === undefined) continue;
    const values = Array.isArray(inputs[id]) ? (inputs[id] as unknown[]) : [inputs[id]];
    for (const v of values) {
      let href: string | undefined;
      if (isObject(v) && typeof v.href === 'string') href = v.href;
      else if (typeof v === 'string') href = /^(https?|s3):\/\//i.test(v) ? v : `catalogue:${v}`;
      else if (isObject(v) && v.value !== undefined) continue;
      else throw new StageInFailed(id, 'give a reference ({"href": ...}), a catalogue product id, or an inline {"value": ...}');
      if (isS3Reference(id, href, deps)) {
        await existingS3Object(id, href, subject, deps);
      } else if (/^https?:\/\//i.test(href)) {
        try {
          new URL(href);
        } catch {
          throw new StageInFailed(id, `'${href}' is not a URL`);
        }
      } else if (href.startsWith('catalogue:')) {
        const pid = href.slice('catalogue:'.length);
        if (!deps.catalogue) throw new StageInFailed(id, `'${pid}' would be a catalogue product, but the catalogue is not enabled`);
        const product = await deps.catalogue.get(pid, subject);
        if (!product) throw new StageInFailed(id, `no catalogue product '${pid}' (or not one you may read)`);
        // An asset in the S3 service is checked now too: the caller must be able to read the object itself.
        const asset = dataAsset(product, isDirectoryInput(d) ? undefined : (d.schema.contentMediaType as string | undefined));
        if (asset && isS3Reference(id, asset.href, deps)) await existingS3Object(id, asset.href, subject, deps);
      } else if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('blob:')) {
        throw new StageInFailed(id, `'${href}': references are http(s) URLs, s3://BUCKET/KEY, blob:KEY, catalogue:ID or blob keys`);
      } else {
        const key = href.startsWith('blob:') ? href.slice(5).replace(/^\/+/, '') : href;
        if ((await deps.auth.authorize(subject, blobResource(key), 'read')).decision !== 'Permit') throw new StageInFailed(id, `not allowed to read blob '${key}'`, 403);
        let exists = false;
        try {
          exists = (await deps.blobs.head(key)) !== null;
        } catch (err) {
          if (!(err instanceof MeridianError && err.status < 500)) throw err;
        }
        if (!exists) throw new StageInFailed(id, `no blob '${key}'`);
      }
    }
  }
}

/** A qualified value's value ({value: 3} is 3); a bbox or other object stays as it is. */
function literal(v: unknown): unknown {
  if (isObject(v) && 'value' in v && Object.keys(v).every((k) => ['value', 'mediaType', 'encoding', 'schema'].includes(k))) return v.value;
  return v;
}

/** Writes one referenced file into `dir`; returns its path. */
async function stageReference(input: string, value: unknown, dir: string, subject: Subject, deps: StageInDeps, signal: AbortSignal, mediaType: string | undefined): Promise<string> {
  if (isObject(value) && typeof value.href === 'string') return stageHref(input, value.href, dir, subject, deps, signal, mediaType);
  if (isObject(value) && value.value !== undefined) {
    const text = typeof value.value === 'string' ? value.value : JSON.stringify(value.value);
    const bytes = value.encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text);
    const path = join(dir, 'value');
    await writeFile(path, bytes);
    return path;
  }
  if (typeof value === 'string') {
    if (/^(https?|s3):\/\//i.test(value)) return stageHref(input, value, dir, subject, deps, signal, mediaType);
    return stageHref(input, `catalogue:${value}`, dir, subject, deps, signal, mediaType);
  }
  throw new StageInFailed(input, 'give a reference ({"href": ...}), a catalogue product id, or an inline {"value": ...}');
}

async function stageHref(input: string, href: string, dir: string, subject: Subject, deps: StageInDeps, signal: AbortSignal, mediaType: string | undefined): Promise<string> {
  if (isS3Reference(input, href, deps)) return stageS3(input, href, dir, subject, deps);
  if (/^https?:\/\//i.test(href)) return stageUrl(input, href, dir, subject, deps, signal, mediaType);
  if (href.startsWith('catalogue:')) return stageProduct(input, href.slice('catalogue:'.length), dir, subject, deps, signal, mediaType);
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('blob:')) throw new StageInFailed(input, `'${href}': references are http(s) URLs, s3://BUCKET/KEY, blob:KEY, catalogue:ID or blob keys`);
  return stageBlob(input, href.startsWith('blob:') ? href.slice(5).replace(/^\/+/, '') : href, dir, subject, deps);
}

/**
 * Whether an href names an object of the S3 service: `s3://...`, or one of its own http(s) URLs
 * (which the s3 plugin recognises when it knows its host name). An s3:// reference without the
 * s3 plugin, or one with a bad bucket name or key, is the request's error.
 */
function isS3Reference(input: string, href: string, deps: Pick<StageInDeps, 's3'>): boolean {
  const scheme = /^s3:\/\//i.test(href);
  if (!deps.s3) {
    if (scheme) throw new StageInFailed(input, `'${href}': s3:// references need the s3 plugin, which is not enabled`);
    return false;
  }
  try {
    return deps.s3.parse(href) !== undefined;
  } catch (err) {
    throw s3Refusal(input, err);
  }
}

/** The s3 plugin's refusal (400 bad reference, 404 no bucket, 403 not allowed) as the request's error. */
function s3Refusal(input: string, err: unknown): unknown {
  if (!(err instanceof MeridianError) || err.status >= 500) return err;
  return new StageInFailed(input, err.message, err.status === 403 ? 403 : 400);
}

/** The object's blob key, after the s3 plugin authorized the caller's read of it (s3:GetObject). */
async function resolveS3(input: string, href: string, subject: Subject, deps: Pick<StageInDeps, 's3'>): Promise<S3ObjectLocation> {
  try {
    return await deps.s3!.resolveRead(href, subject);
  } catch (err) {
    throw s3Refusal(input, err);
  }
}

async function existingS3Object(input: string, href: string, subject: Subject, deps: Pick<StageInDeps, 'blobs' | 's3'>): Promise<void> {
  const object = await resolveS3(input, href, subject, deps);
  let exists = false;
  try {
    exists = (await deps.blobs.head(object.blobKey)) !== null;
  } catch (err) {
    if (!(err instanceof MeridianError && err.status < 500)) throw err;
  }
  if (!exists) throw new StageInFailed(input, `no object '${object.url}'`);
}

/** An object of the S3 service, read from the blob store as the caller. */
async function stageS3(input: string, href: string, dir: string, subject: Subject, deps: StageInDeps): Promise<string> {
  const object = await resolveS3(input, href, subject, deps);
  let blob;
  try {
    blob = await deps.blobs.get(object.blobKey);
  } catch (err) {
    if (err instanceof MeridianError && (err.status === 404 || err.status === 400)) throw new StageInFailed(input, `no object '${object.url}'`);
    throw err;
  }
  const path = join(dir, fileName(object.key));
  await pipeline(blob.body, createWriteStream(path));
  return path;
}

async function stageUrl(input: string, url: string, dir: string, subject: Subject, deps: StageInDeps, signal: AbortSignal, mediaType?: string, followItem = true): Promise<string> {
  let body: Buffer;
  try {
    const response = await fetchRemote(url, deps.fetchLimits, { signal });
    if (response.status !== 200) throw new StageInFailed(input, `${url} answered ${response.status}`, 502);
    body = response.body;
  } catch (err) {
    if (err instanceof RemoteFetchError) throw new StageInFailed(input, err.message, err.status);
    throw err;
  }
  const item = followItem && !/json/i.test(mediaType ?? '') ? stacItem(body) : undefined;
  if (item) {
    // A STAC item by URL: its data asset is the input; the item is kept next to it.
    await writeFile(join(dir, 'item.json'), body);
    const asset = dataAsset({ assets: item.assets } as CatalogueRecord, mediaType);
    if (!asset) throw new StageInFailed(input, `the STAC item at ${url} has no data asset${mediaType ? ` of type ${mediaType}` : ''}`);
    const href = new URL(asset.href, url).href;
    if (isS3Reference(input, href, deps)) return stageS3(input, href, dir, subject, deps);
    return stageUrl(input, href, dir, subject, deps, signal, mediaType, false);
  }
  const path = join(dir, fileName(new URL(url).pathname));
  await writeFile(path, body);
  return path;
}

function stacItem(body: Buffer): { assets: Record<string, Asset> } | undefined {
  if (body.length > 4 * 1024 * 1024 || body[0] !== 0x7b) return undefined;
  try {
    const doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (doc.type === 'Feature' && typeof doc.stac_version === 'string' && isObject(doc.assets)) return { assets: doc.assets as Record<string, Asset> };
  } catch {
    /* not JSON */
  }
  return undefined;
}

async function stageBlob(input: string, key: string, dir: string, subject: Subject, deps: StageInDeps): Promise<string> {
  const decision = await deps.auth.authorize(subject, blobResource(key), 'read');
  if (decision.decision !== 'Permit') throw new StageInFailed(input, `not allowed to read blob '${key}'`, 403);
  let blob;
  try {
    blob = await deps.blobs.get(key);
  } catch (err) {
    if (err instanceof MeridianError && (err.status === 404 || err.status === 400)) throw new StageInFailed(input, `no blob '${key}'`);
    throw err;
  }
  const path = join(dir, fileName(key));
  await pipeline(blob.body, createWriteStream(path));
  return path;
}

const TIFF = /image\/tiff|geotiff/i;

/** The asset of a product that is its data: the one of the wanted media type, else role 'data', else the only one. */
export function dataAsset(product: CatalogueRecord, mediaType: string | undefined): Asset | undefined {
  const assets = Object.values(product.assets ?? {});
  const wantsTiff = mediaType !== undefined && TIFF.test(mediaType);
  return (
    (wantsTiff ? assets.find((a) => a.type && TIFF.test(a.type)) : mediaType ? assets.find((a) => a.type === mediaType) : undefined) ??
    assets.find((a) => a.roles?.includes('data')) ??
    (assets.length === 1 ? assets[0] : undefined)
  );
}

async function stageProduct(input: string, id: string, dir: string, subject: Subject, deps: StageInDeps, signal: AbortSignal, mediaType: string | undefined): Promise<string> {
  if (!deps.catalogue) throw new StageInFailed(input, `'${id}' would be a catalogue product, but the catalogue is not enabled`);
  const product = await deps.catalogue.get(id, subject);
  if (!product) throw new StageInFailed(input, `no catalogue product '${id}' (or not one you may read)`);
  const asset = dataAsset(product, mediaType);
  if (!asset) throw new StageInFailed(input, `catalogue product '${id}' has no data asset${mediaType ? ` of type ${mediaType}` : ''}`);
  // The item itself, for packages that read the STAC metadata next to the data.
  await writeFile(join(dir, 'item.json'), JSON.stringify({ type: 'Feature', stac_version: '1.0.0', id: product.identifier, geometry: product.geometry ?? null, properties: { datetime: product.start ?? null, title: product.title }, assets: product.assets ?? {}, links: [] }));
  const href = asset.href;
  if (isS3Reference(input, href, deps)) return stageS3(input, href, dir, subject, deps);
  if (/^https?:\/\//i.test(href)) return stageUrl(input, href, dir, subject, deps, signal, mediaType, false);
  if (href.startsWith('blob:')) return stageBlob(input, href.slice(5).replace(/^\/+/, ''), dir, subject, deps);
  let path = href;
  if (href.startsWith('file:')) path = new URL(href).pathname;
  if (!isAbsolute(path)) throw new StageInFailed(input, `catalogue product '${id}': its asset '${href}' is neither a URL nor a file path`);
  path = resolve(path);
  // Reading the product was authorized; the file must still be one the platform serves.
  if (!deps.fileRoots.some((root) => { const rel = relative(root, path); return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel); })) {
    throw new Forbidden(`input '${input}': the asset of catalogue product '${id}' is outside the folders the platform serves`);
  }
  const target = join(dir, fileName(path));
  try {
    await copyFile(path, target);
  } catch {
    throw new StageInFailed(input, `the asset of catalogue product '${id}' cannot be read`, 502);
  }
  return target;
}

function fileName(path: string): string {
  const name = basename(decodeURIComponent(path)).replace(/[^A-Za-z0-9._-]/g, '_');
  return name && name !== '.' && name !== '..' && name !== 'item.json' ? name : 'input';
}
