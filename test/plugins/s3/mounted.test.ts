/** The s3 plugin mounted under a path of the main listener (the embedded default, /s3) rather than on a listener of its own. */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createUser } from '../../../core/auth/users.js';
import type { AccessKeys } from '../../../plugins/s3/access-keys.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { builtinDir } from './support.js';

const run = promisify(execFile);

describe('s3 mounted at /s3 on the main listener', function () {
  this.timeout(60_000);
  let server: TestServer;
  let client: S3Client;
  let key: { accessKeyId: string; secretAccessKey: string };
  before(async () => {
    server = await startTestServer({ plugins: { s3: { sweepIntervalSeconds: 0, keyCacheSeconds: 0 } } }, { builtinDir });
    const keys = (server.meridian.plugins.find((p) => p.name === 's3')!.instance.provide!.s3 as { keys: AccessKeys }).keys;
    await createUser(server.meridian.stores.db, { name: 'ann', password: 'ann-password-1' });
    key = await keys.create({ user: 'ann' });
    client = new S3Client({ endpoint: `${server.url}/s3`, region: 'us-east-1', forcePathStyle: true, credentials: key });
  });
  after(async () => {
    client?.destroy();
    await server?.close();
  });

  it('takes the bucket and key below the mount path, with signatures over the whole path (JS SDK)', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'ann-data' }));
    await client.send(new PutObjectCommand({ Bucket: 'ann-data', Key: 'a/b.txt', Body: 'mounted' }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'ann-data', Key: 'a/b.txt' }));
    assert.equal(await got.Body!.transformToString(), 'mounted');
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'ann-data' }));
    assert.deepEqual((listed.Contents ?? []).map((o) => o.Key), ['a/b.txt']);
  });

  it('works for the AWS CLI with an endpoint URL that has the path', async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
    const { stdout } = await run('/usr/bin/aws', ['--endpoint-url', `${server.url}/s3`, 's3', 'ls', 's3://ann-data/a/'], { env });
    assert.match(stdout, /b\.txt/);
  });
});
