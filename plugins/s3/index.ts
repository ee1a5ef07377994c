/**
 * The s3 plugin: an S3-compatible object service over the core blob store, at the root of a
 * listener of its own (`listen: 9000`), for the AWS CLI, SDKs, s3cmd, boto3, GDAL's /vsis3/
 * (see README.md). Requests are authenticated by the SigV4 authenticator this plugin adds to the
 * core chain, and every operation is decided by the platform's policy through `ctx.auth.enforce`.
 */
import Router from '@koa/router';
import type { Plugin } from '../../core/plugin.js';
import { AccessKeys } from './access-keys.js';
import { adminApi } from './admin-api.js';
import { s3Commands } from './commands.js';
import { s3ConfigSchema, type S3Config } from './config.js';
import { dispatch } from './dispatch.js';
import { S3Env } from './env.js';
import { s3ErrorEncoder } from './errors.js';
import { s3Migrations } from './migrations.js';
import { sweepAbandonedUploads } from './multipart.js';
import { createS3ObjectsService } from './objects-service.js';
import { ADMIN_PATH } from './paths.js';
import { SigV4Authenticator } from './sigv4/authenticator.js';
import { S3_OBJECTS_SERVICE } from './types.js';

const plugin: Plugin<S3Config> = {
  name: 's3',
  version: '0.1.0',
  description: 'S3-compatible object service over the blob store (SigV4, multipart, presigned URLs)',
  provides: ['s3', S3_OBJECTS_SERVICE],
  configSchema: s3ConfigSchema,
  migrations: s3Migrations,
  commands: s3Commands,
  async setup(ctx) {
    const config = ctx.config;
    const keys = new AccessKeys(ctx.db, ctx.secrets);
    const authenticator = new SigV4Authenticator(keys, ctx.db, { maxClockSkewMs: config.maxClockSkewSeconds * 1000, keyCacheMs: config.keyCacheSeconds * 1000 });
    ctx.auth.addAuthenticator(authenticator);
    const env = new S3Env(config, ctx.blobs, ctx.db, ctx.auth, ctx.logger);

    const router = new Router();
    router.all(/.*/, async (k) => {
      if (k.path === ADMIN_PATH || k.path.startsWith(`${ADMIN_PATH}/`)) return adminApi(k, { keys, auth: ctx.auth, authenticator });
      return dispatch(env, k);
    });

    let sweeping: Promise<unknown> = Promise.resolve();
    const timer =
      config.sweepIntervalSeconds > 0
        ? setInterval(() => {
            sweeping = sweepAbandonedUploads(env).catch((err: unknown) => ctx.logger.error({ err }, 'sweep of abandoned uploads failed'));
          }, config.sweepIntervalSeconds * 1000)
        : undefined;
    timer?.unref();

    return {
      routes: router,
      errorEncoder: s3ErrorEncoder,
      provide: {
        s3: { env, keys, sweepAbandonedUploads: (now?: number) => sweepAbandonedUploads(env, now) },
        [S3_OBJECTS_SERVICE]: createS3ObjectsService(env, ctx.mountPath),
      },
      services: [{ type: 'S3', versions: ['2006-03-01'], title: 'S3-compatible object storage', url: ctx.mountPath || '/', description: 'Buckets and objects over the platform blob store (AWS Signature V4)' }],
      async close() {
        if (timer) clearInterval(timer);
        await sweeping;
      },
    };
  },
};
export default plugin;
