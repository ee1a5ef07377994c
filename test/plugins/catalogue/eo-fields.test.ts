import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { MeridianError } from '../../../core/errors.js';
import { parseCql2Text } from '../../../core/filter/index.js';
import { EO_FIELDS } from '../../../plugins/catalogue/eo-fields.js';
import { RECORDS_TABLE } from '../../../plugins/catalogue/schema.js';
import type { CatalogueRecordInput } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startCatalogue, type CatalogueHarness } from './support.js';

const collection: CatalogueRecordInput = { identifier: 'C', type: 'collection', title: 'A collection' };
const product = (identifier: string, fields: Partial<CatalogueRecordInput> = {}): CatalogueRecordInput => ({ identifier, type: 'product', parentIdentifier: 'C', start: '2020-06-01T00:00:00Z', ...fields });

for (const kind of testDatabaseKinds()) {
  describe(`catalogue EO fields: checks, columns and queryables (${kind.name})`, function () {
    this.timeout(30_000);
    let h: CatalogueHarness;
    before(async () => {
      h = await startCatalogue(kind);
      await h.catalogue.upsert([collection]);
    });
    after(async () => h?.close());

    const column = async (identifier: string, name: string) => {
      const spec = EO_FIELDS.find((f) => f.name === name)!;
      const knex = h.server.meridian.stores.db.knex;
      const row = (await knex(RECORDS_TABLE).where('identifier', identifier).first(spec.column)) as Record<string, unknown>;
      const v = row[spec.column];
      return v instanceof Date ? v.toISOString() : v;
    };
    const search = async (cql: string) => (await h.catalogue.search({ type: 'product', filter: parseCql2Text(cql), sortBy: [{ field: 'identifier' }] }, ANONYMOUS)).records.map((r) => r.identifier);

    it('every field is a queryable with its type, enumerable ones facets', () => {
      const queryables = new Map(h.catalogue.queryables().map((q) => [q.name, q]));
      for (const f of EO_FIELDS) {
        const q = queryables.get(f.name);
        assert.ok(q, f.name);
        assert.equal(q.type, f.type === 'integer' ? 'number' : f.type, f.name);
        assert.equal(q.facet, f.facet === true, f.name);
      }
      assert.ok(queryables.get('sensorMode')!.facet && queryables.get('track')!.facet && !queryables.get('illuminationZenithAngle')!.facet);
    });

    it('refuses a value of the wrong type or out of bounds with a 400 naming the field, writing nothing', async () => {
      for (const [fields, locator] of [
        [{ track: 117 }, 'track'],
        [{ illuminationZenithAngle: 200 }, 'illuminationZenithAngle'],
        [{ startTimeFromAscendingNode: 1.5 }, 'startTimeFromAscendingNode'],
        [{ hasSecurityConstraints: 'yes' }, 'hasSecurityConstraints'],
        [{ processingDate: 'yesterday' }, 'processingDate'],
        [{ orbitNumber: -1 }, 'orbitNumber'],
      ] as Array<[Record<string, unknown>, string]>) {
        await assert.rejects(
          h.catalogue.upsert([product('ok'), product('bad', fields as Partial<CatalogueRecordInput>)]),
          (e: unknown) => e instanceof MeridianError && e.status === 400 && e.code === 'InvalidRecord' && e.locator === locator,
          locator,
        );
      }
      assert.equal(await h.catalogue.get('ok', ANONYMOUS), undefined);
    });

    it('writes each field to its column, in one batch whatever fields each record has, and a replace clears what it drops', async () => {
      await h.catalogue.upsert([
        product('P1', { track: '117', sensorMode: 'IW', hasSecurityConstraints: true, processingDate: '2020-06-01T08:00:00+02:00' }),
        product('P2', { frame: '24', illuminationZenithAngle: 30.5 }),
        product('P3'),
      ]);
      assert.deepEqual([await column('P1', 'track'), await column('P1', 'sensorMode'), await column('P1', 'processingDate'), await column('P2', 'frame'), await column('P2', 'track')], ['117', 'IW', '2020-06-01T06:00:00.000Z', '24', null]);
      assert.equal(Boolean(await column('P1', 'hasSecurityConstraints')), true);
      assert.deepEqual(await search("track = '117'"), ['P1']);
      assert.deepEqual(await search('hasSecurityConstraints = true'), ['P1']);
      assert.deepEqual(await search('illuminationZenithAngle BETWEEN 30 AND 31'), ['P2']);
      await h.catalogue.upsert([product('P1', { sensorMode: 'EW' })]);
      assert.deepEqual([await column('P1', 'track'), await column('P1', 'sensorMode')], [null, 'EW']);
      await h.catalogue.patch('P2', { frame: null, track: '44' });
      assert.deepEqual([await column('P2', 'frame'), await column('P2', 'track')], [null, '44']);
    });

    it('takes the fields from properties under their flat 17-003 names, so every way in fills the columns', async () => {
      const [stored] = await h.catalogue.upsert([product('P4', { properties: { wrsLongitude: '12', operationalMode: 'SM', qualityInformation: { qualityStatus: 'NOMINAL' }, other: 1 } })]);
      assert.deepEqual([stored!.track, stored!.sensorMode, stored!.productQualityStatus, stored!.properties], ['12', 'SM', 'NOMINAL', { other: 1 }]);
      assert.deepEqual([await column('P4', 'track'), await column('P4', 'productQualityStatus')], ['12', 'NOMINAL']);
    });
  });
}
