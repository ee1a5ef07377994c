/**
 * Records into the catalogue in batches (one upsert, one transaction each, so an interrupted
 * import leaves whole batches). Collections go before products. When a batch is refused, its
 * records are written one by one so that only the bad ones are rejected; a product whose
 * collection is not in yet waits for the end of the import and is tried once more then.
 */
import type { MeridianError } from '../../../core/errors.js';
import type { CatalogueRecord, CatalogueRecordInput, CatalogueService } from '../types.js';

/** The records of one source, settled once each is committed or rejected. */
export interface SourceTicket {
  /** As the report names it. */
  source: string;
  /** The state table's key. */
  key: string;
  fingerprint?: string;
  container: boolean;
  pending: number;
  committed: number;
  rejected: number;
}

export interface Entry {
  record: CatalogueRecordInput;
  ticket: SourceTicket;
}

export interface WriterEvents {
  committed(records: CatalogueRecord[], entries: Entry[]): void;
  rejected(entry: Entry, error: MeridianError): void;
  /** Sources all of whose records are settled, after the batch that settled them. */
  settled(tickets: SourceTicket[]): Promise<void>;
}

export class RecordWriter {
  private collections: Entry[] = [];
  private products: Entry[] = [];
  private readonly deferred: Entry[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly catalogue: CatalogueService,
    private readonly batchSize: number,
    private readonly events: WriterEvents,
  ) {}

  /** Queues the records of a source; waits for a write when a batch is full (backpressure). */
  async add(entries: Entry[]): Promise<void> {
    for (const e of entries) (e.record.type === 'collection' ? this.collections : this.products).push(e);
    if (this.collections.length + this.products.length >= this.batchSize) await this.flush();
  }

  /** Writes what is queued (collections first); resolves when it and every earlier write is done. */
  flush(): Promise<void> {
    const collections = this.collections.splice(0);
    const products = this.products.splice(0);
    this.chain = this.chain.then(async () => {
      await this.write(collections, false);
      await this.write(products, false);
    });
    return this.chain;
  }

  /** Flushes, then tries the waiting products once more, one by one. */
  async finish(): Promise<void> {
    await this.flush();
    const waiting = this.deferred.splice(0);
    this.chain = this.chain.then(() => this.write(waiting, true));
    await this.chain;
  }

  private async write(entries: Entry[], final: boolean): Promise<void> {
    for (let i = 0; i < entries.length; i += this.batchSize) {
      const batch = entries.slice(i, i + this.batchSize);
      const settled: SourceTicket[] = [];
      if (final) {
        for (const e of batch) await this.writeOne(e, true, settled);
      } else {
        try {
          const stored = await this.catalogue.upsert(batch.map((e) => e.record));
          this.events.committed(stored, batch);
          for (const e of batch) this.settle(e, 'committed', settled);
        } catch (err) {
          if (!isRecordError(err)) throw err;
          for (const e of batch) await this.writeOne(e, false, settled);
        }
      }
      await this.events.settled(settled);
    }
  }

  private async writeOne(entry: Entry, final: boolean, settled: SourceTicket[]): Promise<void> {
    try {
      const stored = await this.catalogue.upsert([entry.record]);
      this.events.committed(stored, [entry]);
      this.settle(entry, 'committed', settled);
    } catch (err) {
      if (!isRecordError(err)) throw err;
      if (!final && err.locator === 'parentIdentifier') {
        this.deferred.push(entry);
        return;
      }
      this.events.rejected(entry, err);
      this.settle(entry, 'rejected', settled);
    }
  }

  private settle(entry: Entry, outcome: 'committed' | 'rejected', settled: SourceTicket[]): void {
    const t = entry.ticket;
    t[outcome]++;
    if (--t.pending === 0) settled.push(t);
  }
}

/**
 * A refusal of the records themselves (400, 409), as opposed to the database failing. Read from
 * the error's fields, not its class: a plugin loaded through another module graph (tests run
 * plugins through the loader) throws MeridianErrors of another copy of the class.
 */
export function isRecordError(err: unknown): err is MeridianError {
  const e = err as { status?: unknown; code?: unknown } | null;
  return e instanceof Error && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && typeof e.code === 'string';
}
