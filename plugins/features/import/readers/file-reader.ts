/** Reads a file front to back in exact-sized pieces through one buffer (the .shp and .dbf readers). */
import { open, type FileHandle } from 'node:fs/promises';

export class SequentialFile {
  private buffer: Buffer;
  private start = 0;
  private end = 0;
  private filePosition = 0;
  private eof = false;

  private constructor(private readonly handle: FileHandle, readonly size: number, bufferBytes: number) {
    this.buffer = Buffer.allocUnsafe(bufferBytes);
  }

  static async open(path: string, bufferBytes = 1024 * 1024): Promise<SequentialFile> {
    const handle = await open(path, 'r');
    const { size } = await handle.stat();
    return new SequentialFile(handle, size, bufferBytes);
  }

  /** Bytes consumed so far. */
  get position(): number {
    return this.filePosition - (this.end - this.start);
  }

  /**
   * The next `n` bytes, or fewer at the end of the file. The result may share memory with the
   * buffer: use it before the next read.
   */
  async read(n: number): Promise<Buffer> {
    if (this.end - this.start < n && !this.eof) await this.fill(n);
    const take = Math.min(n, this.end - this.start);
    const out = this.buffer.subarray(this.start, this.start + take);
    this.start += take;
    return out;
  }

  async skip(n: number): Promise<void> {
    const buffered = this.end - this.start;
    if (n <= buffered) {
      this.start += n;
      return;
    }
    this.start = this.end = 0;
    this.filePosition = Math.min(this.size, this.filePosition + (n - buffered));
    this.eof = this.filePosition >= this.size;
  }

  private async fill(n: number): Promise<void> {
    const kept = this.end - this.start;
    if (n > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(n, this.buffer.length * 2));
      this.buffer.copy(bigger, 0, this.start, this.end);
      this.buffer = bigger;
    } else {
      this.buffer.copy(this.buffer, 0, this.start, this.end);
    }
    this.start = 0;
    this.end = kept;
    while (this.end < n && !this.eof) {
      const { bytesRead } = await this.handle.read(this.buffer, this.end, this.buffer.length - this.end, this.filePosition);
      if (bytesRead === 0) this.eof = true;
      this.end += bytesRead;
      this.filePosition += bytesRead;
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
