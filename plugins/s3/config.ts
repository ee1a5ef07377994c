/** The s3 plugin's own config keys (the core adds path, listen, enabled, bodyLimit). */
export interface S3Config {
  /** Host name of virtual-hosted-style addressing: `bucket.<hostName>`; absent: path style only. */
  hostName?: string;
  /** Region reported by GetBucketLocation and x-amz-bucket-region. */
  region: string;
  /** Blob keys of bucket `b` are `<blobPrefix>b/<key>`; uploads in progress under `<blobPrefix>.uploads/`. */
  blobPrefix: string;
  /** Largest allowed difference between the request's X-Amz-Date and our clock. */
  maxClockSkewSeconds: number;
  /** Smallest part of a multipart upload but the last (S3: 5 MiB). */
  minPartSize: number;
  /** Uploads neither completed nor aborted after this long are removed with their parts. */
  abandonedUploadAgeSeconds: number;
  /** How often the sweep for abandoned uploads runs (0: never). */
  sweepIntervalSeconds: number;
  /** How long a looked-up access key is reused before the database is asked again (revocation delay). */
  keyCacheSeconds: number;
  /** How long a looked-up bucket is reused; changes made by other processes are seen after it. */
  bucketCacheSeconds: number;
  /** Each authenticated user gets a bucket `<bucketPrefix><user>` on first use. */
  workspaces: { enabled: boolean; bucketPrefix: string };
}

export const s3ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    hostName: { type: 'string', minLength: 1, description: 'Host of virtual-hosted-style requests (bucket.HOST); path style always works.' },
    region: { type: 'string', minLength: 1, default: 'us-east-1', description: 'Region reported to clients.' },
    blobPrefix: { type: 'string', pattern: '^([a-z0-9][a-z0-9._-]*/)*$', default: 's3/', description: 'Blob key prefix of the buckets (ends with /, or empty).' },
    maxClockSkewSeconds: { type: 'integer', minimum: 1, default: 900, description: 'Largest clock difference a signed request may have (S3: 15 min).' },
    minPartSize: { type: 'integer', minimum: 1, default: 5242880, description: 'Smallest multipart part but the last (S3: 5 MiB).' },
    abandonedUploadAgeSeconds: { type: 'integer', minimum: 1, default: 604800, description: 'Multipart uploads older than this are removed with their parts.' },
    sweepIntervalSeconds: { type: 'integer', minimum: 0, default: 3600, description: 'Interval of the abandoned-upload sweep (0 turns it off).' },
    keyCacheSeconds: { type: 'number', minimum: 0, default: 2, description: 'Access keys looked up are reused this long (a revoked key stops working after it).' },
    bucketCacheSeconds: {
      type: 'number',
      minimum: 0,
      default: 2,
      description: 'Buckets looked up are reused this long (other processes see a new owner, visibility, deletion or first tag after it).',
    },
    workspaces: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        bucketPrefix: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', default: 'ws-' },
      },
    },
  },
} as const;
