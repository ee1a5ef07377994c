/**
 * A large export does not hold the server's other requests back: while a GetFeature of 200,000
 * features streams to curl over loopback (where the socket takes every chunk at once, so nothing
 * ever waits on backpressure), `/health`, `/metrics` and a small GetFeature sent to the same
 * process are answered before the export ends. A liveness property: the order is observed by the
 * clients (one shell script, in another process), not by this process, whose event loop is the
 * server's, and no timing threshold is used.
 *
 * Found this way: on a SQLite file the rows come from better-sqlite3's synchronous iterate(), and
 * the chunks go through Readable.from and the socket in promise jobs and ticks only, so nothing
 * returned to the event loop until the export was over.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureInput, FeaturesService } from '../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { admin, builtinDir } from './support.js';

const TOTAL = 200_000;

/**
 * Starts the export, waits (in the shell) until its first bytes arrived, then asks the other
 * requests one after the other; prints each one's status and whether the export was still
 * running when it was answered.
 */
const SCRIPT = `
set -u
curl -sS -o "$DIR/export.out" -w '%{http_code}' "$EXPORT" > "$DIR/export.code" &
pid=$!
while [ ! -s "$DIR/export.out" ] && kill -0 $pid 2>/dev/null; do sleep 0.01; done
for name in health metrics small; do
  eval url=\\$$(echo $name | tr a-z A-Z)
  code=$(curl -sS -o /dev/null -w '%{http_code}' "$url")
  if kill -0 $pid 2>/dev/null; then running=during; else running=after; fi
  echo "$name $code $running"
done
wait $pid
echo "export $(cat "$DIR/export.code")"
`;

function run(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', SCRIPT], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`script exited ${code}: ${err}`))));
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`wfs export fairness (${kind.name})`, function () {
    this.timeout(600_000);
    let server: TestServer;
    let dispose: (() => Promise<void>) | undefined;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-wfs-fair-'));
      let database: Record<string, unknown>;
      if (kind.name === 'sqlite') {
        // A file, so the export streams on a read connection of its own (as a server runs).
        database = { client: 'sqlite', filename: join(dir, 'features.db') };
      } else {
        const test = await kind.open();
        await test.db.close();
        dispose = test.dispose;
        database = test.config as unknown as Record<string, unknown>;
      }
      server = await startTestServer({ database, plugins: { features: { maxLimit: TOTAL + 1 }, wfs: { maxCount: TOTAL + 1 }, 'ogcapi-features': {} } }, { builtinDir });
      const features = server.meridian.service<FeaturesService>('features');
      await features.createCollection(
        {
          id: 'big',
          geometryType: 'Point',
          properties: [
            { name: 'code', type: 'integer' },
            { name: 'name', type: 'string' },
          ],
        },
        admin,
      );
      for (let start = 0; start < TOTAL; start += 20_000) {
        const batch: FeatureInput[] = [];
        for (let i = start; i < start + 20_000; i++) batch.push({ geometry: { type: 'Point', coordinates: [5 + (i % 1000) / 100, 45 + Math.floor(i / 1000) / 1000] }, properties: { code: i, name: `feature ${i}` } });
        await features.transaction([{ op: 'insert', collection: 'big', features: batch }], admin);
      }
    });
    after(async () => {
      await server?.close();
      await dispose?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const wfs = (params: Record<string, string>) => `${server.url}/wfs?${new URLSearchParams({ SERVICE: 'WFS', VERSION: '2.0.0', REQUEST: 'GetFeature', TYPENAMES: 'big', ...params })}`;
    const exports = {
      'WFS GeoJSON': () => wfs({ COUNT: String(TOTAL), OUTPUTFORMAT: 'application/json' }),
      'WFS GML 3.2': () => wfs({ COUNT: String(TOTAL) }),
      'OGC API - Features items': () => `${server.url}/ogcapi/collections/big/items?limit=${TOTAL}&f=json`,
    };

    for (const [name, url] of Object.entries(exports)) {
      it(`answers /health, /metrics and a small GetFeature while a ${TOTAL}-feature export (${name}) streams`, async () => {
        const out = await run({ DIR: dir, EXPORT: url(), HEALTH: `${server.url}/health`, METRICS: `${server.url}/metrics`, SMALL: wfs({ COUNT: '1', OUTPUTFORMAT: 'application/json' }) });
        const lines = out.trim().split('\n');
        assert.equal(lines.at(-1), 'export 200', out);
        assert.ok(readFileSync(join(dir, 'export.out')).length > TOTAL * 50, 'the export is whole');
        assert.deepEqual(lines.slice(0, -1), ['health 200 during', 'metrics 200 during', 'small 200 during'], out);
      });
    }
  });
}
