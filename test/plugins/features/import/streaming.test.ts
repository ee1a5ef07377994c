import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { openCsv } from '../../../../plugins/features/import/readers/csv.js';
import { openGeoJson } from '../../../../plugins/features/import/readers/geojson.js';
import { openVectorFile } from '../../../../plugins/features/import/readers/index.js';
import type { SourceRow } from '../../../../plugins/features/import/types.js';
import { readAll, SOURCE_FEATURES } from './support.js';

/** The same bytes in pieces of 1 to 7 bytes: every boundary falls somewhere awkward once. */
async function* inPieces(text: string): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0, n = 1; i < bytes.length; i += n, n = (n % 7) + 1) yield bytes.subarray(i, i + n);
}

const strip = (rows: SourceRow[]) => rows.map((r) => ({ row: r.row, id: r.id, geometry: r.geometry, properties: r.properties, error: r.error }));

describe('features import streaming', function () {
  this.timeout(300000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-features-stream-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a 300,000-feature GeoJSON FeatureCollection with memory flat: no more heap than a small part of the file', async () => {
    const path = join(dir, 'big.geojson');
    const out = createWriteStream(path);
    out.write('{"type":"FeatureCollection","name":"big","features":[\n');
    const total = 300000;
    for (let i = 0; i < total; i++) {
      const f = { type: 'Feature', id: i, properties: { name: `feature number ${i} with "quotes", commas and \\ escapes`, value: i * 0.5, tags: { a: i % 7, b: [i, i + 1] } }, geometry: { type: 'LineString', coordinates: [[i / 1000, i / 2000], [i / 1000 + 0.001, i / 2000 + 0.002], [i / 1000 + 0.003, i / 2000 + 0.001]] } };
      if (!out.write(`${i ? ',\n' : ''}${JSON.stringify(f)}`)) await once(out, 'drain');
    }
    out.end(']}\n');
    await once(out, 'finish');
    const size = statSync(path).size;
    assert.ok(size > 75 * 1024 * 1024, `the file is ${size} bytes`);

    // Live heap, after a full collection: what the reader keeps alive, not what the collector has
    // not reached yet (which depends on the machine's load).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const liveHeap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const base = liveHeap();
    let peak = 0;
    let count = 0;
    let last: SourceRow | undefined;
    const s = await openVectorFile(path);
    for await (const r of s.layers[0]!.rows()) {
      count++;
      last = r;
      if (count % 25000 === 0) peak = Math.max(peak, liveHeap() - base);
    }
    await s.close();
    assert.equal(count, total);
    assert.equal(last!.id, String(total - 1));
    assert.equal(s.layers[0]!.fraction(), 1);
    // Parsing the whole file would take several times its size; streaming holds a few chunks and one feature.
    assert.ok(peak < 64 * 1024 * 1024, `heap grew by ${Math.round(peak / 1048576)} MiB reading a ${Math.round(size / 1048576)} MiB file`);
  });

  it('GeoJSON split at every awkward byte boundary reads the same as in one piece, members before and after the features included', async () => {
    const text = `\uFEFF{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2056"}},"features":[${SOURCE_FEATURES.map((f) => JSON.stringify({ type: 'Feature', ...f })).join(' , ')}, {"type":"Feature","properties":{"s":"]}\\"{[,"},"geometry":null}],"bbox":[1,2,3,4]}`;
    const whole = await openGeoJson([Buffer.from(text)], { name: 'x' });
    const pieces = await openGeoJson(inPieces(text), { name: 'x' });
    assert.equal(pieces.layers[0]!.crs, 'EPSG:2056');
    const a = await readAll(whole);
    assert.equal(a.length, SOURCE_FEATURES.length + 1);
    assert.deepEqual(a.at(-1)!.properties, { s: ']}"{[,' });
    assert.deepEqual(strip(await readAll(pieces)), strip(a));
  });

  it('GeoJSON text sequences and newline-delimited features, a single Feature and a bare geometry; a bad feature costs only itself', async () => {
    const lines = ['{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[1,2]}}', '{"type":"Point","coordinates":[5,6]}', '\u001e{"type":"Feature","id":"x","properties":null,"geometry":null}', '{"type":"Feature","properties":{"a":2},"geometry":{"type":"Point","coordinates":[3,'];
    // The last line is cut: one last row says so.
    const rows = await readAll(await openGeoJson(inPieces(lines.join('\n')), { name: 'seq' }));
    assert.deepEqual(rows.map((r) => [r.row, r.error === undefined, r.geometry?.type ?? null]), [
      [1, true, 'Point'],
      [2, true, 'Point'],
      [3, true, null],
      [4, false, null],
    ]);
    assert.match(rows[3]!.error!, /cut or malformed/);
    assert.equal(rows[2]!.id, 'x');
    const one = await readAll(await openGeoJson([Buffer.from('{"type":"Feature","properties":{"k":"v"},"geometry":{"type":"Point","coordinates":[1,2]}}')], { name: 'one' }));
    assert.deepEqual(one.map((r) => r.properties), [{ k: 'v' }]);
    const bad = await readAll(await openGeoJson([Buffer.from('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null},{"type":"Feature","properties":{"x":tru},"geometry":null},{"type":"Featur","properties":{},"geometry":null},{"type":"Feature","properties":{},"geometry":null}]}')], { name: 'bad' }));
    assert.deepEqual(bad.map((r) => r.error === undefined), [true, false, false, true]);
    assert.match(bad[1]!.error!, /not valid JSON/);
    assert.match(bad[2]!.error!, /not "Feature"/);
  });

  it('CSV split at every awkward boundary (CRLF, "" escapes, quoted line breaks) reads the same as in one piece', async () => {
    const text = 'id;name;WKT\r\n1;"a ""quoted"" ; name";POINT (1 2)\r\n2;"two\r\nlines";"POINT (3 4)"\r\n\r\n3;plain;\r\n';
    const whole = await readAll(await openCsv([Buffer.from(text)], { name: 'c' }));
    const pieces = await readAll(await openCsv(inPieces(text), { name: 'c' }));
    assert.deepEqual(pieces, whole);
    assert.deepEqual(whole.map((r) => [r.line, r.properties, r.geometry]), [
      [2, { id: '1', name: 'a "quoted" ; name' }, { type: 'Point', coordinates: [1, 2] }],
      [3, { id: '2', name: 'two\r\nlines' }, { type: 'Point', coordinates: [3, 4] }],
      [6, { id: '3', name: 'plain' }, null],
    ]);
  });
});
