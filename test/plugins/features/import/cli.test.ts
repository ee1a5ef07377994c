import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANONYMOUS } from '../../../../core/auth/index.js';
import type { ImportReport, RowRejection } from '../../../../plugins/features/import/importer.js';
import type { FeaturesService } from '../../../../plugins/features/types.js';
import { runCli } from '../../../helpers/cli.js';
import { testDatabaseKinds, type TestDatabase } from '../../../helpers/databases.js';
import { startTestServer } from '../../../helpers/server.js';
import { collect } from '../support.js';
import { ogr2ogr, SOURCE_FEATURES, writeSource } from './support.js';

const builtinDir = fileURLToPath(new URL('../../../../plugins/', import.meta.url));

function jsonLines(text: string): Array<RowRejection | ImportReport> {
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as RowRejection | ImportReport);
}

for (const kind of testDatabaseKinds()) {
  describe(`meridian features import (${kind.name})`, function () {
    this.timeout(180000);
    let dir: string;
    let config: string;
    let test: TestDatabase;
    let database: Record<string, unknown>;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-features-cli-'));
      test = await kind.open();
      await test.db.close();
      database = test.config.client === 'sqlite' ? { client: 'sqlite', filename: join(dir, 'data', 'meridian.db') } : (test.config as unknown as Record<string, unknown>);
      config = join(dir, 'meridian.yaml');
      // Only the features engine: the command must not depend on other plugins.
      writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data'), builtinPlugins: false, database, plugins: { features: {} }, log: { level: 'warn' } }));
      writeSource(join(dir, 'towns.geojson'));
    });
    after(async () => {
      await test.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    async function featuresOf(collection: string) {
      const server = await startTestServer({ database, plugins: { features: {} } }, { builtinDir });
      try {
        const features = server.meridian.service<FeaturesService>('features');
        return await collect((await features.query(collection, { limit: 1000, sortBy: [{ property: 'id' }] }, ANONYMOUS)).features);
      } finally {
        await server.close();
      }
    }

    it('imports a shapefile, prints the rejected rows and the totals as JSON lines, writes the report, exits 1 for the rejected rows', async () => {
      const csv = join(dir, 'points.csv');
      writeFileSync(csv, ['WKT,name,n', '"POINT (7 46)",a,1', '"POINT (8 47)",b,2', '"POINT (9 48)",c,x', '"POINT (10 49)",d,4'].join('\n'));
      const shp = join(dir, 'points.shp');
      ogr2ogr(['-f', 'ESRI Shapefile', shp, csv, '-a_srs', 'EPSG:4326', '-oo', 'AUTODETECT_TYPE=YES']);
      // A bad row for the importer: a CSV whose third 'n' is not a number.
      const report = join(dir, 'report.jsonl');
      const r = await runCli(['features', 'import', csv, '--config', config, '--collection', 'cli_points', '--json', '--report', report, '--infer-rows', '2']);
      assert.equal(r.code, 1, r.stderr);
      const lines = jsonLines(r.stdout);
      const summary = lines.at(-1) as ImportReport;
      assert.equal(summary.type, 'summary');
      assert.equal(summary.imported, 3);
      assert.equal(summary.rejected, 1);
      assert.deepEqual(summary.layers.map((l) => [l.collection, l.created, l.imported, l.rejected]), [['cli_points', true, 3, 1]]);
      const rejected = lines.slice(0, -1) as RowRejection[];
      assert.deepEqual(rejected.map((x) => [x.type, x.row, x.line, x.locator]), [['rejected', 3, 4, 'n']]);
      assert.deepEqual(jsonLines(readFileSync(report, 'utf8')), lines);
      assert.deepEqual((await featuresOf('cli_points')).map((f) => f.properties.name), ['a', 'b', 'd']);

      const shapefile = await runCli(['features', 'import', shp, '--config', config]);
      assert.equal(shapefile.code, 0, shapefile.stderr);
      assert.match(shapefile.stdout, /^points: 4 feature\(s\) imported into new collection 'points' \(Point, EPSG:4326\)$/m);
      assert.match(shapefile.stdout, /^4 feature\(s\) imported, 0 rejected, in \d+\.\d s$/m);
      assert.equal((await featuresOf('points')).length, 4);
    });

    it('exits 0 appending a GeoPackage layer to an existing collection, 2 for bad usage (no file, an unknown layer, CRS or format, a CSV without geometry)', async () => {
      const gpkg = join(dir, 'two.gpkg');
      ogr2ogr(['-f', 'GPKG', gpkg, join(dir, 'towns.geojson'), '-nln', 'towns']);
      ogr2ogr(['-f', 'GPKG', '-update', gpkg, join(dir, 'towns.geojson'), '-nln', 'towns_copy']);
      const first = await runCli(['features', 'import', gpkg, '--config', config, '--layer', 'towns', '--assign-ids']);
      assert.equal(first.code, 0, first.stderr);
      const again = await runCli(['features', 'import', gpkg, '--config', config, '--layer', 'towns_copy', '--collection', 'towns', '--assign-ids', '--json']);
      assert.equal(again.code, 0, again.stderr);
      const summary = jsonLines(again.stdout).at(-1) as ImportReport;
      assert.equal(summary.layers[0]!.created, false);
      assert.equal((await featuresOf('towns')).length, 2 * SOURCE_FEATURES.length);

      const noGeometry = join(dir, 'plain.csv');
      writeFileSync(noGeometry, 'a,b\n1,2\n');
      // Usage errors do not depend on the database: checked once.
      if (kind.name !== 'sqlite') return;
      for (const [args, message] of [
        [[join(dir, 'missing.geojson')], /ENOENT|no such file/],
        [[gpkg, '--layer', 'nope'], /No layer 'nope'/],
        [[gpkg, '--collection', 'both'], /has 2 layers/],
        [[join(dir, 'towns.geojson'), '--crs', 'EPSG:999999'], /Unknown CRS/],
        [[noGeometry], /No geometry column/],
      ] as Array<[string[], RegExp]>) {
        const r = await runCli(['features', 'import', ...args, '--config', config]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
      }
    });
  });
}
