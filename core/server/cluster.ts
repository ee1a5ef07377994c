/**
 * Several HTTP processes on one host (`server.processes`), with node:cluster: the processes share
 * the listeners (the primary hands connections round-robin), so a CPU-bound request in one does
 * not hold up the others and every core serves. The primary does once what must happen once
 * (migrations, the admin user, sample data) before any process starts, runs the jobs, starts
 * the processes, restarts one that dies, and on SIGTERM/SIGINT stops them all before itself.
 * In-memory state is per process: caches (decisions, tiles), failed-login counters.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { ensureAdminUser } from '../auth/index.js';
import { nodeFlagGiven } from '../node-flags.js';
import type { LoadedConfig } from '../config/load.js';
import { assemble, type Meridian } from './assemble.js';

interface ListeningMessage {
  type: 'meridian:listening';
  ports: Record<string, number>;
}

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'meridian:listening';
}

export interface ClusterHandle {
  /** Ports by listener name, once every process listens. */
  ports: Record<string, number>;
  close(): Promise<void>;
}

/**
 * The young generation of each HTTP process, per semi-space (MiB). A request's objects (a page
 * of features and its text) live across a few scavenges while its response is made; with V8's
 * default of 16 MiB and several requests in flight they are promoted and die in the old
 * generation's full collections instead. At 32 MiB, WFS GML pages at 16 connections took ~8%
 * less CPU each (test/bench/features). At 64 MiB, cached WMTS tiles at 16 connections went from
 * 13.5k to 14.5k req/s and their p99 from 13 ms to 2.5 ms (test/bench/coverages): at 32 each
 * process spent 7 % of its time in 15-20 ms scavenges. An operator's own --max-semi-space-size
 * is kept.
 */
const SEMI_SPACE_MB = 64;

function httpProcessExecArgv(): string[] {
  return nodeFlagGiven('--max-semi-space-size') ? process.execArgv : [...process.execArgv, `--max-semi-space-size=${SEMI_SPACE_MB}`];
}

/**
 * The primary: sets the platform up once, starts `count` HTTP processes and resolves when all
 * listen. A process that exits while the cluster is not stopping is started again, after a
 * delay that grows while processes keep dying young (a crash loop does not spin).
 */
export async function runPrimary(loaded: LoadedConfig, logger: Logger, count: number): Promise<ClusterHandle> {
  const meridian: Meridian = await assemble(loaded, logger, 'serve');
  try {
    if (meridian.stores.auth.config.bootstrapAdmin) await ensureAdminUser(meridian.stores.db, loaded.config.dataDir, logger);
    await meridian.stores.jobs.start();
  } catch (err) {
    await meridian.close().catch(() => undefined);
    throw err;
  }
  let stopping = false;
  let restartDelayMs = 500;
  const workers = new Set<Worker>();
  cluster.setupPrimary({ execArgv: httpProcessExecArgv() });

  const start = (): Promise<Record<string, number>> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ MERIDIAN_CLUSTER_PROCESS: '1' });
      const startedAt = Date.now();
      workers.add(worker);
      let listening = false;
      worker.on('message', (message: unknown) => {
        if (!isListening(message)) return;
        listening = true;
        resolve(message.ports);
      });
      worker.once('exit', (code, signal) => {
        workers.delete(worker);
        if (!listening) reject(new Error(`server process ${worker.process.pid} exited during start-up (${signal ?? code})`));
        if (stopping || !listening) return;
        restartDelayMs = Date.now() - startedAt > 60_000 ? 500 : Math.min(restartDelayMs * 2, 30_000);
        logger.error({ pid: worker.process.pid, code, signal, restartInMs: restartDelayMs }, 'server process died; starting another');
        setTimeout(() => {
          if (!stopping) start().catch((err: unknown) => logger.error({ err }, 'server process could not be restarted'));
        }, restartDelayMs).unref();
      });
    });

  const stopWorkers = async (): Promise<void> => {
    const waitMs = loaded.config.server.shutdownTimeoutMs + 5_000;
    await Promise.all(
      [...workers].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const kill = setTimeout(() => worker.process.kill('SIGKILL'), waitMs);
            worker.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            worker.process.kill('SIGTERM');
          }),
      ),
    );
  };

  let ports: Record<string, number>;
  try {
    const all = await Promise.all(Array.from({ length: count }, () => start()));
    ports = all[0]!;
  } catch (err) {
    stopping = true;
    await stopWorkers();
    await meridian.close().catch(() => undefined);
    throw err;
  }
  return {
    ports,
    async close() {
      stopping = true;
      await stopWorkers();
      await meridian.close();
    },
  };
}

/**
 * One HTTP process of a cluster: the plugins set up as `serve` sets them up, jobs only enqueued
 * (the primary runs them). Tells the primary when it listens; ends when the primary is gone.
 */
export async function runHttpProcess(loaded: LoadedConfig, logger: Logger): Promise<Meridian> {
  const meridian = await assemble(loaded, logger, 'http');
  const ports = await meridian.listen();
  process.send?.({ type: 'meridian:listening', ports } satisfies ListeningMessage);
  // The primary killed outright: nobody would restart or stop this process; stop now.
  process.once('disconnect', () => {
    meridian.close().finally(() => process.exit(0));
  });
  return meridian;
}

export function isClusterProcess(): boolean {
  return cluster.isWorker && process.env.MERIDIAN_CLUSTER_PROCESS === '1';
}
