import type { BlobStore } from './types.js';
import { openFsBlobStore, type FsBlobStoreConfig } from './fs.js';
import type { S3BlobStoreConfig } from './s3.js';

export type BlobStoreConfig = FsBlobStoreConfig | S3BlobStoreConfig;

/** Opens the store a validated `blobs` config section describes. */
export async function openBlobStore(config: BlobStoreConfig): Promise<BlobStore> {
  switch (config.type) {
    case 'fs':
      return openFsBlobStore(config);
    case 's3': {
      // Loaded only when configured: the AWS SDK takes about half a second to import.
      const { openS3BlobStore } = await import('./s3.js');
      return openS3BlobStore(config);
    }
    default:
      throw new Error(`Unknown blob store type '${(config as { type: unknown }).type}'`);
  }
}

export { blobsConfigSchema } from './config-schema.js';
export { databaseConfigSchema } from '../db/config-schema.js';
export { BlobDigestMismatch, BlobKeyConflict, BlobNotFound, InvalidBlobKey, InvalidRange } from './errors.js';
export { FsBlobStore, type FsBlobStoreConfig } from './fs.js';
export type { S3BlobStore, S3BlobStoreConfig } from './s3.js';
export type { BlobInfo, BlobObject, BlobStore, ByteRange, ListOptions, ListPage, PutOptions } from './types.js';
