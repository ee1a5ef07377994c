import assert from 'node:assert/strict';
import type { CatalogueRecordInput } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { get, startCsw, xpath, type CswHarness } from './support.js';

const ids = (xml: string) => xpath(xml, '//csw:SearchResults/*/dc:identifier');

/** Collections differing in the fields the ISO Application Profile queryables name. */
const RECORDS: CatalogueRecordInput[] = [
  {
    identifier: 'S2-L1C', type: 'collection', title: 'Sentinel-2 L1C', organisationName: 'ESA', organisationRole: 'originator', publicationDate: '2015-06-23T00:00:00Z', language: 'eng',
    topicCategory: 'imageryBaseMapsEarthCover', accessConstraint: 'otherRestrictions', otherConstraint: 'Attribution', useLimitation: 'Copernicus data policy', classification: 'unclassified',
    hasSecurityConstraints: false, lineage: 'Sentinel-2 IPF', specification: 'S2 PSD',
  },
  {
    identifier: 'LS8-L1', type: 'collection', title: 'Landsat 8 L1', organisationName: 'USGS', organisationRole: 'distributor', publicationDate: '2013-05-30T00:00:00Z', language: 'eng',
    topicCategory: 'environment', accessConstraint: 'license', classification: 'restricted', hasSecurityConstraints: true, lineage: 'LPGS',
  },
];

for (const kind of testDatabaseKinds()) {
  describe(`CSW ISO Application Profile queryables over the OpenSearch EO fields (${kind.name})`, function () {
    this.timeout(30_000);
    let h: CswHarness;
    before(async () => {
      h = await startCsw(kind);
      await h.catalogue.upsert(RECORDS);
    });
    after(async () => h?.close());

    const cql = async (constraint: string) =>
      ids((await get(h.url, { service: 'CSW', version: '2.0.2', request: 'GetRecords', typeNames: 'csw:Record', resultType: 'results', constraintLanguage: 'CQL_TEXT', constraint_language_version: '1.1.0', constraint, sortBy: 'dc:identifier' })).body);

    it('filters by the supported and additional ISO queryables of OGC 07-045', async () => {
      assert.deepEqual(await cql("apiso:OrganisationName = 'ESA'"), ['S2-L1C']);
      assert.deepEqual(await cql("apiso:ResponsiblePartyRole = 'distributor'"), ['LS8-L1']);
      assert.deepEqual(await cql("apiso:PublicationDate < '2014-01-01'"), ['LS8-L1']);
      assert.deepEqual(await cql("apiso:Language = 'eng'"), ['LS8-L1', 'S2-L1C']);
      assert.deepEqual(await cql("apiso:TopicCategory = 'environment'"), ['LS8-L1']);
      assert.deepEqual(await cql("apiso:AccessConstraints = 'license'"), ['LS8-L1']);
      assert.deepEqual(await cql("apiso:OtherConstraints LIKE 'Attrib%'"), ['S2-L1C']);
      assert.deepEqual(await cql("apiso:ConditionApplyingToAccessAndUse LIKE '%Copernicus%'"), ['S2-L1C']);
      assert.deepEqual(await cql("apiso:Classification = 'restricted'"), ['LS8-L1']);
      assert.deepEqual(await cql('apiso:HasSecurityConstraints = true'), ['LS8-L1']);
      assert.deepEqual(await cql("apiso:Lineage = 'LPGS' OR apiso:SpecificationTitle = 'S2 PSD'"), ['LS8-L1', 'S2-L1C']);
    });

    it('gives the domain of an enumerable one', async () => {
      const res = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'GetDomain', PropertyName: 'apiso:OrganisationName' });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(xpath(res.body, '//csw:DomainValues/csw:ListOfValues/csw:Value').sort(), ['ESA', 'USGS']);
    });
  });
}
