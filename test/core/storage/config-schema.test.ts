import assert from 'node:assert/strict';
import { Ajv, type ValidateFunction } from 'ajv';
import type { JSONSchema } from '../../../core/plugin.js';
import { blobsConfigSchema, databaseConfigSchema } from '../../../core/storage/blobs/index.js';

function compile(schema: JSONSchema): ValidateFunction {
  // The options the config loader uses, plus strict mode to catch schema mistakes.
  return new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true }).compile(schema);
}

/** Every property schema, at any depth, has a description. */
function undescribed(schema: JSONSchema, path = ''): string[] {
  const missing: string[] = [];
  for (const [key, sub] of Object.entries((schema.properties as Record<string, JSONSchema> | undefined) ?? {})) {
    if (typeof sub.description !== 'string' || sub.description.length === 0) missing.push(`${path}${key}`);
    missing.push(...undescribed(sub, `${path}${key}.`));
  }
  for (const part of (schema.allOf as JSONSchema[] | undefined) ?? []) missing.push(...undescribed((part.then as JSONSchema) ?? {}, path));
  return missing;
}

function errorsOf(validate: ValidateFunction, data: unknown): string[] {
  validate(data);
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`);
}

describe('core/storage config schemas', () => {
  describe('blobs', () => {
    const validate = compile(blobsConfigSchema);

    it('accepts an fs store and an s3 store with every option', () => {
      assert.deepEqual(errorsOf(validate, { type: 'fs', root: './data/blobs' }), []);
      const s3 = {
        type: 's3',
        bucket: 'eo-data',
        prefix: 'meridian/',
        region: 'eu-central-1',
        endpoint: 'http://minio:9000',
        forcePathStyle: true,
        credentials: { accessKeyId: 'id', secretAccessKey: 'secret', sessionToken: 't' },
        partSize: 16 * 1024 * 1024,
        queueSize: 4,
        createBucket: false,
      };
      assert.deepEqual(errorsOf(validate, s3), []);
    });

    it('refuses unknown keys, keys of the other store type and missing required keys', () => {
      assert.ok(errorsOf(validate, { type: 'fs', root: 'x', rooot: 'y' }).some((e) => e.includes('additionalProperties') && e.includes('rooot')));
      assert.ok(errorsOf(validate, { type: 'fs', root: 'x', bucket: 'b' }).some((e) => e.includes('additionalProperties') && e.includes('bucket')));
      assert.ok(errorsOf(validate, { type: 's3', root: 'x', bucket: 'bbb' }).some((e) => e.includes('additionalProperties') && e.includes('root')));
      assert.ok(errorsOf(validate, { type: 'fs' }).some((e) => e.includes('required') && e.includes('root')));
      assert.ok(errorsOf(validate, { type: 's3' }).some((e) => e.includes('required') && e.includes('bucket')));
      assert.ok(errorsOf(validate, { root: 'x' }).some((e) => e.includes('required') && e.includes('type')));
      assert.ok(errorsOf(validate, { type: 'gcs', root: 'x' }).some((e) => e.includes('enum')));
      assert.ok(errorsOf(validate, { type: 's3', bucket: 'bbb', partSize: 1024 }).some((e) => e.includes('minimum')));
      assert.ok(errorsOf(validate, { type: 's3', bucket: 'bbb', credentials: { accessKeyId: 'x' } }).some((e) => e.includes('secretAccessKey')));
    });

    it('describes every key', () => {
      assert.deepEqual(undescribed(blobsConfigSchema), []);
    });
  });

  describe('database', () => {
    const validate = compile(databaseConfigSchema);

    it('accepts sqlite and postgres configurations', () => {
      assert.deepEqual(errorsOf(validate, { client: 'sqlite', filename: './data/meridian.db' }), []);
      assert.deepEqual(errorsOf(validate, { client: 'postgres', url: 'postgres://u:p@db:5432/meridian', schema: 'meridian', pool: { min: 0, max: 20 } }), []);
    });

    it('refuses unknown keys, keys of the other client and missing required keys', () => {
      assert.ok(errorsOf(validate, { client: 'sqlite', filename: 'x', url: 'postgres://h/d' }).some((e) => e.includes('url')));
      assert.ok(errorsOf(validate, { client: 'postgres' }).some((e) => e.includes('required') && e.includes('url')));
      assert.ok(errorsOf(validate, { client: 'postgres', url: 'mysql://h/d' }).some((e) => e.includes('pattern')));
      assert.ok(errorsOf(validate, { client: 'postgres', url: 'postgres://h/d', pool: { size: 3 } }).some((e) => e.includes('size')));
      assert.ok(errorsOf(validate, { client: 'mysql' }).some((e) => e.includes('enum')));
    });

    it('describes every key', () => {
      assert.deepEqual(undescribed(databaseConfigSchema), []);
    });
  });
});
