/**
 * Zipped shapefiles (how they travel, and the only way to upload one as a single body): the
 * archive's central directory is read, its shapefile members (.shp, .shx, .dbf, .prj, .cpg)
 * are inflated into a temporary folder, and each .shp becomes a layer. Stored and deflated
 * members only; ZIP64 archives are refused. Member names never leave the folder.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import type { VectorSource } from '../types.js';
import { openShapefile } from './shapefile.js';

const SHAPEFILE_PARTS = new Set(['.shp', '.shx', '.dbf', '.prj', '.cpg']);
const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class ZipError extends Error {
  override name = 'ZipError';
}

interface Entry {
  name: string;
  method: number;
  compressed: number;
  size: number;
  localOffset: number;
}

export function isZipMagic(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === LOCAL;
}

async function entries(path: string): Promise<Entry[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(Math.min(size, 65536 + 22));
    await handle.read(tail, 0, tail.length, size - tail.length);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new ZipError('Not a zip archive (no end of central directory)');
    const count = tail.readUInt16LE(at + 10);
    const dirBytes = tail.readUInt32LE(at + 12);
    const dirOffset = tail.readUInt32LE(at + 16);
    if (dirOffset === 0xffffffff || count === 0xffff) throw new ZipError('ZIP64 archives are not supported');
    const dir = Buffer.alloc(dirBytes);
    await handle.read(dir, 0, dirBytes, dirOffset);
    const out: Entry[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new ZipError('The zip central directory is damaged');
      const flags = dir.readUInt16LE(p + 8);
      const method = dir.readUInt16LE(p + 10);
      const compressed = dir.readUInt32LE(p + 20);
      const size = dir.readUInt32LE(p + 24);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const localOffset = dir.readUInt32LE(p + 42);
      const name = dir.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
      if (flags & 1) throw new ZipError(`${name} is encrypted`);
      out.push({ name, method, compressed, size, localOffset });
      p += 46 + nameLength + extraLength + commentLength;
    }
    // Where each member's data starts: after its local header, whose extra field may differ.
    for (const e of out) {
      const local = Buffer.alloc(30);
      await handle.read(local, 0, 30, e.localOffset);
      if (local.readUInt32LE(0) !== LOCAL) throw new ZipError(`The local header of ${e.name} is damaged`);
      e.localOffset += 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    }
    return out;
  } finally {
    await handle.close();
  }
}

/** Stops a member that inflates past what it claimed or past the limit (a zip bomb). */
function capped(limit: number, name: string): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n > limit) done(new ZipError(`${name} inflates to more than ${limit} bytes`));
      else done(null, chunk);
    },
  });
}

export interface ZipOptions {
  encoding?: string;
  /** Largest inflated member, in bytes (default 8 GiB). */
  maxMemberBytes?: number;
}

/** The shapefiles of a zip archive, each a layer; close() removes the inflated files. */
export async function openZippedShapefiles(path: string, options: ZipOptions = {}): Promise<VectorSource> {
  const members = (await entries(path)).filter((e) => !e.name.endsWith('/') && !/(^|\/)__MACOSX\//.test(e.name) && SHAPEFILE_PARTS.has(extname(e.name).toLowerCase()));
  if (!members.some((e) => extname(e.name).toLowerCase() === '.shp')) throw new ZipError(`${basename(path)} holds no shapefile (.shp)`);
  const dir = await mkdtemp(join(tmpdir(), 'meridian-zip-'));
  const sources: VectorSource[] = [];
  try {
    const limit = options.maxMemberBytes ?? 8 * 1024 ** 3;
    const used = new Set<string>();
    const shps: string[] = [];
    for (const e of members) {
      // Flattened into the folder: a member name cannot point outside it.
      const name = basename(e.name.replace(/\\/g, '/'));
      if (used.has(name.toLowerCase())) throw new ZipError(`${name} is in the archive twice`);
      used.add(name.toLowerCase());
      const target = join(dir, name);
      if (e.method !== 0 && e.method !== 8) throw new ZipError(`${e.name} uses compression method ${e.method} (only stored and deflated members are read)`);
      const raw = createReadStream(path, { start: e.localOffset, end: e.localOffset + e.compressed - 1 });
      const cap = capped(Math.min(limit, e.size || limit), e.name);
      if (e.compressed === 0) await pipeline(async function* () {}, createWriteStream(target));
      else if (e.method === 0) await pipeline(raw, cap, createWriteStream(target));
      else await pipeline(raw, createInflateRaw(), cap, createWriteStream(target));
      if (extname(name).toLowerCase() === '.shp') shps.push(target);
    }
    for (const shp of shps.sort()) sources.push(await openShapefile(shp, { encoding: options.encoding }));
  } catch (err) {
    for (const s of sources) await s.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    format: 'shapefile',
    layers: sources.flatMap((s) => s.layers),
    async close() {
      for (const s of sources) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
