/** Independent clients against the S3 listener: the AWS CLI, s3cmd, boto3 and GDAL's /vsis3/. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CreatedAccessKey } from '../../../plugins/s3/access-keys.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startS3, type S3Harness } from './support.js';

const run = promisify(execFile);

for (const kind of testDatabaseKinds()) {
  describe(`s3 with the AWS CLI, s3cmd, boto3 and GDAL (${kind.name})`, function () {
    this.timeout(120_000);
    let h: S3Harness;
    let key: CreatedAccessKey;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    const aws = (...args: string[]) => run('/usr/bin/aws', ['--endpoint-url', h.endpoint, ...args], { env, maxBuffer: 64 * 1024 * 1024 });

    before(async () => {
      h = await startS3(kind, { minPartSize: 5 * 1024 * 1024 });
      key = await h.user('eve');
      dir = mkdtempSync(join(tmpdir(), 's3-clients-'));
      env = {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_ACCESS_KEY_ID: key.accessKeyId,
        AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(dir, 'aws-config'),
      };
      // Path-style, and multipart above 8 MiB with 5 MiB parts, so `s3 cp` of a 12 MiB file uses it.
      writeFileSync(join(dir, 'aws-config'), '[default]\ns3 =\n  addressing_style = path\n  multipart_threshold = 8MB\n  multipart_chunksize = 5MB\n');
    });
    after(async () => {
      await h?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('aws s3: mb, cp (multipart), ls, sync, rm, rb', async () => {
      await aws('s3', 'mb', 's3://cli-bucket');
      const big = Buffer.alloc(12 * 1024 * 1024 + 5);
      for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
      writeFileSync(join(dir, 'big.bin'), big);
      await aws('s3', 'cp', join(dir, 'big.bin'), 's3://cli-bucket/big.bin');
      const head = JSON.parse((await aws('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'big.bin')).stdout) as { ContentLength: number; ETag: string };
      assert.equal(head.ContentLength, big.length);
      assert.match(head.ETag, /-3"$/);
      await aws('s3', 'cp', 's3://cli-bucket/big.bin', join(dir, 'back.bin'));
      assert.ok(readFileSync(join(dir, 'back.bin')).equals(big));
      const tree = join(dir, 'tree');
      mkdirSync(join(tree, 'sub'), { recursive: true });
      writeFileSync(join(tree, 'a.txt'), 'A');
      writeFileSync(join(tree, 'sub', 'b.txt'), 'B');
      await aws('s3', 'sync', tree, 's3://cli-bucket/tree');
      const ls = (await aws('s3', 'ls', 's3://cli-bucket/tree/', '--recursive')).stdout;
      assert.match(ls, /tree\/a\.txt/);
      assert.match(ls, /tree\/sub\/b\.txt/);
      const top = (await aws('s3', 'ls', 's3://cli-bucket/')).stdout;
      assert.match(top, /PRE tree\//);
      // A second sync has nothing to do.
      assert.equal((await aws('s3', 'sync', tree, 's3://cli-bucket/tree')).stdout.trim(), '');
      await aws('s3', 'rm', 's3://cli-bucket/tree', '--recursive');
      await aws('s3', 'rm', 's3://cli-bucket/big.bin');
      await aws('s3', 'rb', 's3://cli-bucket');
      assert.doesNotMatch((await aws('s3', 'ls')).stdout, /cli-bucket/);
    });

    it('aws s3api: multipart by hand, copy-object, get-object --range, presign fetched with plain HTTP', async () => {
      await aws('s3api', 'create-bucket', '--bucket', 'api-bucket');
      writeFileSync(join(dir, 'part1'), Buffer.alloc(5 * 1024 * 1024, 'a'));
      writeFileSync(join(dir, 'part2'), 'tail');
      const { UploadId } = JSON.parse((await aws('s3api', 'create-multipart-upload', '--bucket', 'api-bucket', '--key', 'mp')).stdout) as { UploadId: string };
      const e1 = (JSON.parse((await aws('s3api', 'upload-part', '--bucket', 'api-bucket', '--key', 'mp', '--part-number', '1', '--upload-id', UploadId, '--body', join(dir, 'part1'))).stdout) as { ETag: string }).ETag;
      const e2 = (JSON.parse((await aws('s3api', 'upload-part', '--bucket', 'api-bucket', '--key', 'mp', '--part-number', '2', '--upload-id', UploadId, '--body', join(dir, 'part2'))).stdout) as { ETag: string }).ETag;
      const parts = JSON.parse((await aws('s3api', 'list-parts', '--bucket', 'api-bucket', '--key', 'mp', '--upload-id', UploadId)).stdout) as { Parts: Array<{ PartNumber: number }> };
      assert.deepEqual(parts.Parts.map((p) => p.PartNumber), [1, 2]);
      await aws('s3api', 'complete-multipart-upload', '--bucket', 'api-bucket', '--key', 'mp', '--upload-id', UploadId, '--multipart-upload', JSON.stringify({ Parts: [{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e2 }] }));
      await aws('s3api', 'copy-object', '--bucket', 'api-bucket', '--key', 'mp-copy', '--copy-source', 'api-bucket/mp');
      const out = join(dir, 'range.out');
      const ranged = JSON.parse((await aws('s3api', 'get-object', '--bucket', 'api-bucket', '--key', 'mp-copy', '--range', `bytes=${5 * 1024 * 1024 - 2}-`, out)).stdout) as { ContentRange: string };
      assert.equal(ranged.ContentRange, `bytes ${5 * 1024 * 1024 - 2}-${5 * 1024 * 1024 + 3}/${5 * 1024 * 1024 + 4}`);
      assert.equal(readFileSync(out, 'utf8'), 'aatail');
      const url = (await aws('s3', 'presign', 's3://api-bucket/mp-copy', '--expires-in', '60')).stdout.trim();
      const res = await fetch(url, { headers: { range: 'bytes=-4' } });
      assert.equal(res.status, 206);
      assert.equal(await res.text(), 'tail');
      const bad = await aws('s3api', 'head-object', '--bucket', 'api-bucket', '--key', 'missing').then(
        () => '',
        (err: { stderr: string }) => err.stderr,
      );
      assert.match(bad, /404/);
    });

    it('s3cmd: mb, put, ls, get, del with a generated config (path style, no https)', async () => {
      const cfg = join(dir, 's3cfg');
      const hostPort = `127.0.0.1:${h.port}`;
      writeFileSync(cfg, `[default]\naccess_key = ${key.accessKeyId}\nsecret_key = ${key.secretAccessKey}\nhost_base = ${hostPort}\nhost_bucket = ${hostPort}\nuse_https = False\nsignature_v2 = False\nbucket_location = us-east-1\n`);
      const s3cmd = (...args: string[]) => run('/usr/bin/s3cmd', ['-c', cfg, ...args], { env });
      await s3cmd('mb', 's3://cmd-bucket');
      writeFileSync(join(dir, 'cmd.txt'), 'from s3cmd');
      await s3cmd('put', join(dir, 'cmd.txt'), 's3://cmd-bucket/folder/cmd.txt');
      assert.match((await s3cmd('ls', 's3://cmd-bucket/folder/')).stdout, /s3:\/\/cmd-bucket\/folder\/cmd\.txt/);
      await s3cmd('get', '--force', 's3://cmd-bucket/folder/cmd.txt', join(dir, 'cmd.back'));
      assert.equal(readFileSync(join(dir, 'cmd.back'), 'utf8'), 'from s3cmd');
      await s3cmd('del', 's3://cmd-bucket/folder/cmd.txt');
      await s3cmd('rb', 's3://cmd-bucket');
    });

    it('boto3: put, list, get with range, multipart upload_file, delete', async () => {
      const script = `
import boto3, json, os, sys
from boto3.s3.transfer import TransferConfig
s3 = boto3.client('s3', endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], region_name='us-east-1')
s3.create_bucket(Bucket='boto-bucket')
s3.put_object(Bucket='boto-bucket', Key='dir/hello.txt', Body=b'hello boto', Metadata={'k': 'v'})
listed = s3.list_objects_v2(Bucket='boto-bucket', Prefix='dir/', Delimiter='/')
got = s3.get_object(Bucket='boto-bucket', Key='dir/hello.txt', Range='bytes=6-')
path = os.path.join(sys.argv[4], 'boto.bin')
with open(path, 'wb') as f: f.write(os.urandom(11 * 1024 * 1024))
s3.upload_file(path, 'boto-bucket', 'big.bin', Config=TransferConfig(multipart_threshold=6*1024*1024, multipart_chunksize=5*1024*1024))
head = s3.head_object(Bucket='boto-bucket', Key='big.bin')
s3.download_file('boto-bucket', 'big.bin', path + '.back')
same = open(path, 'rb').read() == open(path + '.back', 'rb').read()
try:
    s3.get_object(Bucket='boto-bucket', Key='nope')
    missing = None
except s3.exceptions.NoSuchKey as e:
    missing = e.response['Error']['Code']
s3.delete_objects(Bucket='boto-bucket', Delete={'Objects': [{'Key': 'dir/hello.txt'}, {'Key': 'big.bin'}]})
print(json.dumps({'keys': [o['Key'] for o in listed.get('Contents', [])], 'range': got['Body'].read().decode(), 'meta': got['Metadata'],
  'etag': head['ETag'], 'same': same, 'missing': missing, 'left': s3.list_objects_v2(Bucket='boto-bucket')['KeyCount']}))
`;
      const { stdout } = await run('/usr/bin/python3', ['-c', script, h.endpoint, key.accessKeyId, key.secretAccessKey, dir], { env });
      const out = JSON.parse(stdout) as Record<string, unknown>;
      assert.deepEqual(out.keys, ['dir/hello.txt']);
      assert.equal(out.range, 'boto');
      assert.deepEqual(out.meta, { k: 'v' });
      assert.match(out.etag as string, /-3"$/);
      assert.equal(out.same, true);
      assert.equal(out.missing, 'NoSuchKey');
      assert.equal(out.left, 0);
    });

    it('GDAL reads a COG through /vsis3/ with the endpoint set to ours', async () => {
      const tif = join(dir, 'src.tif');
      const cog = join(dir, 'sample.tif');
      // A small synthetic raster (an ASCII grid), written out as a COG by GDAL itself.
      writeFileSync(join(dir, 'src.asc'), `ncols 256\nnrows 256\nxllcorner 5\nyllcorner 45\ncellsize 0.01\n${Array.from({ length: 256 }, (_, r) => Array.from({ length: 256 }, (_, c) => (r * c) % 255).join(' ')).join('\n')}\n`);
      await run('gdal_translate', ['-q', '-a_srs', 'EPSG:4326', join(dir, 'src.asc'), tif], { env });
      await run('gdal_translate', ['-q', '-of', 'COG', tif, cog], { env });
      await aws('s3', 'mb', 's3://rasters');
      await aws('s3', 'cp', cog, 's3://rasters/sample.tif');
      const gdalEnv = { ...env, AWS_S3_ENDPOINT: `127.0.0.1:${h.port}`, AWS_HTTPS: 'NO', AWS_VIRTUAL_HOSTING: 'FALSE', AWS_REGION: 'us-east-1', CPL_VSIL_CURL_ALLOWED_EXTENSIONS: '.tif' };
      const { stdout } = await run('gdalinfo', ['-json', '/vsis3/rasters/sample.tif'], { env: gdalEnv });
      const info = JSON.parse(stdout) as { size: number[]; metadata?: Record<string, Record<string, string>> };
      assert.deepEqual(info.size, [256, 256]);
      assert.equal(info.metadata?.IMAGE_STRUCTURE?.LAYOUT, 'COG');
      const stats = await run('gdalinfo', ['-stats', '/vsis3/rasters/sample.tif'], { env: gdalEnv });
      assert.match(stats.stdout, /STATISTICS_MAXIMUM=254/);
    });
  });
}
