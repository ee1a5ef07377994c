/**
 * Work for a bounded pool of workers that find more work as they go: items pushed by workers
 * (links followed) come first, then the directory walks, newest first, so a tree is imported
 * depth-first and a walk of a million files is never held in memory.
 */
export class WorkQueue<T> {
  private readonly items: T[] = [];
  private readonly walks: Array<AsyncIterator<T>> = [];
  private readonly waiting: Array<() => void> = [];
  private busy = 0;

  constructor(private readonly signal?: AbortSignal) {
    signal?.addEventListener('abort', () => this.wakeAll(), { once: true });
  }

  push(item: T): void {
    this.items.push(item);
    this.wakeOne();
  }

  addWalk(walk: AsyncIterator<T>): void {
    this.walks.push(walk);
    this.wakeOne();
  }

  /** The next item (the caller must call `release()` when done with it), or undefined when all work is done. */
  async take(): Promise<T | undefined> {
    for (;;) {
      if (this.signal?.aborted) return undefined;
      if (this.items.length > 0) {
        this.busy++;
        return this.items.shift();
      }
      const walk = this.walks.at(-1);
      if (walk) {
        // Counted busy while reading the walk: it may yield more work for the others.
        this.busy++;
        let next: IteratorResult<T>;
        try {
          next = await walk.next();
        } catch (err) {
          this.busy--;
          this.wakeAll();
          throw err;
        }
        if (!next.done) return next.value;
        this.busy--;
        const at = this.walks.indexOf(walk);
        if (at >= 0) this.walks.splice(at, 1);
        this.wakeAll();
        continue;
      }
      if (this.busy === 0) {
        this.wakeAll();
        return undefined;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  release(): void {
    this.busy--;
    this.wakeAll();
  }

  private wakeOne(): void {
    this.waiting.shift()?.();
  }

  private wakeAll(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/** Runs `worker` on every item with at most `concurrency` at once; the first error stops the rest. */
export async function drain<T>(queue: WorkQueue<T>, concurrency: number, worker: (item: T) => Promise<void>): Promise<void> {
  let failure: unknown;
  const run = async () => {
    for (;;) {
      if (failure !== undefined) return;
      const item = await queue.take();
      if (item === undefined) return;
      try {
        await worker(item);
      } catch (err) {
        failure ??= err;
      } finally {
        queue.release();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, run));
  if (failure !== undefined) throw failure;
}
