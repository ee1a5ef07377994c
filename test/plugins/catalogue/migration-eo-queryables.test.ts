import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { parseCql2Text } from '../../../core/filter/index.js';
import { openDatabase, type DatabaseConfig } from '../../../core/storage/db/connect.js';
import type { Database } from '../../../core/storage/db/types.js';
import { catalogueMigrations } from '../../../plugins/catalogue/migrations.js';
import { RECORDS_TABLE, SPATIAL_INDEX_OPTIONS } from '../../../plugins/catalogue/schema.js';
import type { CatalogueService } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds, type TestDatabaseKind } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { builtinDir } from './support.js';

/** A database that outlives its connections: a file for SQLite, a schema for PostgreSQL. */
async function persistentDatabase(kind: TestDatabaseKind): Promise<{ config: DatabaseConfig; dispose(): Promise<void> }> {
  if (kind.name === 'postgres') {
    const test = await kind.open();
    await test.db.close();
    return { config: test.config, dispose: () => test.dispose() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'meridian-migration-'));
  return { config: { client: 'sqlite', filename: path.join(dir, 'catalogue.db') }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
}

const NOW = '2024-01-01T00:00:00.000Z';

/** Records as the catalogue stored them before 004: the later EO fields under their flat 17-003 names in `properties`. */
const OLD_RECORDS = [
  {
    identifier: 'S1-OLD',
    type: 'collection',
    title: 'Sentinel-1 before the migration',
    properties: { organisationName: 'ESA', topicCategories: ['imageryBaseMapsEarthCover', 'environment'], lineage: 'IPF 003.31', publicationDate: '2014-10-03', language: 'eng' },
  },
  {
    identifier: 'S2-OLD',
    type: 'collection',
    title: 'Sentinel-2 before the migration',
    properties: { waveLengths: [{ startWavelength: 443, endWavelength: 2190, spectralRange: 'VISIBLE' }], doi: '10.5270/S2_-742ikth' },
  },
  {
    identifier: 'GRD-1',
    type: 'product',
    parentIdentifier: 'S1-OLD',
    geometry: { type: 'Polygon', coordinates: [[[10, 40], [12, 40], [12, 42], [10, 42], [10, 40]]] },
    start: '2020-06-01T05:22:33.000Z',
    end: '2020-06-01T05:22:58.000Z',
    platform: 'SENTINEL-1',
    platformSerialIdentifier: 'A',
    properties: {
      wrsLongitude: '117',
      wrsLatitude: '24',
      operationalMode: 'IW',
      swathIdentifier: 'IW',
      polarisationMode: 'D',
      antennaLookDirection: 'RIGHT',
      minimumIncidenceAngle: 30.1,
      maximumIncidenceAngle: 45.9,
      processingDate: '2020-06-01T08:00:00Z',
      qualityInformation: { qualityStatus: 'DEGRADED', qualityDegradationTag: 'RADIOMETRY', qualityDegradation: 12 },
      relativeOrbitNumber: 117,
      processorVersion: '003.31',
    },
  },
  // A value its field does not take stays where it was.
  { identifier: 'GRD-2', type: 'product', parentIdentifier: 'S1-OLD', start: '2020-06-02T05:22:33.000Z', end: '2020-06-02T05:22:33.000Z', properties: { wrsLongitude: 118, operationalMode: 'EW' } },
  { identifier: 'GRD-3', type: 'product', parentIdentifier: 'S1-OLD', start: '2020-06-03T05:22:33.000Z', end: '2020-06-03T05:22:33.000Z', platform: 'SENTINEL-1' },
];

/** Writes OLD_RECORDS as rows of the catalogue before 004 (its columns only, the spatial index entries too). */
async function writeOldCatalogue(db: Database): Promise<void> {
  await db.migrate('catalogue', catalogueMigrations.filter((m) => m.name !== '004-eo-queryables'));
  const index = db.spatialIndex(RECORDS_TABLE, SPATIAL_INDEX_OPTIONS);
  for (const r of OLD_RECORDS) {
    const record = { ...r, created: NOW, updated: NOW };
    const geometry = 'geometry' in r ? (r.geometry as never) : null;
    const [row] = (await db
      .knex(RECORDS_TABLE)
      .insert({
        identifier: r.identifier,
        type: r.type,
        parent_identifier: 'parentIdentifier' in r ? r.parentIdentifier : null,
        title: 'title' in r ? r.title : null,
        platform: 'platform' in r ? r.platform : null,
        start_time: 'start' in r ? r.start : null,
        end_time: 'end' in r ? r.end : null,
        created: NOW,
        updated: NOW,
        visibility: 'public',
        record: JSON.stringify(record),
        ...index.rowValues(geometry),
      })
      .returning(['id'])) as Array<{ id: number }>;
    await index.written([{ id: Number(row!.id), geometry }]);
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`catalogue migration 004-eo-queryables on a catalogue written before it (${kind.name})`, function () {
    this.timeout(60_000);
    let database: Awaited<ReturnType<typeof persistentDatabase>>;
    let server: TestServer;
    let catalogue: CatalogueService;
    let db: Database;

    before(async () => {
      database = await persistentDatabase(kind);
      const old = await openDatabase(database.config);
      await writeOldCatalogue(old);
      await old.close();
      // The server migrates the catalogue at start-up, as a deployment upgrading does.
      server = await startTestServer({ database: database.config, plugins: { catalogue: {}, opensearch: {} } }, { builtinDir });
      catalogue = server.meridian.plugins.find((p) => p.name === 'catalogue')!.instance.provide!.catalogue as CatalogueService;
      db = await openDatabase(database.config);
    });
    after(async () => {
      await db?.close();
      await server?.close();
      await database?.dispose();
    });

    const row = async (identifier: string) => (await db.knex(RECORDS_TABLE).where('identifier', identifier).first()) as Record<string, unknown>;
    const time = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

    it('fills the new columns of existing rows from their stored records', async () => {
      const grd = await row('GRD-1');
      assert.deepEqual(
        [grd.platform_serial_identifier, grd.track, grd.frame, grd.sensor_mode, grd.swath_identifier, grd.polarisation_mode, grd.antenna_look_direction, grd.product_quality_status, grd.product_quality_degradation_tag],
        ['A', '117', '24', 'IW', 'IW', 'D', 'RIGHT', 'DEGRADED', 'RADIOMETRY'],
      );
      assert.deepEqual([grd.minimum_incidence_angle, grd.maximum_incidence_angle].map(Number), [30.1, 45.9]);
      // Instants as the engine writes them (text order is time order on SQLite).
      assert.equal(time(grd.processing_date), '2020-06-01T08:00:00.000Z');
      const s1 = await row('S1-OLD');
      assert.deepEqual([s1.organisation_name, s1.topic_category, s1.lineage, s1.language, time(s1.publication_date)], ['ESA', 'imageryBaseMapsEarthCover', 'IPF 003.31', 'eng', '2014-10-03T00:00:00.000Z']);
      const s2 = await row('S2-OLD');
      assert.deepEqual([Number(s2.minimum_wavelength), Number(s2.maximum_wavelength), s2.spectral_range, s2.doi], [443, 2190, 'VISIBLE', '10.5270/S2_-742ikth']);
    });

    it('moves the values to the record fields, keeps what has no field, leaves other records as they were', async () => {
      const grd = (await catalogue.get('GRD-1', ANONYMOUS))!;
      assert.deepEqual([grd.track, grd.frame, grd.sensorMode, grd.processingDate, grd.productQualityStatus], ['117', '24', 'IW', '2020-06-01T08:00:00.000Z', 'DEGRADED']);
      assert.deepEqual(grd.properties, { relativeOrbitNumber: 117, processorVersion: '003.31', qualityInformation: { qualityDegradation: 12 } });
      const s2 = (await catalogue.get('S2-OLD', ANONYMOUS))!;
      // A waveLengths that says no more than the fields is not kept twice.
      assert.equal(s2.properties, undefined);
      const s1 = (await catalogue.get('S1-OLD', ANONYMOUS))!;
      assert.deepEqual(s1.properties, { topicCategories: ['imageryBaseMapsEarthCover', 'environment'] });
      const bad = (await catalogue.get('GRD-2', ANONYMOUS))!;
      assert.deepEqual([bad.track, bad.sensorMode, bad.properties], [undefined, 'EW', { wrsLongitude: 118 }]);
      assert.equal((await row('GRD-2')).track, null);
      assert.equal((await row('GRD-3')).record, JSON.stringify({ ...OLD_RECORDS[4], created: NOW, updated: NOW }));
    });

    it('the migrated rows answer searches, facets and ranges on the new queryables, and through OpenSearch', async () => {
      const found = await catalogue.search({ type: 'product', filter: parseCql2Text("track = '117' AND sensorMode = 'IW' AND minimumIncidenceAngle > 30") }, ANONYMOUS);
      assert.deepEqual(found.records.map((r) => r.identifier), ['GRD-1']);
      const facets = await catalogue.facets({ type: 'product' }, ANONYMOUS, ['sensorMode', 'productQualityStatus']);
      assert.deepEqual(facets, { sensorMode: [{ value: 'EW', count: 1 }, { value: 'IW', count: 1 }], productQualityStatus: [{ value: 'DEGRADED', count: 1 }] });
      assert.deepEqual(await catalogue.ranges({ type: 'collection' }, ANONYMOUS, ['minimumWavelength', 'publicationDate']), {
        minimumWavelength: { min: 443, max: 443 },
        publicationDate: { min: '2014-10-03T00:00:00.000Z', max: '2014-10-03T00:00:00.000Z' },
      });
      const res = await fetch(`${server.url}/opensearch/collections/S1-OLD/products?httpAccept=application/geo%2Bjson&track={117,119}&bbox=9,39,13,43`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { features: Array<{ properties: { identifier: string } }> };
      assert.deepEqual(body.features.map((f) => f.properties.identifier), ['GRD-1']);
      // New records are written to the same columns.
      await catalogue.upsert([{ identifier: 'GRD-4', type: 'product', parentIdentifier: 'S1-OLD', start: '2020-06-04T00:00:00Z', track: '119', sensorMode: 'IW' }]);
      assert.equal((await row('GRD-4')).track, '119');
    });

    it('indexes the searched columns for the rows that have a value', async () => {
      const names = ['track', 'frame', 'sensor_mode', 'processing_date', 'illumination_elevation_angle', 'doi'].map((c) => `${RECORDS_TABLE}_${c}`);
      if (db.dialect === 'sqlite') {
        const rows = (await db.knex('sqlite_master').where('type', 'index').whereIn('name', names).select('name', 'sql')) as Array<{ name: string; sql: string }>;
        assert.deepEqual(rows.map((r) => r.name).sort(), [...names].sort());
        for (const r of rows) assert.match(r.sql, /WHERE .* IS NOT NULL/i);
        const plan = (await db.knex.raw(`EXPLAIN QUERY PLAN SELECT id FROM ${RECORDS_TABLE} WHERE track = ?`, ['117'])) as Array<{ detail: string }>;
        assert.ok(plan.some((p) => p.detail.includes(`${RECORDS_TABLE}_track`)), JSON.stringify(plan));
      } else {
        const rows = (await db.knex.raw('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ANY(?)', [names])) as { rows: Array<{ indexname: string; indexdef: string }> };
        assert.deepEqual(rows.rows.map((r) => r.indexname).sort(), [...names].sort());
        for (const r of rows.rows) assert.match(r.indexdef, /WHERE \(.* IS NOT NULL\)/i);
      }
    });
  });
}
