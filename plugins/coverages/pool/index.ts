/**
 * The worker-thread pool (piscina) the engine runs CPU work on, so one slow request never blocks
 * the event loop. Tasks that read blobs the workers cannot open get a MessagePort over which the
 * main thread answers range reads from the blob store.
 */
import v8 from 'node:v8';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { nodeFlagGiven } from '../../../core/node-flags.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import { CoverageError, type CoverageErrorCode } from '../errors.js';
import type { RangeAnswer, RangeAsk, SourceRef, WorkerReply, WorkerTask, WorkerValue } from './tasks.js';

const CODES = new Set<string>(['NoSuchCoverage', 'NoSuchStyle', 'NoSuchBand', 'InvalidTime', 'MissingTime', 'TooLarge', 'InvalidCrs', 'InvalidGrid', 'UnsupportedFormat', 'SourceUnreadable']);

export interface WorkerPool {
  /** `transfer`: buffers of the task moved to the worker rather than copied (the caller gives them up). */
  run<T extends WorkerValue>(task: WorkerTask, transfer?: ArrayBuffer[]): Promise<T>;
  readonly size: number;
  close(): Promise<void>;
}

function sourcesOf(task: WorkerTask): SourceRef[] {
  switch (task.op) {
    case 'describe':
    case 'stats':
      return [task.source];
    case 'read':
    case 'coverage':
      return task.layer.sources;
    case 'map':
      return task.layers.flatMap((l) => l.sources);
    case 'computeRows':
      return task.reads.flatMap((r) => r.layer.sources);
    default:
      return [];
  }
}

/**
 * V8's initial old-generation size for the isolates created from now on (the workers'): with
 * V8's default, a worker of ~15 MB of heap beside ~100 MB of decoded tiles ran a full
 * collection every ~10 requests (~12 a second at 100 WCS answers/s: 1.5-2 ms of CPU per request
 * on V8's helper threads); from 64 MB on, two or three in a run. V8 reads the flag when it makes
 * an isolate, and only this pool makes isolates after start-up; one given on the command line
 * (or NODE_OPTIONS) wins.
 */
function setWorkerOldSpace(mb: number): void {
  if (mb <= 0) return;
  if (!nodeFlagGiven('--initial-old-space-size')) v8.setFlagsFromString(`--initial-old-space-size=${Math.floor(mb)}`);
}

export function createWorkerPool(options: { threads: number; tileCacheBytes: number; blobs: BlobStore; oldSpaceMB?: number }): WorkerPool {
  setWorkerOldSpace(options.oldSpaceMB ?? 0);
  // Under tsx (tests, `npm run bench` from sources) the worker is the .ts file; built, the .js.
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const piscina = new Piscina({
    filename: new URL(`./worker${ext}`, import.meta.url).href,
    minThreads: options.threads,
    maxThreads: options.threads,
    // Two tasks per worker: one can wait on reads while the other computes.
    concurrentTasksPerWorker: 2,
    idleTimeout: 60_000,
    workerData: { tileCacheBytes: options.tileCacheBytes },
  });

  async function answer(port: MessagePort, ask: RangeAsk): Promise<void> {
    try {
      const object = await options.blobs.get(ask.key, { range: { start: ask.offset, end: ask.offset + ask.length - 1 } });
      const chunks: Buffer[] = [];
      for await (const chunk of object.body) chunks.push(chunk as Buffer);
      const bytes = new Uint8Array(Buffer.concat(chunks));
      port.postMessage({ ask: ask.ask, bytes } satisfies RangeAnswer, [bytes.buffer]);
    } catch (err) {
      port.postMessage({ ask: ask.ask, error: (err as Error).message } satisfies RangeAnswer);
    }
  }

  return {
    size: options.threads,
    async run<T extends WorkerValue>(task: WorkerTask, transfer: ArrayBuffer[] = []): Promise<T> {
      let channel: MessageChannel | undefined;
      const transferList: Array<MessagePort | ArrayBuffer> = [...new Set(transfer)];
      if (sourcesOf(task).some((s) => s.kind === 'blob')) {
        channel = new MessageChannel();
        const local = channel.port1;
        local.on('message', (ask: RangeAsk) => void answer(local, ask));
        (task as { port?: MessagePort }).port = channel.port2;
        transferList.push(channel.port2);
      }
      try {
        const reply = (await piscina.run(task, { transferList: transferList as never })) as WorkerReply<T>;
        if (reply.ok) return reply.value;
        const code = reply.code && CODES.has(reply.code) ? (reply.code as CoverageErrorCode) : 'SourceUnreadable';
        throw new CoverageError(code, reply.message);
      } finally {
        channel?.port1.close();
      }
    },
    async close() {
      await piscina.destroy();
    },
  };
}

type MessagePort = import('node:worker_threads').MessagePort;
