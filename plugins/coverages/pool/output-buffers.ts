/**
 * SharedArrayBuffers the workers write encoded outputs into, reused from one response to the
 * next (engine.coverage/map with transientBody). A worker's encoded file moved to the main
 * thread is a new ArrayBuffer there each time: external memory that starts V8's next full
 * collection of the main thread's (large) heap every dozen WCS answers; a buffer taken from
 * here costs no allocation. Size classes are powers of two from 64 KiB; at most `perClass`
 * of a size and `maxBytes` in all are kept.
 */
const SMALLEST = 64 * 1024;

export class OutputBuffers {
  private readonly classes = new Map<number, SharedArrayBuffer[]>();
  private kept = 0;

  constructor(private readonly options: { maxBytes: number; perClass: number }) {}

  /** A buffer of at least `bytes` (its contents are whatever was written last). */
  take(bytes: number): SharedArrayBuffer {
    let size = SMALLEST;
    while (size < bytes) size *= 2;
    const buffer = this.classes.get(size)?.pop();
    if (buffer) {
      this.kept -= size;
      return buffer;
    }
    return new SharedArrayBuffer(size);
  }

  /** Gives a buffer back once nothing reads it any more (a response sent). */
  give(buffer: SharedArrayBuffer): void {
    const size = buffer.byteLength;
    if (this.kept + size > this.options.maxBytes) return;
    let free = this.classes.get(size);
    if (!free) this.classes.set(size, (free = []));
    if (free.length >= this.options.perClass || free.includes(buffer)) return;
    free.push(buffer);
    this.kept += size;
  }

  get size(): number {
    return this.kept;
  }
}
