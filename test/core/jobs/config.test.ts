import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import {
  createJobQueue,
  JOBS_MIGRATION_OWNER,
  jobsConfigDefault,
  jobsConfigSchema,
  jobMigrations,
  resolveJobsConfig,
} from '../../../core/jobs/index.js';
import { openDatabase } from '../../../core/storage/db/connect.js';
import { silentLogger } from './support.js';

describe('jobs config section', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: false });
  const validate = ajv.compile(jobsConfigSchema);

  it('accepts the embedded default and a full bullmq section', () => {
    assert.deepEqual(jobsConfigDefault, { backend: 'inprocess', concurrency: 2 });
    assert.equal(validate(jobsConfigDefault), true, ajv.errorsText(validate.errors));
    const full = {
      backend: 'bullmq',
      redis: 'redis://redis:6379/0',
      prefix: 'platform-a',
      concurrency: 4,
      concurrencyByType: { 'processes.execute': 1 },
      pollIntervalMs: 500,
      leaseMs: 20_000,
      shutdownGraceMs: 30_000,
    };
    assert.equal(validate(full), true, ajv.errorsText(validate.errors));
  });

  it('rejects unknown keys, a bullmq backend without redis, and bad values', () => {
    assert.equal(validate({ backend: 'inprocess', concurency: 2 }), false);
    assert.ok(validate.errors?.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'concurency'));
    assert.equal(validate({ backend: 'bullmq' }), false);
    assert.ok(validate.errors?.some((e) => e.keyword === 'required' && e.params.missingProperty === 'redis'));
    assert.equal(validate({ backend: 'kafka' }), false);
    assert.equal(validate({ concurrency: 0 }), false);
    assert.equal(validate({ redis: 'http://not-redis' }), false);
    assert.equal(validate({ concurrencyByType: { a: 'many' } }), false);
  });

  it('describes every key', () => {
    const properties = jobsConfigSchema.properties as Record<string, { description?: string }>;
    assert.ok(typeof jobsConfigSchema.description === 'string');
    for (const [key, schema] of Object.entries(properties)) {
      assert.ok(schema.description && schema.description.length > 10, `jobs.${key} has no description`);
    }
  });

  it('fills defaults and refuses settings no backend could run with', () => {
    const resolved = resolveJobsConfig({});
    assert.equal(resolved.backend, 'inprocess');
    assert.equal(resolved.concurrency, 2);
    assert.equal(resolved.prefix, 'meridian');
    assert.throws(() => resolveJobsConfig({ backend: 'bullmq' }), /jobs\.redis/);
    assert.throws(() => resolveJobsConfig({ concurrency: 1.5 }), /jobs\.concurrency/);
    assert.throws(() => resolveJobsConfig({ shutdownGraceMs: -1 }), /jobs\.shutdownGraceMs/);
  });

  it('creates its tables through migrations owned by core-jobs', async () => {
    const db = await openDatabase({ client: 'sqlite', filename: ':memory:' });
    try {
      const queue = await createJobQueue({}, { db, logger: silentLogger });
      assert.equal(queue.backend, 'inprocess');
      assert.equal(JOBS_MIGRATION_OWNER, 'core-jobs');
      assert.deepEqual(await db.migrate(JOBS_MIGRATION_OWNER, jobMigrations), [], 'already applied by createJobQueue');
      assert.equal(await db.knex.schema.hasTable('meridian_jobs'), true);
      assert.equal(await db.knex.schema.hasTable('meridian_job_logs'), true);
      await queue.close();
    } finally {
      await db.close();
    }
  });
});
