/**
 * A large export keeps memory flat, whatever its size: a GetFeature of every feature, as GeoJSON
 * and as GML 3.2, read by curl (another process) from the real server, 50,000 then 200,000
 * features. Measured in this process while the response streams, without forcing a collection:
 * how much the old generation grows (its increases summed: objects that outlived two scavenges,
 * what the RSS of a long export grows by until V8's next full collection), and after a full
 * collection, how much stays alive. Neither may grow with the size of the export.
 *
 * Found this way: number-to-text with `'' + n` / `String(n)` in the encoders put every value's
 * string in V8's number-string cache, an old-space table, so each was promoted; a 400,000-feature
 * export grew the old generation by ~19 MB (GeoJSON) and ~31 MB (GML), a 1,000,000-feature one
 * the server's RSS by ~50 MB. JSON.stringify writes the same digits without the cache.
 *
 * On PostgreSQL the pg driver's own row objects were promoted as well (a FETCH batch's rows all
 * lived while the batch was encoded, so they outlived two scavenges): the old generation grew by
 * ~13 MB over 50,000 features and ~63 MB over 200,000. The cursor now reads rows as arrays
 * (rowMode 'array') and lets each go once taken: both databases are held to the same limit.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FeatureInput, FeaturesService } from '../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { admin, builtinDir } from './support.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 2 ** 20;
const oldSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;
const alive = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

const TOTAL = 200_000;
const SIZES = [50_000, TOTAL];
const FORMATS = { geojson: { param: 'application/json', marker: '"type":"Feature"' }, gml: { param: 'application/gml+xml; version=3.2', marker: '<wfs:member>' } } as const;
/**
 * Old-generation growth allowed while an export streams. Run alone it is 0.5-3 MB at 200,000
 * features (it was ~9 MB as GeoJSON, ~15 MB as GML before the encoders stopped making cached
 * number strings); inside the whole suite's large heap, scavenges promote more garbage and it
 * reached 8-14 MB, collectable all of it. So this bound only catches gross growth; what must
 * hold everywhere is the check above it: nothing alive after a full collection.
 */
const PROMOTED_LIMIT_MB = 32;

/** Occurrences of `marker` in a file, read in chunks (outside the measured window). */
async function occurrences(path: string, marker: string): Promise<number> {
  const needle = Buffer.from(marker);
  let n = 0;
  let tail: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path)) {
    const text: Buffer = tail.length ? Buffer.concat([tail, chunk as Buffer]) : (chunk as Buffer);
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
    tail = text.subarray(Math.max(0, text.length - needle.length + 1));
  }
  return n;
}

function curl(url: string, out: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '-o', out, '-w', '%{http_code}', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`curl exited ${code}`))));
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`wfs export memory (${kind.name})`, function () {
    this.timeout(600_000);
    let server: TestServer;
    let dispose: (() => Promise<void>) | undefined;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-wfs-export-'));
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
      server = await startTestServer({ database, plugins: { features: { maxLimit: TOTAL + 1 }, wfs: { maxCount: TOTAL + 1 } } }, { builtinDir });
      const features = server.meridian.service<FeaturesService>('features');
      await features.createCollection(
        {
          id: 'big',
          geometryType: 'Point',
          properties: [
            { name: 'code', type: 'integer' },
            { name: 'name', type: 'string' },
            { name: 'value', type: 'number' },
            { name: 'rank', type: 'integer' },
          ],
        },
        admin,
      );
      for (let start = 0; start < TOTAL; start += 20_000) {
        const batch: FeatureInput[] = [];
        for (let i = start; i < start + 20_000; i++) {
          batch.push({ geometry: { type: 'Point', coordinates: [5 + (i % 1000) / 100, 45 + Math.floor(i / 1000) / 1000] }, properties: { code: i, name: `feature ${i}`, value: ((i * 7) % 1000) + 0.5, rank: i % 100 } });
        }
        await features.transaction([{ op: 'insert', collection: 'big', features: batch }], admin);
      }
    });
    after(async () => {
      await server?.close();
      await dispose?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const exportOf = async (format: keyof typeof FORMATS, count: number) => {
      const url = `${server.url}/wfs?${new URLSearchParams({ SERVICE: 'WFS', VERSION: '2.0.0', REQUEST: 'GetFeature', TYPENAMES: 'big', COUNT: String(count), OUTPUTFORMAT: FORMATS[format].param })}`;
      const out = join(dir, `${format}-${count}.out`);
      const aliveBefore = alive();
      // The old generation's increases, summed, sampled between the response's chunks: a full
      // collection during the export (a drop) does not hide what was promoted before or after it.
      let last = oldSpace();
      let grown = 0;
      const sample = () => {
        const now = oldSpace();
        if (now > last) grown += now - last;
        last = now;
      };
      const timer = setInterval(sample, 10);
      let status: string;
      try {
        status = await curl(url, out);
      } finally {
        clearInterval(timer);
      }
      sample();
      const promoted = grown / MB;
      const kept = (alive() - aliveBefore) / MB;
      assert.equal(status, '200');
      assert.equal(await occurrences(out, FORMATS[format].marker), count);
      rmSync(out);
      return { promoted, kept };
    };

    for (const format of Object.keys(FORMATS) as Array<keyof typeof FORMATS>) {
      it(`exports ${SIZES.join(' and ')} features as ${format}: nothing kept alive, and the old generation grows by under ${PROMOTED_LIMIT_MB} MB at either size`, async () => {
        // Warm-up: code compiled, pools and caches filled, before anything is measured.
        await exportOf(format, 5000);
        const runs = [];
        for (const count of SIZES) runs.push({ count, ...(await exportOf(format, count)) });
        const figures = runs.map((r) => `${r.count}: old generation +${r.promoted.toFixed(1)} MB, alive after a full collection ${r.kept >= 0 ? '+' : ''}${r.kept.toFixed(1)} MB`).join('; ');
        console.log(`      ${kind.name} ${format}: ${figures}`);
        for (const r of runs) assert.ok(r.kept < 2, `${r.count} features: ${r.kept.toFixed(1)} MB stayed alive (${figures})`);
        for (const r of runs) assert.ok(r.promoted < PROMOTED_LIMIT_MB, `${r.count} features: the old generation grew by ${r.promoted.toFixed(1)} MB (${figures})`);
      });
    }
  });
}
