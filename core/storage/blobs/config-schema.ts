import type { JSONSchema } from '../../plugin.js';

const fsProperties: Record<string, JSONSchema> = {
  type: { const: 'fs', description: "'fs': objects as plain files in a local folder (the embedded default)." },
  root: { type: 'string', minLength: 1, description: 'Folder holding the objects; created when missing.' },
};

const s3Properties: Record<string, JSONSchema> = {
  type: { const: 's3', description: "'s3': an S3-compatible object store (AWS S3, MinIO, Ceph RGW...)." },
  bucket: { type: 'string', minLength: 3, maxLength: 63, description: 'Bucket holding the objects.' },
  prefix: { type: 'string', description: "Key prefix inside the bucket, e.g. 'meridian/' (a trailing '/' is added)." },
  region: { type: 'string', minLength: 1, description: "Region of the bucket (default 'us-east-1')." },
  endpoint: {
    type: 'string',
    pattern: '^https?://',
    description: 'Endpoint URL of an S3-compatible store, e.g. http://minio:9000; AWS S3 when absent.',
  },
  forcePathStyle: {
    type: 'boolean',
    description: 'Address objects as endpoint/bucket/key instead of bucket.endpoint/key; default true when endpoint is set (most S3-compatible stores need it), false for AWS.',
  },
  credentials: {
    type: 'object',
    additionalProperties: false,
    required: ['accessKeyId', 'secretAccessKey'],
    description: "Static credentials (use ${VAR} for the secret); the AWS SDK's default chain (environment, profile, role) when absent.",
    properties: {
      accessKeyId: { type: 'string', minLength: 1, description: 'Access key id.' },
      secretAccessKey: { type: 'string', minLength: 1, description: 'Secret access key.' },
      sessionToken: { type: 'string', description: 'Session token of temporary credentials.' },
    },
  },
  partSize: {
    type: 'integer',
    minimum: 5242880,
    description: 'Bytes per part of a multipart upload (at least 5 MiB, default 8 MiB); smaller bodies go in one PUT.',
  },
  queueSize: { type: 'integer', minimum: 1, maximum: 64, description: 'Parts uploaded at once (default 4).' },
  createBucket: { type: 'boolean', description: 'Create the bucket at start-up when it does not exist (development stores).' },
};

/**
 * JSON Schema of the `blobs` config section. Each store type is a closed object of its own (so
 * unknown keys are named with the nearest valid one); the top level lists every key so that
 * environment overrides (MERIDIAN_BLOBS__FORCE_PATH_STYLE) find their spelling.
 */
export const blobsConfigSchema: JSONSchema = {
  type: 'object',
  description: "Object storage: 'fs' (a local folder) or 's3' (any S3-compatible store).",
  required: ['type'],
  additionalProperties: false,
  properties: {
    ...fsProperties,
    ...s3Properties,
    type: { enum: ['fs', 's3'], description: "Store type: 'fs' (a local folder) or 's3' (an S3-compatible store)." },
  },
  allOf: [
    {
      if: { required: ['type'], properties: { type: { const: 'fs' } } },
      then: { type: 'object', additionalProperties: false, required: ['type', 'root'], properties: fsProperties },
    },
    {
      if: { required: ['type'], properties: { type: { const: 's3' } } },
      then: { type: 'object', additionalProperties: false, required: ['type', 'bucket'], properties: s3Properties },
    },
  ],
};
