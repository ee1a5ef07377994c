import assert from 'node:assert/strict';
import { NS } from '../../../../core/ows/index.js';
import { APISO_QUERYABLES, DC_TYPE_NAMES, dcTypeOf, DUBLIN_CORE_QUERYABLES, recordTypeOfDcType } from '../../../../plugins/catalogue/formats/queryables.js';
import { createMetadataFormats } from '../../../../plugins/catalogue/formats/index.js';
import { describeQueryables } from '../../../../plugins/catalogue/schema.js';
import { RECORD_TYPES, type CatalogueRecordInput } from '../../../../plugins/catalogue/types.js';
import { applicationRecord, assertInvalidRecord, assertValid, encode, fixture, formats, hostileDocuments, official, samples, serviceRecord, stored, xpath } from './xml-support.js';

const VERSIONS = [
  { name: 'dublin-core', csw: NS.csw202, ows: NS.ows10, xsd: 'ogc/csw/2.0.2/record.xsd', crs: 'urn:ogc:def:crs:EPSG::4326' },
  { name: 'dublin-core-3', csw: NS.csw30, ows: NS.ows20, xsd: 'ogc/cat/csw/3.0/record.xsd', crs: 'http://www.opengis.net/def/crs/EPSG/0/4326' },
] as const;

function decodeAll(text: string, format: string): CatalogueRecordInput[] {
  return formats.decode({ text }, { format }).records;
}

function record(csw: string, ows: string, body: string, root = 'Record'): string {
  return `<csw:${root} xmlns:csw="${csw}" xmlns:dc="${NS.dc}" xmlns:dct="${NS.dct}" xmlns:ows="${ows}">${body}</csw:${root}>`;
}

describe('Dublin Core formats (CSW 2.0.2 and 3.0 records)', () => {
  const { collections, products } = samples();
  const records = [collections[0]!, ...products.slice(0, 3), serviceRecord(), applicationRecord(), stored(formats.decode(fixture('iso19139-mi-collection.xml')).records[0]!)];

  for (const v of VERSIONS) {
    describe(v.name, () => {
      const ns = { csw: v.csw, dc: NS.dc, dct: NS.dct, ows: v.ows };

      it('writes BriefRecord, SummaryRecord and Record valid against record.xsd for every record type', () => {
        const roots = { brief: 'BriefRecord', summary: 'SummaryRecord', full: 'Record' } as const;
        for (const r of records) {
          for (const elementSet of ['brief', 'summary', 'full'] as const) {
            const xml = encode(v.name, r, { elementSet });
            assertValid(xml, v.xsd);
            assert.ok(xml.startsWith(`<csw:${roots[elementSet]} `), xml.slice(0, 80));
            assert.deepEqual(xpath(xml, '/*/dc:identifier', ns), [r.identifier]);
          }
        }
      });

      it('brief holds identifier, title, type and box; summary adds subjects, dates, abstract; full the rest', () => {
        const p = products[0]!;
        const brief = encode(v.name, p, { elementSet: 'brief' });
        assert.deepEqual(xpath(brief, '/*/*', ns), [p.identifier, p.title, 'dataset', xpath(brief, '/*/ows:BoundingBox', ns)[0]]);
        const summary = encode(v.name, p, { elementSet: 'summary' });
        assert.deepEqual(xpath(summary, '/*/dc:subject', ns), p.keywords);
        assert.deepEqual(xpath(summary, '/*/dct:modified', ns), [p.updated]);
        assert.deepEqual(xpath(summary, '/*/dct:abstract', ns), [p.abstract]);
        const full = encode(v.name, p);
        assert.deepEqual(xpath(full, '/*/dct:isPartOf', ns), [p.parentIdentifier]);
        assert.deepEqual(xpath(full, '/*/dct:temporal', ns), [`${p.start}/${p.end}`]);
        assert.deepEqual(xpath(full, '/*/dct:references', ns), [p.links![0]!.href]);
        assert.deepEqual(xpath(full, '/*/dct:references/@scheme', ns), ['WWW:DOWNLOAD-1.0-http--download']);
        assert.deepEqual(xpath(full, "/*/dc:type", ns), ['dataset']);
        assert.deepEqual(xpath(encode(v.name, collections[0]!), '/*/dc:type', ns), ['series']);
      });

      it('writes the box latitude first under the EPSG:4326 CRS it names', () => {
        const [minx, miny, maxx, maxy] = products[0]!.bbox!;
        const xml = encode(v.name, products[0]!);
        assert.deepEqual(xpath(xml, '/*/ows:BoundingBox/@crs', ns), [v.crs]);
        assert.deepEqual(xpath(xml, '/*/ows:BoundingBox/ows:LowerCorner', ns), [`${miny} ${minx}`]);
        assert.deepEqual(xpath(xml, '/*/ows:BoundingBox/ows:UpperCorner', ns), [`${maxy} ${maxx}`]);
        assert.deepEqual(decodeAll(xml, v.name)[0]!.geometry, stored({ identifier: 'x', type: 'product', geometry: { type: 'Polygon', coordinates: [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]] } }).geometry);
      });

      it('round trips the fields Dublin Core carries, an open end included', () => {
        for (const r of records) {
          const back = decodeAll(encode(v.name, r), v.name)[0]!;
          assert.equal(back.identifier, r.identifier);
          assert.equal(back.type, r.type);
          assert.equal(back.title, r.title);
          assert.equal(back.abstract, r.abstract);
          assert.deepEqual(back.keywords, r.keywords);
          assert.equal(back.parentIdentifier, r.parentIdentifier);
          assert.equal(back.start, r.start);
          assert.equal(back.end, r.end);
          assert.equal(back.openEnd, r.openEnd);
          assert.equal(back.creationDate, r.creationDate);
          assert.deepEqual(stored(back).bbox, r.bbox);
          assert.deepEqual(back.offerings?.map((o) => o.code), r.offerings?.map((o) => o.code));
          // dct:references says the protocol, not the relation: downloads and browse images keep theirs.
          const rel = (l: { rel: string }) => (l.rel === 'enclosure' || l.rel === 'icon' ? l.rel : 'related');
          assert.deepEqual(back.links?.map((l) => [l.href, l.rel]), r.links?.map((l) => [l.href, rel(l)]));
          assert.equal(back.metadata?.format, v.name);
        }
      });

      it('refuses what is no CSW record, naming where', () => {
        for (const text of Object.values(hostileDocuments(`<csw:Record xmlns:csw="${v.csw}">`, '</csw:Record>'))) {
          assertInvalidRecord(() => decodeAll(text, v.name), 'document');
        }
        const other = v.name === 'dublin-core' ? VERSIONS[1] : VERSIONS[0];
        assertInvalidRecord(() => decodeAll(record(other.csw, other.ows, '<dc:identifier>x</dc:identifier>'), v.name), 'csw:Record', /expected csw:Record/);
        assertInvalidRecord(() => decodeAll(record(v.csw, v.ows, '<dc:title>No identifier</dc:title>'), v.name), 'dc:identifier');
        assertInvalidRecord(() => decodeAll(record(v.csw, v.ows, '<dc:identifier>x</dc:identifier><ows:BoundingBox><ows:LowerCorner>1</ows:LowerCorner><ows:UpperCorner>2 3</ows:UpperCorner></ows:BoundingBox>'), v.name), 'ows:LowerCorner');
        assertInvalidRecord(() => decodeAll(record(v.csw, v.ows, '<dc:identifier>x</dc:identifier><ows:BoundingBox crs="urn:ogc:def:crs:EPSG::999999"><ows:LowerCorner>1 2</ows:LowerCorner><ows:UpperCorner>2 3</ows:UpperCorner></ows:BoundingBox>'), v.name), 'ows:BoundingBox', /unknown/);
        assertInvalidRecord(() => decodeAll(record(v.csw, v.ows, '<dc:identifier>x</dc:identifier><dct:modified>last tuesday</dct:modified>'), v.name), 'dct:modified');
        assertInvalidRecord(() => decodeAll(record(v.csw, v.ows, '<dc:identifier>x</dc:identifier><dct:temporal>2020/2021/2022</dct:temporal>'), v.name), 'dct:temporal');
      });
    });
  }

  describe('reading', () => {
    it('reads the official CSW 2.0.2 records and responses', () => {
      const full = decodeAll(official('ogc/csw/2.0.2/examples/Clause_10.2.5.3.2_Example03_Full.xml'), 'dublin-core');
      assert.deepEqual(full, [
        {
          identifier: '00180e67-b7cf-40a3-861d-b3a09337b195',
          type: 'product',
          title: 'Image2000 Product 1 (at1) Multispectral',
          abstract: 'IMAGE2000 product 1 individual orthorectified scenes. IMAGE2000 was produced from ETM+ Landsat 7 satellite data and provides a consistent European coverage of individual orthorectified scenes in national map projection systems.',
          keywords: ['imagery', 'baseMaps', 'earthCover'],
          geometry: { type: 'Polygon', coordinates: [[[14.05, 46.46], [17.24, 46.46], [17.24, 48.42], [14.05, 48.42], [14.05, 46.46]]] },
          modificationDate: '2004-10-04T00:00:00.000Z',
          language: 'en',
          metadata: { format: 'dublin-core', content: official('ogc/csw/2.0.2/examples/Clause_10.2.5.3.2_Example03_Full.xml') },
          properties: { formats: ['BIL'], creator: ['Vanda Lima'] },
        },
      ]);
      for (const name of ['examples/Clause_10.2.5.3.4_Example01_Brief.xml', 'examples/Clause_10.2.5.3.3_Example02_Summary.xml', 'profiles/apiso/1.0.0/examples-Catalogue/CSW_202_DC_Full.xml', 'profiles/apiso/1.0.0/examples-Catalogue/CSW_202_DC_Summary.xml', 'profiles/apiso/1.0.0/examples-Catalogue/CSW_202_DC_Brief.xml']) {
        const [r] = decodeAll(official(`ogc/csw/2.0.2/${name}`), 'dublin-core');
        assert.equal(r!.identifier, '00180e67-b7cf-40a3-861d-b3a09337b195', name);
        assert.equal(r!.title, 'Image2000 Product 1 (at1) Multispectral', name);
      }
      const response = decodeAll(official('ogc/csw/2.0.2/examples/Clause_6.3.3_Example01_Response.xml'), 'dublin-core');
      assert.equal(response.length, 1);
      assert.equal(response[0]!.type, 'service');
      assert.deepEqual((response[0]!.properties as Record<string, unknown>).relations, ['OfferedBy']);
      assert.equal(response[0]!.metadata!.content, official('ogc/csw/2.0.2/examples/Clause_6.3.3_Example01_Response.xml'));
    });

    it('reads the official CSW 3.0 GetRecords response, its temporal extent and box', () => {
      const [r] = decodeAll(official('ogc/cat/csw/3.0/examples/GetRecordsDCRecordResponse.xml'), 'dublin-core-3');
      assert.equal(r!.identifier, 'ac522ef2-89a6-11db-91b1-7eea55d89593');
      assert.equal(r!.type, 'service');
      assert.equal(r!.start, '2001-12-01T09:30:47.000Z');
      assert.equal(r!.end, '2001-12-17T09:30:47.000Z');
      assert.deepEqual(stored(r!).bbox, [-108.44, 28.229, -96.223, 34.353]);
      assert.deepEqual((r!.properties as Record<string, unknown>).publisher, ['U.S. Geological Survey']);
    });

    it('detects 2.0.2 and 3.0 records and responses by namespace', () => {
      assert.equal(formats.decode(official('ogc/csw/2.0.2/examples/Clause_10.2.5.3.4_Example01_Brief.xml')).format.name, 'dublin-core');
      assert.equal(formats.decode(official('ogc/cat/csw/3.0/examples/GetRecordsDCRecordResponse.xml')).format.name, 'dublin-core-3');
      assert.equal(formats.find('dublin-core')!.detect!({ text: fixture('iso19139-service.xml') }), false);
      assert.equal(formats.find('http://www.opengis.net/cat/csw/3.0')!.name, 'dublin-core-3');
    });

    it('reads a harvested page of several records, each keeping its own XML', () => {
      const page = `<csw:GetRecordsResponse xmlns:csw="${NS.csw202}" xmlns:dc="${NS.dc}" xmlns:dct="${NS.dct}" xmlns:ows="${NS.ows10}" version="2.0.2">
        <csw:SearchStatus timestamp="2024-01-01T00:00:00Z"/>
        <csw:SearchResults numberOfRecordsMatched="3" numberOfRecordsReturned="3" elementSet="summary" nextRecord="0">
          <csw:SummaryRecord><dc:identifier>a</dc:identifier><dc:title>A</dc:title><dc:type>series</dc:type></csw:SummaryRecord>
          <csw:SummaryRecord><dc:identifier>b</dc:identifier><dc:title>B</dc:title><dc:type>http://purl.org/dc/dcmitype/Dataset</dc:type></csw:SummaryRecord>
          <csw:BriefRecord><dc:identifier>c</dc:identifier><dc:title>C</dc:title><dc:type>Software</dc:type></csw:BriefRecord>
        </csw:SearchResults></csw:GetRecordsResponse>`;
      const records = decodeAll(page, 'dublin-core');
      assert.deepEqual(records.map((r) => [r.identifier, r.type]), [['a', 'collection'], ['b', 'product'], ['c', 'application']]);
      assert.match(records[2]!.metadata!.content, /^<csw:BriefRecord[^>]*><dc:identifier>c<\/dc:identifier>/);
      // Each record's kept XML is a document of its own.
      assert.deepEqual(decodeAll(records[0]!.metadata!.content, 'dublin-core').map((r) => r.identifier), ['a']);
    });

    it('reads an empty page as no records, and refuses a page of the other version or of ISO records', () => {
      const empty = formats.decode(official('ogc/cat/csw/3.0/examples/GetRecordsEmptyResponse.xml'));
      assert.equal(empty.format.name, 'dublin-core-3');
      assert.deepEqual(empty.records, []);
      assertInvalidRecord(() => decodeAll(official('ogc/cat/csw/3.0/examples/GetRecordsDCRecordResponse.xml'), 'dublin-core'), 'csw:Record', /expected csw:Record/);
      assertInvalidRecord(() => decodeAll(official('ogc/cat/csw/3.0/examples/GetRecordsISO19139Response.xml'), 'dublin-core-3'), 'csw:Record', /records in the response/);
    });

    it('reads boxes by their CRS: WGS84BoundingBox and crs-less boxes longitude first, URNs latitude first, others transformed', () => {
      const box = (el: string, crs: string, lower: string, upper: string) =>
        decodeAll(record(NS.csw202, NS.ows10, `<dc:identifier>x</dc:identifier><ows:${el}${crs ? ` crs="${crs}"` : ''}><ows:LowerCorner>${lower}</ows:LowerCorner><ows:UpperCorner>${upper}</ows:UpperCorner></ows:${el}>`), 'dublin-core')[0]!;
      const bbox = (r: CatalogueRecordInput) => stored(r).bbox!.map((n) => Math.round(n * 1000) / 1000);
      assert.deepEqual(bbox(box('WGS84BoundingBox', '', '2 48', '3 49')), [2, 48, 3, 49]);
      assert.deepEqual(bbox(box('BoundingBox', '', '2 48', '3 49')), [2, 48, 3, 49]);
      assert.deepEqual(bbox(box('BoundingBox', 'urn:x-ogc:def:crs:EPSG:6.11:4326', '48 2', '49 3')), [2, 48, 3, 49]);
      assert.deepEqual(bbox(box('BoundingBox', 'EPSG:4326', '2 48', '3 49')), [2, 48, 3, 49]);
      assert.deepEqual(bbox(box('BoundingBox', 'EPSG:3857', '222638.982 6106854.835', '333958.472 6274861.394')), [2, 48, 3, 49]);
      assert.equal(box('WGS84BoundingBox', '', '170 -10', '-170 10').geometry!.type, 'MultiPolygon');
    });

    it('reads links and offerings from dct:references, times from dct:temporal in its forms', () => {
      const one = (body: string) => decodeAll(record(NS.csw202, NS.ows10, `<dc:identifier>x</dc:identifier>${body}`), 'dublin-core')[0]!;
      const r = one(`<dct:references scheme="OGC:WMS">https://maps.example.org/wms</dct:references><dct:references scheme="WWW:DOWNLOAD-1.0-http--download">https://dl.example.org/x.zip</dct:references><dct:references>https://example.org/about</dct:references>`);
      assert.deepEqual(r.offerings, [{ code: 'http://www.opengis.net/spec/owc-geojson/1.0/req/wms', operations: [{ code: 'GetCapabilities', method: 'GET', href: 'https://maps.example.org/wms?service=WMS&request=GetCapabilities', type: 'application/xml' }] }]);
      assert.deepEqual(r.links, [{ href: 'https://dl.example.org/x.zip', rel: 'enclosure' }, { href: 'https://example.org/about', rel: 'related' }]);
      const times = (t: string) => {
        const x = one(`<dct:temporal>${t}</dct:temporal>`);
        return [x.start, x.end, x.openEnd];
      };
      assert.deepEqual(times('2020-01-01T00:00:00Z/2020-02-01T00:00:00Z'), ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z', undefined]);
      assert.deepEqual(times('2020-06/..'), ['2020-06-01T00:00:00.000Z', undefined, true]);
      assert.deepEqual(times('start=2019-01-01; end=2019-12-31; scheme=W3C-DTF;'), ['2019-01-01T00:00:00.000Z', '2019-12-31T23:59:59.999Z', undefined]);
      assert.deepEqual(times('2021'), ['2021-01-01T00:00:00.000Z', '2021-12-31T23:59:59.999Z', undefined]);
    });
  });

  describe('queryables', () => {
    const engine = new Set(describeQueryables().map((q) => q.name));

    it('map every Dublin Core and APISO name to a queryable the engine has (null: full text)', () => {
      for (const [name, queryable] of Object.entries({ ...DUBLIN_CORE_QUERYABLES, ...APISO_QUERYABLES })) {
        assert.ok(queryable === null || engine.has(queryable), `${name} -> ${queryable}`);
      }
      assert.equal(DUBLIN_CORE_QUERYABLES['dc:title'], 'title');
      assert.equal(DUBLIN_CORE_QUERYABLES['dct:modified'], 'updated');
      assert.equal(DUBLIN_CORE_QUERYABLES['dc:subject'], 'keywords');
      assert.equal(DUBLIN_CORE_QUERYABLES['csw:AnyText'], null);
      assert.equal(APISO_QUERYABLES['apiso:TempExtent_begin'], 'start');
    });

    it('are published by the formats that write those elements, with their record-type words', () => {
      const formats = createMetadataFormats();
      for (const name of ['dublin-core', 'dublin-core-3']) {
        const f = formats.find(name)!;
        assert.equal(f.queryables, DUBLIN_CORE_QUERYABLES);
        assert.equal(f.typeNames?.collection, 'series');
        assert.equal(f.recordTypeOf?.('dataset'), 'product');
      }
      assert.equal(formats.find('iso19139')!.queryables, APISO_QUERYABLES);
      assert.deepEqual(Object.keys(DC_TYPE_NAMES).sort(), [...RECORD_TYPES].sort());
    });

    it('translate record types to dc:type values and back', () => {
      for (const type of RECORD_TYPES) assert.equal(recordTypeOfDcType(dcTypeOf(type)), type);
      assert.equal(recordTypeOfDcType('http://purl.org/dc/dcmitype/Dataset'), 'product');
      assert.equal(recordTypeOfDcType('Collection'), 'collection');
      assert.equal(recordTypeOfDcType('nonGeographicDataset'), 'product');
      assert.equal(recordTypeOfDcType('feature'), undefined);
    });
  });
});
