/**
 * GDAL's WFS driver against the real server: ogrinfo lists the layers with their counts and field
 * types, attribute and spatial filters become FES filters, ogr2ogr copies whole layers into a
 * GeoPackage equal to the source (also when GDAL pages two features at a time), and WFS-T
 * (GDAL's Python bindings in update mode, 2.0 and 1.1.0; ogr2ogr -append) inserts, updates and
 * deletes features.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { addUser, admin, createFilled, PLACE_ROWS, PLACES, placeInputs, REGIONS, regionInputs, run, startWfs, type Credentials, type WfsHarness } from './support.js';

const READ = fileURLToPath(new URL('./fixtures/gdal_read.py', import.meta.url));
const WFST = fileURLToPath(new URL('./fixtures/gdal_wfst.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

interface LayerDump {
  count: number;
  fields: Record<string, string>;
  features: Array<{ fields: Record<string, unknown>; wkt: string | null; xy: number[][] | null }>;
  srs: string | null;
}

async function dump(dataset: string, env: Record<string, string> = {}): Promise<Record<string, LayerDump>> {
  const res = await run(PYTHON, [READ, dataset], env);
  assert.equal(res.code, 0, `gdal_read failed:\n${res.stderr}`);
  return JSON.parse(res.stdout) as Record<string, LayerDump>;
}

/** The GDAL date forms (YYYY/MM/DD, YYYY/MM/DD HH:MM:SS+00) as ISO 8601. */
const isoDate = (v: unknown) => String(v).replace(/^(\d{4})\/(\d{2})\/(\d{2})/, '$1-$2-$3');
const isoDateTime = (v: unknown) => new Date(String(v).replace(/^(\d{4})\/(\d{2})\/(\d{2}) ([\d:.]+)\+00$/, '$1-$2-$3T$4Z')).toISOString();

function assertPlacesEqualSource(layer: LayerDump): void {
  assert.equal(layer.count, PLACE_ROWS.length);
  const byName = new Map(layer.features.map((f) => [f.fields.name as string, f]));
  for (const row of PLACE_ROWS) {
    const f = byName.get(row.name);
    assert.ok(f, row.name);
    assert.equal(f.fields.population, row.population);
    assert.equal(f.fields.area, row.area);
    assert.equal(Boolean(f.fields.capital), row.capital);
    assert.equal(isoDate(f.fields.founded), row.founded);
    assert.equal(isoDateTime(f.fields.surveyed), row.surveyed);
    const [x, y] = f.xy![0]!;
    assert.ok(Math.abs(x! - row.lon) < 1e-9 && Math.abs(y! - row.lat) < 1e-9, `${row.name}: ${x} ${y}`);
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`wfs with GDAL's WFS driver (${kind.name})`, function () {
    this.timeout(180_000);
    let h: WfsHarness;
    let root: Credentials;
    let dir: string;
    before(async () => {
      // A small engine page, so GDAL's reads span several of them.
      h = await startWfs(kind, { features: { maxLimit: 4 } });
      await createFilled(h.features, PLACES, placeInputs());
      await createFilled(h.features, REGIONS, regionInputs());
      root = await addUser(h, 'root', ['admin']);
      dir = mkdtempSync(path.join(tmpdir(), 'meridian-wfs-gdal-'));
    });
    after(async () => {
      await h?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const ogrinfo = async (...args: string[]) => {
      const res = await run('ogrinfo', ['-ro', ...args], { GDAL_HTTP_TIMEOUT: '30' });
      assert.equal(res.code, 0, `ogrinfo ${args.join(' ')} failed:\n${res.stderr}\n${res.stdout}`);
      assert.ok(!/ERROR/.test(res.stderr), res.stderr);
      return res.stdout;
    };

    it('lists the layers, and with -so -al their counts, geometry types and fields', async () => {
      const list = await ogrinfo(`WFS:${h.url}`);
      assert.match(list, /1: meridian:places \(title: Places\) \(Point\)/);
      assert.match(list, /2: meridian:regions \(title: Regions \(LV95\)\)/);
      const summary = await ogrinfo('-so', '-al', `WFS:${h.url}`);
      assert.match(summary, /Layer name: meridian:places[\s\S]*?Feature Count: 6/);
      assert.match(summary, /Layer name: meridian:regions[\s\S]*?Feature Count: 2/);
      assert.match(summary, /Extent: \(6\.143200, 46\.204400\) - \(8\.541700, 47\.559600\)/);
      assert.match(summary, /population: Integer64/);
      assert.match(summary, /founded: Date/);
      assert.match(summary, /surveyed: DateTime/);
      assert.match(summary, /ID\["EPSG",2056\]/);
    });

    it('passes attribute and spatial filters to the server', async () => {
      const names = (out: string) => [...out.matchAll(/^\s+name \(String\) = (.+)$/gm)].map((m) => m[1]!).sort();
      assert.deepEqual(names(await ogrinfo('-al', '-q', `WFS:${h.url}`, 'meridian:places', '-where', 'population > 150000')), ['Basel', 'Geneva', 'Zurich']);
      assert.deepEqual(names(await ogrinfo('-al', '-q', `WFS:${h.url}`, 'meridian:places', '-spat', '6', '46', '7.4', '46.6')), ['Geneva', 'Lausanne', 'Sion']);
    });

    it('ogr2ogr copies every layer into a GeoPackage equal to the source, paging or not', async () => {
      for (const [name, env] of [['whole.gpkg', {}], ['paged.gpkg', { OGR_WFS_PAGE_SIZE: '2', OGR_WFS_PAGING_ALLOWED: 'ON' }]] as const) {
        const out = path.join(dir, name);
        const res = await run('ogr2ogr', ['-f', 'GPKG', out, `WFS:${h.url}`], { GDAL_HTTP_TIMEOUT: '30', ...env });
        assert.equal(res.code, 0, `ogr2ogr failed:\n${res.stderr}`);
        assert.ok(!/ERROR/.test(res.stderr), res.stderr);
        const copy = await dump(out);
        assertPlacesEqualSource(copy['meridian:places']!);
        const regions = copy['meridian:regions']!;
        assert.equal(regions.count, 2);
        assert.equal(regions.srs, 'EPSG:2056');
        const west = regions.features.find((f) => f.fields.label === 'west')!;
        assert.equal(west.fields.code, 1);
        assert.match(west.wkt!, /2500000 1110000,2600000 1110000,2600000 1200000,2500000 1200000,2500000 1110000/);
      }
    });

    for (const version of ['2.0.0', '1.1.0']) {
      it(`WFS-T ${version} through GDAL's Python bindings: create, update, delete`, async () => {
        const url = version === '2.0.0' ? h.url : `${h.url}?VERSION=1.1.0`;
        const victim = version === '2.0.0' ? 'Sion' : 'Lausanne';
        const res = await run(PYTHON, [WFST, url, 'meridian:places', `${root.user}:${root.password}`, victim]);
        assert.equal(res.code, 0, `gdal_wfst failed:\n${res.stderr}\n${res.stdout}`);
        const r = JSON.parse(res.stdout) as { capabilities: Record<string, boolean>; create: number; created_gml_id: string; read_back: string; update: number; delete: number[] };
        assert.deepEqual(r.capabilities, { write: true, update: true, delete: true });
        assert.deepEqual([r.create, r.update, r.delete], [0, 0, [0]]);
        assert.equal(r.read_back, 'Thun');
        const result = await h.features.query('places', { ids: [r.created_gml_id] }, admin);
        const created = [];
        for await (const f of result.features) created.push(f);
        assert.equal(created.length, 1);
        assert.equal(created[0]!.properties.population, 44000);
        assert.deepEqual(created[0]!.geometry, { type: 'Point', coordinates: [7.63, 46.76] });
        assert.equal(await h.features.count('places', { filter: { op: '=', left: { kind: 'property', name: 'name', path: ['name'] }, right: { kind: 'literal', value: victim }, matchCase: true, matchAccent: true } }, admin), 0);
        await h.features.transaction([{ op: 'delete', collection: 'places', filter: { ids: [r.created_gml_id] } }], admin);
      });
    }

    for (const version of ['2.0.0', '1.1.0']) {
    it(`ogr2ogr -append writes a file into the service (WFS-T ${version}), several features in one batched Transaction`, async () => {
      const source = path.join(dir, `towns-${version}.geojson`);
      writeFileSync(
        source,
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', properties: { name: 'Biel', population: 55000, capital: false }, geometry: { type: 'Point', coordinates: [7.2474, 47.1368] } },
            { type: 'Feature', properties: { name: 'Chur', population: 37000, capital: false }, geometry: { type: 'Point', coordinates: [9.5329, 46.8499] } },
          ],
        }),
      );
      const before = await h.features.count('places', {}, admin);
      const res = await run('ogr2ogr', ['-append', '-update', `WFS:${h.url}?VERSION=${version}`, source, '-nln', 'meridian:places'], { GDAL_HTTP_USERPWD: `${root.user}:${root.password}`, GDAL_HTTP_TIMEOUT: '30' });
      assert.equal(res.code, 0, `ogr2ogr -append failed:\n${res.stderr}`);
      assert.equal(await h.features.count('places', {}, admin), before + 2);
      const anonymous = await run('ogr2ogr', ['-append', '-update', `WFS:${h.url}?VERSION=${version}`, source, '-nln', 'meridian:places'], { GDAL_HTTP_TIMEOUT: '30' });
      assert.notEqual(anonymous.code, 0);
      assert.equal(await h.features.count('places', {}, admin), before + 2);
    });
    }
  });
}
