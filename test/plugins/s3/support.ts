/** Starts the real server with the s3 plugin on its own listener, and makes users and keys for tests. */
import { createHash, createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { createUser } from '../../../core/auth/users.js';
import type { AccessKeys, CreatedAccessKey } from '../../../plugins/s3/access-keys.js';
import type { S3Env } from '../../../plugins/s3/env.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));

export interface S3Harness {
  server: TestServer;
  /** http://127.0.0.1:PORT of the S3 listener */
  endpoint: string;
  port: number;
  env: S3Env;
  keys: AccessKeys;
  sweep(now?: number): Promise<number>;
  /** A user (in the users table, with groups) and an access key of theirs. */
  user(name: string, groups?: string[]): Promise<CreatedAccessKey>;
  client(key: CreatedAccessKey, options?: Record<string, unknown>): S3Client;
  close(): Promise<void>;
}

export async function startS3(kind: TestDatabaseKind, s3Config: Record<string, unknown> = {}, inline: Record<string, unknown> = {}): Promise<S3Harness> {
  const test = await kind.open();
  await test.db.close();
  let server: TestServer;
  try {
    server = await startTestServer({ ...inline, database: test.config, plugins: { s3: { listen: 0, sweepIntervalSeconds: 0, keyCacheSeconds: 0, ...s3Config } } }, { builtinDir });
  } catch (err) {
    await test.dispose();
    throw err;
  }
  const running = server.meridian.plugins.find((p) => p.name === 's3');
  const provided = running!.instance.provide!.s3 as { env: S3Env; keys: AccessKeys; sweepAbandonedUploads(now?: number): Promise<number> };
  const port = server.ports.s3!;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  return {
    server,
    endpoint,
    port,
    env: provided.env,
    keys: provided.keys,
    sweep: (now) => provided.sweepAbandonedUploads(now),
    async user(name, groups = []) {
      await createUser(server.meridian.stores.db, { name, password: `pw-${name}-secret`, groups }).catch(() => undefined);
      return provided.keys.create({ user: name });
    },
    client(key, options = {}) {
      const c = new S3Client({
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
        ...options,
      });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
      await test.dispose();
    },
  };
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface SignInput {
  method: string;
  /** Path as sent, already URI-encoded ('/bucket/a%20b'). */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  payloadHash?: string;
  key: { accessKeyId: string; secretAccessKey: string };
  date?: Date;
  region?: string;
  host: string;
}

/**
 * A test-side SigV4 signer written from the AWS documentation (independent of the plugin's code),
 * for what the installed clients do not send: presigned URLs (no @aws-sdk/s3-request-presigner here),
 * signed streaming uploads, tampering.
 */
export function signRequest(input: SignInput, presignExpires?: number): { url: string; headers: Record<string, string>; signature: string; signingKey: Buffer; amzDate: string; scope: string } {
  const date = input.date ?? new Date();
  const amzDate = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const region = input.region ?? 'us-east-1';
  const scope = `${day}/${region}/s3/aws4_request`;
  const headers: Record<string, string> = { host: input.host, ...Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) };
  const query: Record<string, string> = { ...(input.query ?? {}) };
  const payloadHash = input.payloadHash ?? 'UNSIGNED-PAYLOAD';
  if (presignExpires !== undefined) {
    Object.assign(query, {
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `${input.key.accessKeyId}/${scope}`,
      'X-Amz-Date': amzDate,
      'X-Amz-Expires': String(presignExpires),
      'X-Amz-SignedHeaders': Object.keys(headers).sort().join(';'),
    });
  } else {
    headers['x-amz-date'] = amzDate;
    headers['x-amz-content-sha256'] = payloadHash;
  }
  const signed = Object.keys(headers).sort();
  const canonicalQuery = Object.entries(query)
    .map(([k, v]) => [enc(k), enc(v)])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [input.method, input.path, canonicalQuery, signed.map((h) => `${h}:${headers[h]!.trim()}\n`).join(''), signed.join(';'), presignExpires !== undefined ? 'UNSIGNED-PAYLOAD' : payloadHash].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${input.key.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  let qs = canonicalQuery;
  if (presignExpires !== undefined) qs += `${qs ? '&' : ''}X-Amz-Signature=${signature}`;
  else headers.authorization = `AWS4-HMAC-SHA256 Credential=${input.key.accessKeyId}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  return { url: `http://${input.host}${input.path}${qs ? `?${qs}` : ''}`, headers, signature, signingKey, amzDate, scope };
}

/** The aws-chunked body of a signed streaming upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]). */
export function signedChunkedBody(data: Buffer, chunkSize: number, s: { signingKey: Buffer; amzDate: string; scope: string; signature: string }, trailer?: { name: string; value: string }): Buffer {
  const parts: Buffer[] = [];
  let previous = s.signature;
  const EMPTY = sha256Hex('');
  const sign = (chunk: Buffer) => {
    const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', s.amzDate, s.scope, previous, EMPTY, sha256Hex(chunk)].join('\n');
    previous = createHmac('sha256', s.signingKey).update(toSign).digest('hex');
    return previous;
  };
  for (let at = 0; at < data.length; at += chunkSize) {
    const chunk = data.subarray(at, at + chunkSize);
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sign(chunk)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`0;chunk-signature=${sign(Buffer.alloc(0))}\r\n`));
  if (trailer) {
    const canonical = `${trailer.name}:${trailer.value}\n`;
    const toSign = ['AWS4-HMAC-SHA256-TRAILER', s.amzDate, s.scope, previous, sha256Hex(canonical)].join('\n');
    const trailerSig = createHmac('sha256', s.signingKey).update(toSign).digest('hex');
    parts.push(Buffer.from(`${trailer.name}:${trailer.value}\r\nx-amz-trailer-signature:${trailerSig}\r\n\r\n`));
  } else {
    parts.push(Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
