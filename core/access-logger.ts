import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { pino } from 'pino';
import type { LogConfig } from './config/types.js';
import { LOG_BASE } from './logger.js';

/** One line per request on the hot path: see createAccessLogger. */
export interface AccessLogger {
  /** Whether the configured level lets access lines (level info) through. */
  readonly enabled: boolean;
  /** Queues one line; `fields` are its JSON members after the envelope, each led by a comma. */
  write(fields: string): void;
  /** Hands whatever is queued to the destination and flushes it synchronously where it can. */
  flush(): void;
  /** Flushes, then ends a destination the logger opened itself; later lines are dropped. */
  close(): void;
}

/** Where access lines go: bytes (UTF-8 JSON lines) in chunks of whole lines. */
export interface AccessLogStream {
  write(chunk: Buffer): unknown;
  flushSync?(): void;
}

/** A file descriptor or path (written asynchronously, as stdout is by default), or a stream. */
export type AccessLogDestination = number | string | AccessLogStream;

/** How long a line waits at most before it is handed to the destination. */
export const ACCESS_LOG_FLUSH_MS = 10;
/** Queued bytes that are handed over at once, without waiting. */
const FLUSH_BYTES = 16 * 1024;
/** Lines are encoded into slabs of this size; a handed-over chunk is a view of one. */
const SLAB_BYTES = 64 * 1024;

// Loggers with lines still queued, written out if the process exits without a flush (an unref'd
// timer does not keep it alive).
const queued = new Set<() => void>();
let exitHookInstalled = false;
function flushOnExit(flush: () => void): void {
  queued.add(flush);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const f of [...queued]) f();
  });
}

/** The ISO time of the current millisecond: many lines share one, so it is formatted once. */
let isoMs = 0;
let isoText = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

interface OpenDestination {
  stream: AccessLogStream;
  /** The file descriptor behind the stream, when the logger opened it. */
  fd?: number;
}

function openDestination(destination: AccessLogDestination | undefined): OpenDestination {
  if (destination !== undefined && typeof destination === 'object') return { stream: destination };
  const fd = typeof destination === 'string' ? openSync(destination, 'a') : (destination ?? 1);
  if (writesWithoutWaiting(fd)) return { stream: new FileWriter(fd), fd };
  // A pipe, socket or terminal, whose reader may fall behind: asynchronous, so lines queue
  // while a write is in flight instead of blocking the event loop.
  return { stream: pino.destination({ fd, sync: false, contentMode: 'buffer' }) as unknown as AccessLogStream, fd };
}

/**
 * A regular file or a device such as /dev/null (not a terminal): a write there does not wait on
 * a reader, so a batch is written at once. An asynchronous write would hand each batch to
 * libuv's thread pool and back, costing more than the write itself.
 */
function writesWithoutWaiting(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFile() || (stat.isCharacterDevice() && !isatty(fd));
  } catch {
    return false;
  }
}

/** Synchronous batches to a file descriptor (see writesWithoutWaiting). */
class FileWriter implements AccessLogStream {
  private failed = false;
  constructor(private readonly fd: number) {}

  write(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      try {
        offset += writeSync(this.fd, chunk, offset, chunk.length - offset);
      } catch (err) {
        // A full disk or a closed descriptor: the batch is lost, the request is not. Said once.
        if (!this.failed) process.emitWarning(`access log: cannot write (${(err as Error).message}); lines are dropped`);
        this.failed = true;
        return;
      }
    }
  }

  /** Closes the descriptor, but never stdout or stderr (as sonic-boom does). */
  end(): void {
    if (this.fd <= 2) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }
}

/**
 * The access log. Its lines are the JSON lines pino would write at level info with the bindings
 * `service` and `log: "access"` (level, time, bindings, then the fields), but built as strings:
 * they hold no secrets (no headers but User-Agent), so nothing needs redacting or serialising
 * generically. Each line is encoded at once into a slab of bytes (so nothing of it stays on the
 * heap), and the queued bytes are handed to the destination in one chunk at most
 * ACCESS_LOG_FLUSH_MS after the first line (or at 16 KiB): one write per batch rather than per
 * request. `flush` before exit; a process exiting without it still writes what is queued (not on
 * SIGKILL).
 */
export function createAccessLogger(config: Partial<LogConfig> = {}, destination?: AccessLogDestination): AccessLogger {
  const level = config.level ?? 'info';
  const enabled = level !== 'silent' && pino.levels.values[level]! <= pino.levels.values.info!;
  // A level above info keeps no access lines, so nothing is opened.
  if (!enabled) return { enabled, write: () => undefined, flush: () => undefined, close: () => undefined };
  const { stream: dest, fd } = openDestination(destination);
  const bindings = Object.entries({ ...LOG_BASE, log: 'access' })
    .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join('');
  let slab = Buffer.allocUnsafe(SLAB_BYTES);
  // Bytes [start, end) of the slab are queued; those before start were handed over.
  let start = 0;
  let end = 0;
  let timer: NodeJS.Timeout | undefined;
  const send = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    queued.delete(atExit);
    if (end === start) return;
    const chunk = slab.subarray(start, end);
    start = end;
    dest.write(chunk);
  };
  const flushSync = (): void => {
    try {
      dest.flushSync?.();
    } catch {
      // Nothing is buffered, or the stream is already closed.
    }
  };
  const sendAndFlush = (): void => {
    send();
    flushSync();
  };
  // At exit nothing asynchronous completes: what the stream holds, then what is queued here, are
  // written synchronously when the descriptor is known.
  const atExit = (): void => {
    if (fd === undefined) return sendAndFlush();
    if (timer) clearTimeout(timer);
    timer = undefined;
    flushSync();
    if (end > start) {
      try {
        writeSync(fd, slab.subarray(start, end));
      } catch {
        // The descriptor is closed: nothing more can be written.
      }
      start = end;
    }
  };
  let closed = false;
  return {
    enabled,
    write(fields) {
      if (closed) return;
      const line = `{"level":30,"time":"${isoNow()}"${bindings}${fields}}\n`;
      // A UTF-16 unit takes at most 3 bytes of UTF-8.
      if (end + line.length * 3 > SLAB_BYTES) {
        send();
        if (line.length * 3 > SLAB_BYTES) {
          dest.write(Buffer.from(line));
          return;
        }
        slab = Buffer.allocUnsafe(SLAB_BYTES);
        start = end = 0;
      }
      end += slab.write(line, end);
      if (end - start >= FLUSH_BYTES) send();
      else if (!timer) {
        timer = setTimeout(send, ACCESS_LOG_FLUSH_MS);
        timer.unref();
        flushOnExit(atExit);
      }
    },
    flush: sendAndFlush,
    close() {
      if (closed) return;
      sendAndFlush();
      closed = true;
      // A stream the caller gave stays theirs; sonic-boom ends after its pending writes and never closes stdout or stderr.
      if (fd !== undefined) (dest as AccessLogStream & { end?: () => void }).end?.();
    },
  };
}
