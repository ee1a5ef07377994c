import assert from 'node:assert/strict';
import { CONFORMANCE_CLASSES } from '../../../plugins/opensearch/index.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { fetchText, parse, startOpenSearch, values } from './support.js';

const [sqlite] = testDatabaseKinds();

describe('OpenSearch plugin: registry and config', function () {
  this.timeout(30_000);

  it('advertises the OpenSearch service with its description URL, its conformance classes and its OpenAPI paths', async () => {
    const h = await startOpenSearch(sqlite!);
    try {
      const services = JSON.parse((await fetchText(`${h.server.url}/services`)).body) as { services: Array<{ type: string; url: string; capabilitiesUrl: string; versions: string[] }> };
      const os = services.services.find((s) => s.type === 'OpenSearch');
      assert.ok(os, 'no OpenSearch service');
      assert.deepEqual(os.versions, ['1.1']);
      const description = await fetchText(os.capabilitiesUrl.startsWith('http') ? os.capabilitiesUrl : `${h.server.url}${os.capabilitiesUrl}`);
      assert.equal(description.status, 200);
      assert.deepEqual(values(parse(description.body), '/os:OpenSearchDescription/os:ShortName'), ['Meridian']);
      const conformance = JSON.parse((await fetchText(`${h.server.url}/conformance`)).body) as { conformsTo: string[] };
      for (const c of CONFORMANCE_CLASSES) assert.ok(conformance.conformsTo.includes(c), c);
      const openapi = JSON.parse((await fetchText(`${h.server.url}/openapi.json`)).body) as { paths: Record<string, { get: { parameters: Array<{ name: string }> } }> };
      for (const p of ['/opensearch', '/opensearch/description', '/opensearch/collections', '/opensearch/collections/{cid}/products', '/opensearch/collections/{cid}/products/{pid}']) assert.ok(openapi.paths[p], p);
      assert.ok(openapi.paths['/opensearch/collections/{cid}/products']!.get.parameters.some((p) => p.name === 'bbox'));
    } finally {
      await h.close();
    }
  });

  it("advertises at most the catalogue's maxLimit, and refuses counts above it", async () => {
    const h = await startOpenSearch(sqlite!, { maxRecords: 500 }, {}, { maxLimit: 100 });
    try {
      await h.catalogue.upsert([{ identifier: 'C', type: 'collection' }]);
      const doc = parse((await fetchText(`${h.base}/description`)).body);
      assert.deepEqual(values(doc, '//os:Url[1]/param:Parameter[@name="count"]/@maxInclusive'), ['100']);
      assert.equal((await fetchText(`${h.base}/collections?count=100`)).status, 200);
      const over = await fetchText(`${h.base}/collections?count=101`);
      assert.equal(over.status, 400);
      assert.deepEqual(values(parse(over.body), '//ows:Exception/@locator'), ['count']);
    } finally {
      await h.close();
    }
  });

  for (const [config, message] of [
    [{ defaultRecords: 60 }, /defaultRecords/],
    [{ sortable: ['geometry'] }, /sortable\[0\]/],
    [{ defaultSort: 'nope,,1' }, /defaultSort/],
    [{ shortName: 'A name far longer than sixteen' }, /shortName/],
    [{ contact: 'nobody' }, /contact/],
  ] as const) {
    it(`refuses to start with a bad config: ${JSON.stringify(config)}`, async () => {
      await assert.rejects(startOpenSearch(sqlite!, config as Record<string, unknown>), message);
    });
  }
});
