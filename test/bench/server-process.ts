// A benchmark target in a child process of its own, so that neither the load generator nor the
// other target shares its event loop or its CPU accounting. The child reports its own CPU time
// (process.cpuUsage) for exactly the span the parent asks about, over IPC.
import { fork, type ChildProcess } from 'node:child_process';

/** A server a benchmark starts: where to send requests, and how to stop it. */
export interface RunningTarget {
  url: string;
  close(): Promise<void>;
}

type ToChild = { type: 'cpu-start' } | { type: 'cpu-stop' } | { type: 'close' };
type FromChild = { type: 'ready'; url: string } | { type: 'cpu-started' } | { type: 'cpu'; userUs: number; systemUs: number } | { type: 'closed' } | { type: 'failed'; error: string };

/**
 * The child's side: starts the target, then answers the parent's CPU questions. Run without a
 * parent (no IPC channel: a profiling run), it prints the URL and, on SIGINT or SIGTERM, the CPU
 * time it used since it was ready.
 */
export async function serveInChild(start: () => Promise<RunningTarget>, describe: (target: RunningTarget) => string = (t) => t.url): Promise<void> {
  let target: RunningTarget;
  try {
    target = await start();
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    if (process.send) process.send({ type: 'failed', error } satisfies FromChild, () => process.exit(1));
    else {
      process.stderr.write(`${error}\n`);
      process.exit(1);
    }
    return;
  }
  let since = process.cpuUsage();
  const send = process.send?.bind(process);
  if (!send) {
    process.stdout.write(`${describe(target)}\n`);
    const stop = async () => {
      const used = process.cpuUsage(since);
      process.stdout.write(`CPU since ready: user ${(used.user / 1000).toFixed(0)} ms, system ${(used.system / 1000).toFixed(0)} ms\n`);
      await target.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  process.on('message', (message: ToChild) => {
    if (message.type === 'cpu-start') {
      since = process.cpuUsage();
      send({ type: 'cpu-started' } satisfies FromChild);
    } else if (message.type === 'cpu-stop') {
      const used = process.cpuUsage(since);
      send({ type: 'cpu', userUs: used.user, systemUs: used.system } satisfies FromChild);
    } else if (message.type === 'close') {
      void target.close().finally(() => send({ type: 'closed' } satisfies FromChild, () => process.exit(0)));
    }
  });
  send({ type: 'ready', url: target.url } satisfies FromChild);
}

/** The parent's handle on one target's child process. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /**
   * Forks `entry` (a module calling serveInChild) with `args`, under the same loader as this
   * process (tsx), plus the node flags in BENCH_SERVER_NODE_ARGS (e.g. `--cpu-prof`).
   */
  static async start(entry: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
    const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    const child = fork(entry, args, { execArgv: [...process.execArgv, ...extra], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<FromChild>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`${entry} ${args.join(' ')} exited (${code}) before it was ready`)));
      child.once('error', reject);
    });
    child.removeAllListeners('exit');
    if (ready.type === 'failed') throw new Error(`${entry} ${args.join(' ')} failed to start: ${ready.error}`);
    if (ready.type !== 'ready') throw new Error(`${entry} sent ${ready.type} before it was ready`);
    return new ServerProcess(child, ready.url);
  }

  private ask(message: ToChild, answer: FromChild['type']): Promise<FromChild> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type !== answer) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(m);
      };
      const onExit = (code: number | null) => reject(new Error(`server process exited (${code}) while asked to ${message.type}`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(message);
    });
  }

  /** Starts counting the child's CPU time. */
  async cpuStart(): Promise<void> {
    await this.ask({ type: 'cpu-start' }, 'cpu-started');
  }

  /** The child's CPU time (user + system, µs) since cpuStart. */
  async cpuStop(): Promise<number> {
    const m = (await this.ask({ type: 'cpu-stop' }, 'cpu')) as Extract<FromChild, { type: 'cpu' }>;
    return m.userUs + m.systemUs;
  }

  /** Closes the target and waits for the child to exit (killed after 10 s). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    this.child.send({ type: 'close' } satisfies ToChild);
    await exited;
    clearTimeout(timer);
  }
}
