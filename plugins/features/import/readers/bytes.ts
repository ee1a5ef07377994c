/** Byte streams for the readers: counted (for progress), from a file or from any stream. */
import { createReadStream } from 'node:fs';

export interface CountedStream {
  chunks: AsyncIterable<Buffer>;
  /** Bytes read so far. */
  readonly bytes: number;
}

/** Counts the bytes that pass, so a reader can tell how far into the file it is. */
export function counted(source: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>): CountedStream {
  let bytes = 0;
  return {
    get bytes() {
      return bytes;
    },
    chunks: (async function* () {
      for await (const chunk of source) {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        bytes += b.length;
        yield b;
      }
    })(),
  };
}

/** A file read in 256 KiB chunks (larger than the default: fewer, cheaper chunks for the splitters). */
export function fileChunks(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>;
}
