/**
 * ArrayBuffers reused within a thread for arrays that die inside one step of a request (the
 * source window a map is resampled from, the predicted bytes of a block being deflated): each
 * fresh one is external memory V8 counts towards its next full collection, and zeroed pages the
 * kernel has to map. Buffers come in power-of-two size classes from 64 KiB; a caller views the
 * bytes it needs and gives the buffer back when nothing refers to it any more. Nothing is
 * shared: a buffer taken is out of the pool until it is given back.
 */
const SMALLEST = 64 * 1024;

export class BufferPool {
  private readonly classes = new Map<number, ArrayBuffer[]>();
  /** Buffers out on loan: only these are taken back (a caller's own buffer never enters the pool). */
  private readonly lent = new WeakSet<ArrayBuffer>();
  private kept = 0;

  constructor(private readonly options: { maxBytes: number; perClass: number }) {}

  private static classOf(byteLength: number): number {
    let size = SMALLEST;
    while (size < byteLength) size *= 2;
    return size;
  }

  /** A buffer of at least `byteLength` bytes, holding anything (callers write every byte they read). */
  take(byteLength: number): ArrayBuffer {
    const size = BufferPool.classOf(byteLength);
    const free = this.classes.get(size);
    let buffer = free?.pop();
    if (buffer) this.kept -= size;
    else buffer = new ArrayBuffer(size);
    this.lent.add(buffer);
    return buffer;
  }

  /** Returns a buffer taken from this pool (any other is ignored); kept when there is room, else left to the collector. */
  give(buffer: ArrayBuffer): void {
    if (!this.lent.delete(buffer)) return;
    const size = buffer.byteLength;
    if (this.kept + size > this.options.maxBytes) return;
    let free = this.classes.get(size);
    if (!free) this.classes.set(size, (free = []));
    if (free.length >= this.options.perClass) return;
    free.push(buffer);
    this.kept += size;
  }

  /** Bytes held for reuse. */
  get size(): number {
    return this.kept;
  }
}

/** This thread's pool for short-lived sample windows and block bytes. */
export const scratchBuffers = new BufferPool({ maxBytes: 48 * 1024 * 1024, perClass: 8 });
