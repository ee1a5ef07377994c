import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAccessLogger, type AccessLogStream } from '../../../core/access-logger.js';
import { loadConfig } from '../../../core/config/load.js';
import { createLogger } from '../../../core/logger.js';
import { assemble, type Meridian } from '../../../core/server/assemble.js';
import { fixturePluginsDir } from '../../helpers/fixtures.js';

/** An access-log destination that keeps every chunk it is handed. */
class Collector implements AccessLogStream {
  readonly chunks: Buffer[] = [];
  write(chunk: Buffer): void {
    this.chunks.push(Buffer.from(chunk));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
  lines(): Array<Record<string, unknown>> {
    return this.text()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  async until(count: number): Promise<Array<Record<string, unknown>>> {
    while (this.lines().length < count) await new Promise((r) => setTimeout(r, 5));
    return this.lines();
  }
}

const fields = (extra: string) => `,"reqId":"r"${extra}`;

describe('core/server access log', () => {
  describe('lines of a running server', () => {
    let meridian: Meridian;
    let url: string;
    let dataDir: string;
    const log = new Collector();
    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'meridian-access-'));
      const loaded = await loadConfig({
        inline: {
          builtinPlugins: false,
          plugins: { echo: {} },
          database: { client: 'sqlite', filename: ':memory:' },
          dataDir,
          server: { port: 0, host: '127.0.0.1' },
          log: { level: 'info', access: true },
        },
        builtinDir: fixturePluginsDir,
      });
      // The server log stays quiet; only the access log is kept.
      meridian = await assemble(loaded, createLogger({ level: 'silent' }), 'serve', { accessLogDestination: log });
      url = `http://127.0.0.1:${(await meridian.listen()).main}`;
    });
    after(async () => {
      await meridian.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    beforeEach(() => {
      log.chunks.length = 0;
    });

    it('writes one JSON line per request: pino’s envelope, then the request’s fields in a fixed order', async () => {
      const res = await fetch(`${url}/echo/`, { headers: { 'User-Agent': 'test-agent/1.0', 'X-Request-Id': 'req-1' } });
      const body = await res.text();
      const [line] = await log.until(1);
      assert.deepEqual(Object.keys(line!), ['level', 'time', 'service', 'log', 'reqId', 'method', 'path', 'status', 'bytes', 'ms', 'plugin', 'operation', 'subject', 'ip', 'ua']);
      assert.equal(line!.level, 30);
      assert.equal(new Date(line!.time as string).toISOString(), line!.time);
      assert.deepEqual(
        { service: line!.service, log: line!.log, reqId: line!.reqId, method: line!.method, path: line!.path, status: line!.status, bytes: line!.bytes },
        { service: 'meridian', log: 'access', reqId: res.headers.get('x-request-id'), method: 'GET', path: '/echo/', status: 200, bytes: Buffer.byteLength(body) },
      );
      assert.deepEqual({ plugin: line!.plugin, operation: line!.operation, subject: line!.subject, ip: line!.ip, ua: line!.ua }, { plugin: 'echo', operation: 'Hello', subject: 'anonymous', ip: '127.0.0.1', ua: 'test-agent/1.0' });
      assert.ok(typeof line!.ms === 'number' && line!.ms >= 0);
      assert.ok(log.text().endsWith('\n'));
    });

    it('keeps what the client sent exact and the line valid JSON: quotes, backslashes, tabs, Latin-1', async () => {
      const agent = 'agent "quoted" \\ back\tslash caf\u00e9';
      const status = await new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(url);
        request({ hostname, port, path: '/echo/x"y\\z', headers: { 'User-Agent': agent } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
          .on('error', reject)
          .end();
      });
      assert.equal(status, 404);
      const [line] = await log.until(1);
      assert.equal(line!.ua, agent);
      assert.equal(line!.path, '/echo/x"y\\z');
      assert.equal(line!.plugin, 'echo');
      assert.equal(line!.status, 404);
    });

    it('names the core for a request no plugin serves, and leaves absent fields out', async () => {
      await (await fetch(`${url}/nowhere`)).arrayBuffer();
      const [line] = await log.until(1);
      assert.equal(line!.plugin, 'core');
      assert.equal(line!.status, 404);
      assert.ok(!('operation' in line!));
      assert.ok(!('aborted' in line!));
    });

    it('marks a request whose client went away before the response ended as aborted', async () => {
      const controller = new AbortController();
      const pending = fetch(`${url}/echo/slow?ms=300`, { signal: controller.signal }).catch(() => undefined);
      setTimeout(() => controller.abort(), 50);
      await pending;
      const [line] = await log.until(1);
      assert.equal(line!.path, '/echo/slow');
      assert.equal(line!.aborted, true);
    });
  });

  describe('writer', () => {
    it('hands lines over in batches of whole lines, as soon as 16 KiB are queued, the rest on flush', () => {
      const log = new Collector();
      const logger = createAccessLogger({ level: 'info' }, log);
      const padding = 'x'.repeat(100);
      for (let i = 0; i < 500; i++) logger.write(fields(`,"i":${i},"pad":"${padding}"`));
      const handedOver = log.chunks.length;
      const written = Buffer.byteLength(log.text());
      const queued = 500 * Buffer.byteLength(`{"level":30,"time":"2026-01-01T00:00:00.000Z","service":"meridian","log":"access"${fields(`,"i":0,"pad":"${padding}"`)}}\n`);
      assert.ok(queued - written < 16 * 1024 + 1000, `${queued - written} bytes still queued`);
      assert.ok(handedOver >= 3 && handedOver <= 10, `${handedOver} chunks for 500 lines`);
      for (const chunk of log.chunks) assert.equal(chunk.at(-1), 0x0a, 'a chunk ends with a whole line');
      logger.flush();
      assert.equal(log.chunks.length, handedOver + 1);
      assert.deepEqual(
        log.lines().map((l) => l.i),
        Array.from({ length: 500 }, (_, i) => i),
      );
    });

    it('hands a lone line over later, not while the request that wrote it is still running', async () => {
      const log = new Collector();
      const logger = createAccessLogger({ level: 'info' }, log);
      logger.write(fields(''));
      assert.equal(log.chunks.length, 0);
      const [line] = await log.until(1);
      assert.equal(line!.reqId, 'r');
      assert.equal(log.chunks.length, 1);
    });

    it('writes a line larger than its buffer whole, after the lines queued before it', () => {
      const log = new Collector();
      const logger = createAccessLogger({ level: 'info' }, log);
      logger.write(fields(',"n":1'));
      logger.write(fields(`,"n":2,"ua":${JSON.stringify('\u00e9'.repeat(40_000))}`));
      logger.flush();
      assert.deepEqual(
        log.lines().map((l) => l.n),
        [1, 2],
      );
      assert.equal((log.lines()[1]!.ua as string).length, 40_000);
    });

    it('keeps nothing and opens nothing at a level above info, and drops lines after close', () => {
      const quiet = new Collector();
      const logger = createAccessLogger({ level: 'warn' }, quiet);
      assert.equal(logger.enabled, false);
      logger.write(fields(''));
      logger.flush();
      assert.equal(quiet.chunks.length, 0);
      const log = new Collector();
      const open = createAccessLogger({ level: 'debug' }, log);
      open.write(fields(',"n":1'));
      open.close();
      open.write(fields(',"n":2'));
      open.flush();
      assert.deepEqual(
        log.lines().map((l) => l.n),
        [1],
      );
    });

    it('writes batches to a file given by path as whole lines in order, the rest at close; /dev/null too', () => {
      const dir = mkdtempSync(join(tmpdir(), 'meridian-access-file-'));
      try {
        const file = join(dir, 'access.log');
        const logger = createAccessLogger({ level: 'info' }, file);
        const padding = 'x'.repeat(100);
        // 200 lines of ~200 bytes: more than one 16 KiB batch, so at least one is handed over.
        for (let i = 0; i < 200; i++) logger.write(fields(`,"i":${i},"pad":"${padding}"`));
        const onDisk = readFileSync(file, 'utf8');
        assert.ok(onDisk.length >= 16 * 1024, `${onDisk.length} bytes in the file before the close`);
        assert.ok(onDisk.endsWith('\n'));
        logger.close();
        assert.deepEqual(
          readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i),
          Array.from({ length: 200 }, (_, i) => i),
        );
        // A logger given /dev/null writes there without complaint and leaves stdout open.
        const toNull = createAccessLogger({ level: 'info' }, '/dev/null');
        toNull.write(fields(''));
        toNull.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('appends to a file given by path, and writes what is still queued when the process exits without a flush', () => {
      const dir = mkdtempSync(join(tmpdir(), 'meridian-access-exit-'));
      try {
        const file = join(dir, 'access.log');
        const script = [
          `import { createAccessLogger } from ${JSON.stringify(fileURLToPath(new URL('../../../core/access-logger.ts', import.meta.url)))};`,
          `const toFile = createAccessLogger({ level: 'info' }, ${JSON.stringify(file)});`,
          `const toStdout = createAccessLogger({ level: 'info' });`,
          `for (let i = 0; i < 3; i++) { toFile.write(',"i":' + i); toStdout.write(',"i":' + i); }`,
          'process.exit(0);',
        ].join('\n');
        const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
        assert.equal(child.status, 0, child.stderr);
        const read = (text: string) => text.trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i);
        assert.deepEqual(read(child.stdout), [0, 1, 2]);
        assert.deepEqual(read(readFileSync(file, 'utf8')), [0, 1, 2]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
