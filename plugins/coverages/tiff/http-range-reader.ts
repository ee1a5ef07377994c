/**
 * Byte ranges over HTTP(S) with `Range: bytes=a-b`. A server that answers a range request with
 * the whole file (200) is refused: reading a COG that way would download all of it for each tile.
 */
import { createHash } from 'node:crypto';
import { CoverageError } from '../errors.js';
import { HEADER_BYTES, type RangeReader } from './range-reader.js';

export interface HttpRangeReaderOptions {
  /** Sent with every request (Authorization, a user agent...). */
  headers?: Record<string, string>;
  /** Per request, in milliseconds. Default 30000. */
  timeoutMs?: number;
  /** Requests in flight at once for this file. Default 8. */
  maxConcurrentRequests?: number;
}

interface ByteRangeAnswer {
  bytes: Uint8Array;
  /** Total size from Content-Range, undefined when the server says '*'. */
  total?: number;
  validator?: string;
}

/**
 * Opens `url` with one range request for its first HEADER_BYTES: that answer gives the size, the
 * version (ETag or Last-Modified) and proves the server honours ranges; its bytes are kept for
 * the TIFF header read that follows.
 */
export async function httpRangeReader(url: string, options: HttpRangeReaderOptions = {}): Promise<RangeReader> {
  const target = new URL(url);
  // Query strings may carry credentials (presigned URLs): never in messages or ids.
  const shown = `${target.origin}${target.pathname}`;
  const headers = { ...options.headers, 'accept-encoding': 'identity' };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const limit = new Semaphore(options.maxConcurrentRequests ?? 8);

  const fail = (message: string, cause?: unknown): never => {
    throw new CoverageError('SourceUnreadable', `${shown}: ${message}`, { cause });
  };

  const get = async (offset: number, length: number): Promise<ByteRangeAnswer | undefined> => {
    await limit.acquire();
    try {
      let res: Response;
      try {
        res = await fetch(target, {
          headers: { ...headers, range: `bytes=${offset}-${offset + length - 1}` },
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'follow',
        });
      } catch (err) {
        return fail(`request failed: ${(err as Error).message}`, err);
      }
      if (res.status === 416) {
        await res.body?.cancel();
        return undefined; // past the end of the file
      }
      if (res.status === 200) {
        await res.body?.cancel();
        return fail('the server ignored the Range header and answered with the whole file (200); it must support byte ranges (206) to serve a GeoTIFF');
      }
      if (res.status !== 206) {
        await res.body?.cancel();
        return fail(`HTTP ${res.status} ${res.statusText} for a byte range`);
      }
      const contentRange = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(res.headers.get('content-range') ?? '');
      if (!contentRange || Number(contentRange[1]) !== offset) {
        await res.body?.cancel();
        return fail(`unexpected Content-Range '${res.headers.get('content-range') ?? ''}' for bytes ${offset}-${offset + length - 1} (multipart or misplaced ranges are not supported)`);
      }
      let body: ArrayBuffer;
      try {
        body = await res.arrayBuffer();
      } catch (err) {
        return fail(`reading a byte range failed: ${(err as Error).message}`, err);
      }
      return {
        bytes: new Uint8Array(body),
        total: contentRange[3] === '*' ? undefined : Number(contentRange[3]),
        validator: strongValidator(res.headers),
      };
    } finally {
      limit.release();
    }
  };

  const first = await get(0, HEADER_BYTES);
  if (!first || first.bytes.length === 0) return fail('the file is empty');
  let fileSize = first.total;
  if (fileSize === undefined) {
    const head = await fetch(target, { method: 'HEAD', headers, signal: AbortSignal.timeout(timeoutMs) }).catch((err: unknown) => fail(`HEAD failed: ${(err as Error).message}`, err));
    const length = Number(head.headers.get('content-length'));
    if (!head.ok || !Number.isFinite(length)) return fail('the server gives no file size (Content-Range total or Content-Length)');
    fileSize = length;
  }
  const size = fileSize;
  const version = first.validator;
  let prefetched: Uint8Array | undefined = first.bytes;
  const queryHash = target.search ? createHash('sha1').update(target.search).digest('hex').slice(0, 12) : '';
  const id = `${shown}${version ? `@${version}` : queryHash ? `?${queryHash}` : ''}`;

  return {
    id,
    coalesceGapBytes: 256 * 1024,
    async size() {
      return size;
    },
    async read(offset, length) {
      const end = Math.min(offset + length, size);
      if (end <= offset) return new Uint8Array(0);
      if (prefetched && end <= prefetched.length) {
        const bytes = prefetched.subarray(offset, end);
        prefetched = undefined; // the header read it was kept for has happened
        return bytes;
      }
      const answer = await get(offset, end - offset);
      if (!answer) return new Uint8Array(0);
      if (version && answer.validator && answer.validator !== version) {
        return fail(`the file changed since it was opened (ETag ${version} -> ${answer.validator})`);
      }
      return answer.bytes;
    },
  };
}

/** ETag (or Last-Modified when there is none): what says this is still the same file. */
function strongValidator(headers: Headers): string | undefined {
  return headers.get('etag') ?? headers.get('last-modified') ?? undefined;
}

/** Bounds the requests in flight for one file, so a large window does not open hundreds of sockets. */
class Semaphore {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(slots: number) {
    this.free = Math.max(1, slots);
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
