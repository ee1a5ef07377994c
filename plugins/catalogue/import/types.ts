/** What an import is asked to do and what it reports. */
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import type { Database } from '../../../core/storage/db/types.js';
import type { Logger } from 'pino';
import type { CatalogueService } from '../types.js';
import type { Location } from './locations.js';

export interface ImportDeps {
  catalogue: CatalogueService;
  /** Holds the state table (resuming). */
  db: Database;
  /** Where uploaded documents are (API imports). */
  blobs?: BlobStore;
  logger?: Logger;
}

export interface ImportOptions {
  /** A path, a file: or http(s) URL, or a parsed location (an upload). */
  source: string | Location;
  /** Products that name no collection go into this one. */
  collection?: string;
  /** Create `collection` (a generated record, its extent that of the products) when missing. */
  createCollection?: boolean;
  /** Sources read at once (default 4). */
  concurrency?: number;
  /** Records per upsert transaction (default 500). */
  batchSize?: number;
  /** Skip sources an earlier import finished, unchanged since (size and mtime, ETag, Last-Modified). */
  resume?: boolean;
  /** Only http(s) sources and links: never a local file (API imports). */
  remoteOnly?: boolean;
  /** Reach hosts on internal networks (default: only when not remoteOnly, so API imports reach public hosts only). */
  allowPrivateNetworks?: boolean;
  /** Largest metadata document read, in bytes (default 16 MiB). */
  maxDocumentBytes?: number;
  /** Most sources one import visits (default unlimited). */
  maxSources?: number;
  /** Per HTTP request, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Owner set on records that carry none. */
  owner?: string;
  signal?: AbortSignal;
  onRejected?(rejection: Rejection): void;
  onProgress?(progress: ImportProgress): void;
}

/** One rejected source or record, as a report line. */
export interface Rejection {
  type: 'rejected';
  /** The file path or URL. */
  source: string;
  /** The record's identifier, when the source was read and one of its records refused. */
  record?: string;
  /** Error code: InvalidRecord, InvalidGeometry, InvalidGeoTIFF, UnreadableSource, SourceTooLarge, DuplicateIdentifier, InvalidLink... */
  code: string;
  /** The offending field, when known. */
  locator?: string;
  reason: string;
}

export interface ImportProgress {
  /** Sources found so far (the total grows while links and directories are followed). */
  found: number;
  /** Sources finished (read, skipped or rejected). */
  done: number;
  recordsImported: number;
  recordsRejected: number;
  /** The source just finished. */
  current?: string;
}

export interface ImportSummary {
  type: 'summary';
  source: string;
  collection?: string;
  /** Stopped by its signal before every source was read; what was committed is whole batches. */
  interrupted: boolean;
  sources: {
    /** Metadata documents and GeoTIFFs visited. */
    found: number;
    /** Read and handed to the catalogue (some of their records may have been rejected). */
    imported: number;
    /** Unchanged since an earlier import (resume). */
    skipped: number;
    /** Unreadable or in no format the catalogue reads. */
    rejected: number;
    /** Files in a directory that are neither metadata nor TIFF. */
    ignored: number;
  };
  records: {
    imported: number;
    rejected: number;
    collections: number;
    products: number;
  };
  /** The collection was created by this import. */
  collectionCreated: boolean;
  startedAt: string;
  finishedAt: string;
}
