import assert from 'node:assert/strict';
import type { CatalogueService } from '../../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { admin, startCatalogue, type CatalogueHarness } from '../support.js';
import { assertValid, fixture, official } from './xml-support.js';

for (const kind of testDatabaseKinds()) {
  describe(`XML metadata formats through the engine (${kind.name})`, function () {
    let h: CatalogueHarness;
    let catalogue: CatalogueService;

    before(async () => {
      h = await startCatalogue(kind);
      catalogue = h.catalogue;
      // The collections the harvested products name as their parents.
      await catalogue.upsert(['landsat-8-l1tp', 'sentinel-1-grd', 'sentinel-2-l1c'].map((identifier) => ({ identifier, type: 'collection' as const, title: identifier })));
      const documents = [
        fixture('iso19139-mi-collection.xml'),
        fixture('iso19139-gml311-product.xml'),
        fixture('iso19139-service.xml'),
        fixture('iso19115-3-product.xml'),
        fixture('eop21-opt-product.xml'),
        official('ogc/csw/2.0.2/examples/Clause_10.2.5.3.2_Example03_Full.xml'),
        official('ogc/cat/csw/3.0/examples/GetRecordsDCRecordResponse.xml'),
      ];
      await catalogue.upsert(documents.flatMap((text) => catalogue.formats.decode(text, { owner: 'harvester' }).records));
    });
    after(async () => h?.close());

    it('finds decoded records by footprint, time, text and EO fields', async () => {
      const ids = async (query: Parameters<CatalogueService['search']>[0]) => (await catalogue.search({ limit: 50, ...query }, admin)).records.map((r) => r.identifier).sort();
      // Brittany: the Landsat scene's latitude-first GML 3.1 polygon, and the world-wide S2 collection.
      assert.deepEqual(await ids({ bbox: [-4, 48, -3.5, 48.5] }), ['EOP:EXAMPLE:SENTINEL-2:MSI:L2A', 'LC08_L1TP_199026_20200615_20200626_01_T1']);
      // Across the antimeridian, only the Pacific WMS (and the world-wide collection).
      assert.deepEqual(await ids({ bbox: [-179, -5, -178, 5] }), ['EOP:EXAMPLE:SENTINEL-2:MSI:L2A', 'pacific-sst-wms']);
      // The ongoing collection is found long after its start.
      assert.deepEqual(await ids({ type: 'collection', start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' }), ['EOP:EXAMPLE:SENTINEL-2:MSI:L2A']);
      assert.deepEqual(await ids({ q: 'Netherlands' }), ['S1A_IW_GRDH_1SDV_20210704T054331_20210704T054356_038624_048EB7_5F1B']);
      assert.deepEqual(await ids({ type: 'product', parentIdentifier: 'sentinel-2-l1c' }), ['S2B_MSIL1C_20220812T103629_N0400_R008_T31UFQ_20220812T131147']);
      assert.deepEqual(await ids({ type: 'service' }), ['ac522ef2-89a6-11db-91b1-7eea55d89593', 'pacific-sst-wms']);
      const facets = await catalogue.facets({ type: 'product' }, admin, ['platform']);
      assert.deepEqual(facets.platform!.map((f) => f.value).sort(), ['LANDSAT-8', 'SENTINEL-1', 'Sentinel-2']);
    });

    it('writes stored records back in every XML format, valid, and as received in their own', async () => {
      for (const id of ['EOP:EXAMPLE:SENTINEL-2:MSI:L2A', 'LC08_L1TP_199026_20200615_20200626_01_T1', 'pacific-sst-wms', 'S2B_MSIL1C_20220812T103629_N0400_R008_T31UFQ_20220812T131147']) {
        const r = (await catalogue.get(id, admin))!;
        assert.equal(r.owner, 'harvester');
        const service = r.type === 'service';
        assertValid(catalogue.formats.encode('iso19139', r), service ? 'ogc/iso/19139/20070417/srv/1.0/srv.xsd' : 'ogc/iso/19139/20070417/gmd/gmd.xsd');
        assertValid(catalogue.formats.encode('dublin-core', r, { elementSet: 'summary' }), 'ogc/csw/2.0.2/record.xsd');
        assertValid(catalogue.formats.encode('dublin-core-3', r), 'ogc/cat/csw/3.0/record.xsd');
        if (r.type === 'product') assertValid(catalogue.formats.encode('eop21', r), `ogc/eompom/1.1/xsd/${r.sensorType === 'OPTICAL' ? 'opt' : 'eop'}.xsd`);
        assert.equal(catalogue.formats.encode(r.metadata!.format, r, { asReceived: true }), r.metadata!.content);
      }
    });
  });
}
