/**
 * Byte-range access to one file, wherever it is: the TIFF reader only ever asks for ranges, so a
 * raster is never read whole into memory. Local files here; HTTP in http-range-reader.ts.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { CoverageError } from '../errors.js';

export interface RangeReader {
  /** Where the bytes are plus their version (mtime, ETag): a cache key for what is decoded from them. */
  readonly id: string;
  /**
   * Reads `length` bytes from `offset`. Returns fewer only where the file ends. The array may be a
   * view on a larger buffer; callers must not keep it beyond decoding.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  size(): Promise<number>;
  /**
   * Largest gap (bytes) worth reading through to join two ranges into one read: a round trip costs
   * more than this many bytes on this medium.
   */
  readonly coalesceGapBytes?: number;
  close?(): Promise<void>;
}

/** Bytes read in one go when a file is opened: a COG's header and IFDs sit at its front. */
export const HEADER_BYTES = 64 * 1024;

/** A local file through one FileHandle, opened once and read with positioned reads (concurrency-safe). */
export async function fileRangeReader(path: string): Promise<RangeReader> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new CoverageError('SourceUnreadable', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
  }
  const stat = await handle.stat();
  const fileSize = stat.size;
  let closed = false;
  return {
    id: `file:${path}@${stat.mtimeMs}:${fileSize}`,
    coalesceGapBytes: 32 * 1024,
    async size() {
      return fileSize;
    },
    async read(offset, length) {
      if (closed) throw new CoverageError('SourceUnreadable', `${path} was closed`);
      const wanted = Math.max(0, Math.min(length, fileSize - offset));
      const buffer = Buffer.allocUnsafe(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(buffer, filled, wanted - filled, offset + filled);
        if (bytesRead === 0) break; // the file shrank under us: give what there is
        filled += bytesRead;
      }
      return filled === wanted ? buffer : buffer.subarray(0, filled);
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}

/**
 * Any other byte store (the engine's blob adapter, bridged from a worker thread): the caller gives
 * the id (location and version), the size and the read function.
 */
export function functionRangeReader(
  id: string,
  size: number,
  read: (offset: number, length: number) => Promise<Uint8Array>,
  options: { coalesceGapBytes?: number; close?: () => Promise<void> } = {},
): RangeReader {
  return {
    id,
    coalesceGapBytes: options.coalesceGapBytes,
    async size() {
      return size;
    },
    read(offset, length) {
      return read(offset, Math.max(0, Math.min(length, size - offset)));
    },
    close: options.close,
  };
}
