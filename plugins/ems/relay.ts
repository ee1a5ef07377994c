/**
 * Relay links: how a step on one ADES reads a file it cannot reach itself. The link is the EMS's
 * `/relay/{token}[/{name}]`, the token sealed with the platform's secret key (AES-GCM: it cannot
 * be forged or altered) naming the workflow job, what it relays and an expiry; the EMS streams
 * the bytes from where they are. Two kinds:
 *
 * - a file a step produced (`path`: step/output[/index]), when that ADES's result URLs need
 *   credentials the reader does not have (a Meridian ADES's results are private to the job's
 *   owner): read with the EMS's own access to that ADES;
 * - a workflow input that lives on this server — a blob of its store (`blob`), an object of its
 *   S3 service (`s3`: `s3://bucket/key`) or the data asset of a catalogue product (`product`,
 *   `asset`) — given to a step on a remote ADES, which cannot read this server's blobs, buckets
 *   or catalogue: read AS THE WORKFLOW JOB'S USER, with the checks the
 *   local engine's stage-in makes for that user (the blob resource's `read`, the catalogue's read
 *   filter, the served folders for a file path), both when the link is made and at each fetch.
 *   A user gets nothing through a relay that they could not read themselves.
 *
 * `{name}` is the file's name, so the remote ADES stages it under a name like the original's
 * (the token alone decides what is served).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import { BadRequest, Forbidden, MeridianError, NotFound } from '../../core/errors.js';
import type { JobQueue } from '../../core/jobs/types.js';
import type { SecretBox } from '../../core/security/secret-box.js';
import type { BlobStore } from '../../core/storage/blobs/types.js';
import type { Asset, CatalogueRecord, CatalogueService } from '../catalogue/types.js';
import type { S3ObjectsService } from '../s3/types.js';
import { blobResource, dataAsset } from '../processing/stage-in.js';

const PURPOSE = 'meridian:ems:relay';

export interface RelayClaim {
  job: string;
  /** A step's file: step/output[/index]. */
  path?: string;
  /** A blob of this server's store (its key). */
  blob?: string;
  /** An object of this server's S3 service, as `s3://bucket/key`. */
  s3?: string;
  /** A product of this server's catalogue, and the key of its asset to relay. */
  product?: string;
  asset?: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

/** What a relay link names besides a step's file. */
export type RelaySource = { blob: string } | { s3: string } | { product: string; asset: string };

export function relayToken(secrets: SecretBox, job: string, path: string, ttlMs: number): string {
  return secrets.seal(JSON.stringify({ job, path, exp: Date.now() + ttlMs } satisfies RelayClaim), PURPOSE);
}

/** A token relaying a blob or a product's data asset of this server, read as the job's user. */
export function sourceToken(secrets: SecretBox, job: string, source: RelaySource, ttlMs: number): string {
  return secrets.seal(JSON.stringify({ job, ...source, exp: Date.now() + ttlMs } satisfies RelayClaim), PURPOSE);
}

/** The claim of a token, or undefined when it is not one of ours or has expired. */
export function readRelayToken(secrets: SecretBox, token: string): RelayClaim | undefined {
  try {
    const claim = JSON.parse(secrets.open(token, PURPOSE).toString('utf8')) as RelayClaim;
    if (typeof claim.job !== 'string' || !(claim.exp > Date.now())) return undefined;
    const kinds = [typeof claim.path === 'string', typeof claim.blob === 'string', typeof claim.s3 === 'string', typeof claim.product === 'string' && typeof claim.asset === 'string'];
    return kinds.filter(Boolean).length === 1 ? claim : undefined;
  } catch {
    return undefined;
  }
}

export interface RelaySourcesDeps {
  secrets: SecretBox;
  blobs: BlobStore;
  auth: AuthHooks;
  catalogue?: CatalogueService;
  /** The s3 plugin's objects, when it is enabled: `s3://bucket/key` inputs are relayed then. */
  s3?: S3ObjectsService;
  jobs: JobQueue;
  /** The job type of workflow jobs (a token naming another job relays nothing). */
  jobType: string;
  /** Folders whose files a product's asset may name by path (the data dir, the blob store root, `fileRoots`). */
  fileRoots: string[];
  ttlMs: number;
}

export interface RelayedFile {
  body: NodeJS.ReadableStream;
  size: number;
  contentType?: string;
}

/** A source found readable: its name, type, and how to read it. */
interface Readable {
  name: string;
  type?: string;
  open(): Promise<RelayedFile>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Blobs and catalogue products of this server relayed to steps on remote ADES, as the workflow's user. */
export class RelaySources {
  private readonly roots: string[];

  constructor(private readonly deps: RelaySourcesDeps) {
    this.roots = deps.fileRoots.map((r) => resolve(r));
  }

  /**
   * A File/Directory workflow input value as a step on remote ADES `o.to` receives it: an http(s)
   * URL as it is; a blob or catalogue product of this server (or a product whose data asset is a
   * URL: that URL) as a relay link, after checking the workflow's user may read it. Throws (the
   * step fails) naming the step and input when the value cannot be relayed.
   */
  async input(value: unknown, o: { job: string; emsBase?: string; subject: Subject; step: string; input: string; to: string; mediaType?: string }): Promise<unknown> {
    const ref = typeof value === 'string' ? value : isObject(value) && typeof value.href === 'string' ? value.href : undefined;
    // Inline values ({value: ...}) and URLs go as they are.
    if (ref === undefined || /^https?:\/\//i.test(ref)) return value;
    const given = isObject(value) && typeof value.type === 'string' ? value.type : undefined;
    const fail = (why: string) => new Error(`step '${o.step}': input '${o.input}' (${ref}) cannot be given to ADES '${o.to}': ${why}`);
    let source: RelaySource;
    let found: Readable;
    try {
      if (typeof value === 'string' || ref.startsWith('catalogue:')) {
        const id = ref.startsWith('catalogue:') ? ref.slice('catalogue:'.length) : ref;
        const product = await this.product(id, o.subject);
        const asset = this.assetOf(product, o.mediaType);
        // A data asset that is a URL: the remote reads it there.
        if (/^https?:\/\//i.test(asset.href)) return { href: asset.href, ...((asset.type ?? given) ? { type: asset.type ?? given } : {}) };
        source = { product: id, asset: asset.key };
        found = await this.readable(source, o.subject, product);
      } else if (/^s3:\/\//i.test(ref)) {
        source = { s3: ref };
        found = await this.readable(source, o.subject);
      } else if (/^[a-z][a-z0-9+.-]*:/i.test(ref) && !ref.startsWith('blob:')) {
        throw new BadRequest(`references of this server are blob:KEY, s3://BUCKET/KEY, catalogue:ID or a product id; give others by http(s) URL`);
      } else {
        source = { blob: ref.startsWith('blob:') ? ref.slice(5).replace(/^\/+/, '') : ref };
        found = await this.readable(source, o.subject);
      }
    } catch (err) {
      if (err instanceof MeridianError && err.status < 500) throw fail(err.message);
      throw err;
    }
    if (!o.emsBase) throw fail('no EMS URL to relay it from');
    const token = sourceToken(this.deps.secrets, o.job, source, this.deps.ttlMs);
    const type = given ?? found.type;
    return { href: `${o.emsBase}/relay/${token}/${encodeURIComponent(found.name)}`, ...(type ? { type } : {}) };
  }

  /** The bytes a blob or product claim names, read as its workflow job's user (NotFound/Forbidden otherwise). */
  async open(claim: RelayClaim): Promise<RelayedFile> {
    const record = await this.deps.jobs.get(claim.job);
    const subject = record?.type === this.deps.jobType ? (record.payload as { subject?: Subject }).subject : undefined;
    if (!subject) throw new NotFound('No such relay link (unknown or expired)', { code: 'NoSuchOutput' });
    const source: RelaySource | undefined =
      claim.blob !== undefined ? { blob: claim.blob } : claim.s3 !== undefined ? { s3: claim.s3 } : claim.product !== undefined && claim.asset !== undefined ? { product: claim.product, asset: claim.asset } : undefined;
    if (!source) throw new NotFound('No such relay link (unknown or expired)', { code: 'NoSuchOutput' });
    return (await this.readable(source, subject)).open();
  }

  private async product(id: string, subject: Subject): Promise<CatalogueRecord> {
    if (!this.deps.catalogue) throw new NotFound(`'${id}' would be a catalogue product, but the catalogue is not enabled`);
    const product = await this.deps.catalogue.get(id, subject);
    if (!product) throw new NotFound(`no catalogue product '${id}' (or not one the workflow's user may read)`);
    return product;
  }

  private assetOf(product: CatalogueRecord, mediaType: string | undefined): Asset & { key: string } {
    const asset = dataAsset(product, mediaType);
    const key = asset ? Object.entries(product.assets ?? {}).find(([, a]) => a === asset)?.[0] : undefined;
    if (!asset || key === undefined) throw new NotFound(`catalogue product '${product.identifier}' has no data asset${mediaType ? ` of type ${mediaType}` : ''}`);
    return { ...asset, key };
  }

  /** Checks the subject may read the source (as stage-in would) and that it is there; how to read it. */
  private async readable(source: RelaySource, subject: Subject, known?: CatalogueRecord): Promise<Readable> {
    if ('blob' in source) return this.blob(source.blob, subject);
    if ('s3' in source) return this.s3Object(source.s3, subject);
    const product = known ?? (await this.product(source.product, subject));
    const asset = product.assets?.[source.asset];
    if (!asset) throw new NotFound(`catalogue product '${source.product}' has no asset '${source.asset}'`);
    const href = asset.href;
    if (href.startsWith('blob:')) {
      const b = await this.blob(href.slice(5).replace(/^\/+/, ''), subject);
      return { ...b, type: asset.type ?? b.type };
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('file:')) {
      throw new BadRequest(`catalogue product '${source.product}': its data asset '${href}' is not relayed (blob keys and files of this server are); give the input by URL`);
    }
    let path = href.startsWith('file:') ? new URL(href).pathname : href;
    if (!isAbsolute(path)) throw new BadRequest(`catalogue product '${source.product}': its asset '${href}' is neither a URL nor a file path`);
    path = resolve(path);
    // Reading the product was authorized; the file must still be one the platform serves.
    if (!this.roots.some((root) => { const rel = relative(root, path); return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel); })) {
      throw new Forbidden(`the asset of catalogue product '${source.product}' is outside the folders the platform serves`);
    }
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new NotFound(`the asset of catalogue product '${source.product}' cannot be read`);
    return {
      name: basename(path),
      type: asset.type,
      open: async () => {
        const now = await stat(path).catch(() => undefined);
        if (!now?.isFile()) throw new NotFound(`the asset of catalogue product '${source.product}' cannot be read`);
        return { body: createReadStream(path), size: now.size, contentType: asset.type };
      },
    };
  }

  /** An S3 object, after the s3 plugin authorized its read (s3:GetObject) for the subject; then its blob. */
  private async s3Object(href: string, subject: Subject): Promise<Readable> {
    if (!this.deps.s3) throw new BadRequest(`'${href}': s3:// references need the s3 plugin, which is not enabled`);
    // The plugin's refusals (S3ReferenceError: 400 bad reference, 404 no bucket, 403 not allowed) say why.
    const location = await this.deps.s3.resolveRead(href, subject);
    return this.stored(location.blobKey, basename(location.key), `no object '${href}'`);
  }

  private async blob(key: string, subject: Subject): Promise<Readable> {
    if ((await this.deps.auth.authorize(subject, blobResource(key), 'read')).decision !== 'Permit') throw new Forbidden(`the workflow's user may not read blob '${key}'`);
    return this.stored(key, basename(key), `no blob '${key}'`);
  }

  /** A blob already authorized, found in the store (NotFound with `missing` otherwise), read when opened. */
  private async stored(key: string, name: string, missing: string): Promise<Readable> {
    let info;
    try {
      info = await this.deps.blobs.head(key);
    } catch (err) {
      if (!(err instanceof MeridianError && err.status < 500)) throw err;
    }
    if (!info) throw new NotFound(missing);
    return {
      name,
      type: info.contentType,
      open: async () => {
        try {
          const blob = await this.deps.blobs.get(key);
          return { body: blob.body, size: blob.size, contentType: blob.contentType };
        } catch (err) {
          if (err instanceof MeridianError && (err.status === 404 || err.status === 400)) throw new NotFound(missing);
          throw err;
        }
      },
    };
  }
}
