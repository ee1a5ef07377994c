import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportSummary, Rejection } from '../../../../plugins/catalogue/import/types.js';
import { runCli } from '../../../helpers/cli.js';
import { testDatabaseKinds, type TestDatabase } from '../../../helpers/databases.js';
import { startTestServer } from '../../../helpers/server.js';
import { admin, builtinDir } from '../support.js';
import type { CatalogueService } from '../../../../plugins/catalogue/types.js';
import { isoRecord, makeGeoTiff } from './support.js';

function jsonLines(text: string): Array<Rejection | ImportSummary> {
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rejection | ImportSummary);
}

for (const kind of testDatabaseKinds()) {
  describe(`meridian catalogue import (${kind.name})`, function () {
    this.timeout(120000);
    let dir: string;
    let config: string;
    let test: TestDatabase;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-import-cli-'));
      test = await kind.open();
      await test.db.close();
      const database = test.config.client === 'sqlite' ? { client: 'sqlite', filename: join(dir, 'data', 'meridian.db') } : test.config;
      config = join(dir, 'meridian.yaml');
      // Only the catalogue: the command must not depend on other plugins being set up.
      writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data'), builtinPlugins: false, database, plugins: { catalogue: {} }, log: { level: 'warn' } }));
      const tree = join(dir, 'tree');
      mkdirSync(join(tree, 'products'), { recursive: true });
      writeFileSync(join(tree, 'collection.xml'), isoRecord({ id: 'CLI-C', title: 'CLI collection', level: 'series' }));
      for (let i = 1; i <= 3; i++) writeFileSync(join(tree, 'products', `p${i}.xml`), isoRecord({ id: `cli-p${i}`, title: `P${i}`, parent: 'CLI-C', start: `2021-0${i}-01T00:00:00Z` }));
      makeGeoTiff(join(tree, 'products', 'scene_20210401.tif'), { srs: 'EPSG:4326', ullr: [2, 49, 3, 48], size: [64, 64], cog: true });
      writeFileSync(join(tree, 'products', 'p4.xml'), isoRecord({ id: 'cli-p4', title: 'P4', parent: 'not-there' }));
    });
    after(async () => {
      await test.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('imports a tree, prints the rejections and totals as JSON lines, writes the report and exits 1 for the rejected record', async () => {
      const report = join(dir, 'report.jsonl');
      const r = await runCli(['catalogue', 'import', join(dir, 'tree'), '--config', config, '--collection', 'CLI-C', '--create-collection', '--json', '--report', report, '--concurrency', '3']);
      assert.equal(r.code, 1, r.stderr);
      const lines = jsonLines(r.stdout);
      const summary = lines.at(-1) as ImportSummary;
      assert.equal(summary.type, 'summary');
      assert.deepEqual(summary.records, { imported: 5, rejected: 1, collections: 1, products: 4 });
      const rejected = lines.slice(0, -1) as Rejection[];
      assert.equal(rejected.length, 1);
      assert.equal(rejected[0]!.record, 'cli-p4');
      assert.equal(rejected[0]!.source, join(dir, 'tree', 'products', 'p4.xml'));
      assert.deepEqual(jsonLines(readFileSync(report, 'utf8')), lines);

      // The records are where `serve` finds them.
      const server = await startTestServer({ database: JSON.parse(readFileSync(config, 'utf8')).database, plugins: { catalogue: {} } }, { builtinDir });
      try {
        const catalogue = server.meridian.service<CatalogueService>('catalogue');
        const found = await catalogue.search({ type: 'product', parentIdentifier: 'CLI-C', sortBy: [{ field: 'identifier' }] }, admin);
        assert.deepEqual(found.records.map((p) => p.identifier), ['cli-p1', 'cli-p2', 'cli-p3', 'scene_20210401']);
      } finally {
        await server.close();
      }
    });

    it('exits 0 when everything is imported; --resume skips what an earlier run imported unchanged and reads a changed file again', async () => {
      rmSync(join(dir, 'tree', 'products', 'p4.xml'));
      const again = await runCli(['catalogue', 'import', join(dir, 'tree'), '--config', config, '--collection', 'CLI-C', '--resume']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^0 record\(s\) imported .*; 5 unchanged source\(s\) skipped$/m);
      writeFileSync(join(dir, 'tree', 'products', 'p2.xml'), isoRecord({ id: 'cli-p2', title: 'P2 again', parent: 'CLI-C' }));
      utimesSync(join(dir, 'tree', 'products', 'p2.xml'), new Date(), new Date(Date.now() + 10000));
      const changed = await runCli(['catalogue', 'import', join(dir, 'tree'), '--config', config, '--collection', 'CLI-C', '--resume', '--json']);
      assert.equal(changed.code, 0, changed.stderr);
      const summary = jsonLines(changed.stdout).at(-1) as ImportSummary;
      assert.equal(summary.sources.skipped, 4);
      assert.equal(summary.records.imported, 1);
      const full = await runCli(['catalogue', 'import', join(dir, 'tree'), '--config', config, '--collection', 'CLI-C']);
      assert.equal(full.code, 0, full.stderr);
      assert.match(full.stdout, /^5 record\(s\) imported \(1 collection\(s\), 4 product\(s\)\) from 5 source\(s\)$/m);
    });

    it('without a terminal, reports progress as log lines on stderr, keeping stdout for the result', async () => {
      const r = await runCli(['catalogue', 'import', join(dir, 'tree', 'collection.xml'), '--config', config], { env: { MERIDIAN_LOG__LEVEL: 'info' } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n').length, 1);
      const logs = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; done?: boolean });
      assert.ok(logs.some((l) => l.msg === 'importing' && l.done), r.stderr);
    });

    it('exits 1 with a message for a missing collection or a bad option, and 2 for an invalid config', async () => {
      const missing = await runCli(['catalogue', 'import', join(dir, 'tree'), '--config', config, '--collection', 'nope']);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /There is no collection 'nope'/);
      const bad = await runCli(['catalogue', 'import', join(dir, 'tree'), '--config', config, '--concurrency', 'many']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /--concurrency.*must be an integer/);
      const invalid = join(dir, 'invalid.yaml');
      writeFileSync(invalid, 'server:\n  port: -1\n');
      const r = await runCli(['catalogue', 'import', join(dir, 'tree'), '--config', invalid]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /server\.port/);
    });

    it('documents its exit statuses in --help', async () => {
      const r = await runCli(['catalogue', 'import', '--help', '--config', config]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Usage: meridian catalogue import \[options\] <source>/);
      assert.match(r.stdout, /Exit status: 0 all imported; 1 some sources or records were rejected/);
    });
  });
}
