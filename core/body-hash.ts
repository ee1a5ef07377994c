import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * The MD5 of a body as it streams (the ETag the fs blob store keeps), computed on a worker thread
 * for large bodies. MD5 runs at ~640 MB/s here and cannot be split: on the event loop it took 1.6 ms
 * of every 1 MiB PUT and 105 ms of every 64 MiB one, during which the socket was not read and the
 * file not written. On a thread of its own it runs beside the receiving and the writing, and its
 * tail beside the data's fsync. Each body's bytes are copied once into a buffer that is moved,
 * not cloned, to the thread. A body under OFFLOAD_MIN_BYTES is hashed in place: the round trip
 * would cost more than the hash.
 *
 * Memory stays bounded: `ready()` holds the writer back while more than PENDING_LIMIT bytes of
 * its body wait to be hashed.
 */
export interface BodyHash {
  /** Adds bytes, in order. The caller may reuse the buffers at once (they are copied). */
  update(chunks: readonly Buffer[]): void;
  /** Resolves when the writer may hand over more (few enough bytes wait); rejects if the hashing failed. */
  ready(): Promise<void>;
  /** The hex MD5 of everything added. Call once, after the last update. */
  digest(): Promise<string>;
  /** Drops the state (the body failed); no digest follows. */
  abort(): void;
}

export const OFFLOAD_MIN_BYTES = 256 * 1024;
const PENDING_LIMIT = 4 * 1024 * 1024;
/**
 * Bytes per message to the thread (the last of a body hashes after its last write: kept small).
 * The buffers come back and are reused: left to the thread's collector, whose heap is nearly
 * empty and so rarely collected, ~60 MB of them stayed allocated.
 */
const TRANSFER_BYTES = 256 * 1024;
const IDLE_TRANSFER_BUFFERS = 32;
const idleTransferBuffers: ArrayBuffer[] = [];

function takeTransferBuffer(): ArrayBuffer {
  return idleTransferBuffers.pop() ?? new ArrayBuffer(TRANSFER_BYTES);
}

function giveTransferBuffer(buffer: ArrayBuffer): void {
  if (buffer.byteLength === TRANSFER_BYTES && idleTransferBuffers.length < IDLE_TRANSFER_BUFFERS) idleTransferBuffers.push(buffer);
}

/** Messages to the thread (WORKER_SOURCE) and back. */
type HashTask = { op: 'update'; id: number; bytes: ArrayBuffer; length: number } | { op: 'digest'; id: number } | { op: 'abort'; id: number };
type HashReply = { op: 'hashed'; id: number; bytes: ArrayBuffer; length: number } | { op: 'digest'; id: number; hex: string };

/** The MD5 of a body of `size` bytes (undefined: not known, may be large). */
export function bodyMd5(size: number | undefined): BodyHash {
  if (size !== undefined && size < OFFLOAD_MIN_BYTES) return inPlace();
  return threads.session();
}

function inPlace(): BodyHash {
  const hash = createHash('md5');
  return {
    update(chunks) {
      for (const c of chunks) hash.update(c);
    },
    ready: () => Promise.resolve(),
    digest: () => Promise.resolve(hash.digest('hex')),
    abort() {},
  };
}

/**
 * The thread's code: MD5 states by session id, fed in order. Plain JavaScript given to the Worker
 * as source, so the thread loads nothing but node:crypto (no file of ours, no TypeScript loader:
 * under tsx that alone took ~90 MB of the thread's memory).
 */
const WORKER_SOURCE = `
const { createHash } = require('node:crypto');
const { parentPort } = require('node:worker_threads');
const sessions = new Map();
parentPort.on('message', (task) => {
  if (task.op === 'update') {
    let hash = sessions.get(task.id);
    if (!hash) sessions.set(task.id, (hash = createHash('md5')));
    hash.update(new Uint8Array(task.bytes, 0, task.length));
    // The buffer goes back, to be filled again.
    parentPort.postMessage({ op: 'hashed', id: task.id, bytes: task.bytes, length: task.length }, [task.bytes]);
  } else if (task.op === 'digest') {
    const hash = sessions.get(task.id) || createHash('md5');
    sessions.delete(task.id);
    parentPort.postMessage({ op: 'digest', id: task.id, hex: hash.digest('hex') });
  } else if (task.op === 'abort') {
    sessions.delete(task.id);
  }
});
`;

interface Session {
  /** Bytes moved to the thread and not hashed yet. */
  pending: number;
  /** The transfer buffer being filled, and how far. */
  buffer?: ArrayBuffer;
  filled: number;
  failed?: Error;
  wake?: () => void;
  digested?: { resolve(hex: string): void; reject(err: Error): void };
}

class HashThread {
  private readonly worker: Worker;
  private readonly sessions = new Map<number, Session>();
  dead = false;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    this.worker.unref();
    this.worker.on('message', (reply: HashReply) => this.answer(reply));
    const fail = (err: Error) => {
      this.dead = true;
      for (const session of this.sessions.values()) this.failSession(session, err);
      this.sessions.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the hashing thread exited (${code})`)));
  }

  get load(): number {
    return this.sessions.size;
  }

  open(id: number): BodyHash {
    const session: Session = { pending: 0, filled: 0 };
    this.sessions.set(id, session);
    // Referenced while a body is hashed: a process waiting on nothing but a digest must not exit.
    if (this.sessions.size === 1) this.worker.ref();
    const post = (task: HashTask, transfer?: ArrayBuffer[]) => {
      if (session.failed) return;
      this.worker.postMessage(task, transfer);
    };
    const send = () => {
      const { buffer, filled } = session;
      if (!buffer || filled === 0) return;
      session.pending += filled;
      session.buffer = undefined;
      session.filled = 0;
      post({ op: 'update', id, bytes: buffer, length: filled }, [buffer]);
    };
    return {
      update: (chunks) => {
        if (session.failed) return;
        // Copied into transfer buffers, each moved to the thread once full and moved back once
        // hashed; the last, partly filled, goes with the digest.
        for (const chunk of chunks) {
          for (let from = 0; from < chunk.length; ) {
            session.buffer ??= takeTransferBuffer();
            const n = Math.min(chunk.length - from, TRANSFER_BYTES - session.filled);
            new Uint8Array(session.buffer, session.filled, n).set(chunk.subarray(from, from + n));
            session.filled += n;
            from += n;
            if (session.filled === TRANSFER_BYTES) send();
          }
        }
      },
      ready: () => {
        if (session.failed) return Promise.reject(session.failed);
        if (session.pending <= PENDING_LIMIT) return Promise.resolve();
        return new Promise<void>((resolve, reject) => {
          session.wake = () => (session.failed ? reject(session.failed) : resolve());
        });
      },
      digest: () =>
        new Promise<string>((resolve, reject) => {
          if (session.failed) return reject(session.failed);
          session.digested = { resolve, reject };
          send();
          post({ op: 'digest', id });
        }),
      abort: () => {
        if (session.buffer) giveTransferBuffer(session.buffer);
        session.buffer = undefined;
        if (!this.sessions.has(id)) return;
        post({ op: 'abort', id });
        this.close(id);
      },
    };
  }

  private answer(reply: HashReply): void {
    const session = this.sessions.get(reply.id);
    if (reply.op === 'hashed') {
      giveTransferBuffer(reply.bytes);
      if (!session) return;
      session.pending -= reply.length;
      if (session.wake && session.pending <= PENDING_LIMIT) {
        const wake = session.wake;
        session.wake = undefined;
        wake();
      }
      return;
    }
    if (!session) return;
    this.close(reply.id);
    session.digested?.resolve(reply.hex);
  }

  private close(id: number): void {
    this.sessions.delete(id);
    if (this.sessions.size === 0 && !this.dead) this.worker.unref();
  }

  private failSession(session: Session, err: Error): void {
    session.failed = err;
    session.wake?.();
    session.digested?.reject(err);
  }
}

/** One or two threads, started on first use; a thread that died is replaced by the next body. */
const threads = {
  all: [] as HashThread[],
  next: 0,
  session(): BodyHash {
    const want = Math.min(2, Math.max(1, availableParallelism() - 1));
    this.all = this.all.filter((t) => !t.dead);
    if (this.all.length < want) this.all.push(new HashThread());
    // The least loaded thread, so that two large bodies at once hash in parallel.
    const thread = this.all.reduce((a, b) => (b.load < a.load ? b : a));
    return thread.open(++this.next);
  },
};
