import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { NS } from '../../../../core/ows/index.js';
import type { CatalogueRecord, CatalogueRecordInput } from '../../../../plugins/catalogue/types.js';
import { SCHEMAS_SOURCE } from '../../../helpers/xsd.js';
import {
  applicationRecord,
  assertInvalidRecord,
  assertValid,
  encode,
  fixture,
  formats,
  hostileDocuments,
  official,
  samples,
  serviceRecord,
  stored,
  xpath,
} from './xml-support.js';

const GMD = 'ogc/iso/19139/20070417/gmd/gmd.xsd';
const SRV = 'ogc/iso/19139/20070417/srv/1.0/srv.xsd';
const APISO = 'ogc/csw/2.0.2/profiles/apiso/1.0.0/apiso.xsd';
const APISO_EXAMPLES = 'ogc/csw/2.0.2/profiles/apiso/1.0.0/examples-ISO19139';
const ns = { gmd: NS.gmd, gco: NS.gco, srv: NS.srv, gml: NS.gml32 };
const iso = formats.find('iso19139')!;

function decode(text: string, options = {}): CatalogueRecordInput {
  const records = formats.decode({ text }, { format: 'iso19139', ...options }).records;
  assert.equal(records.length, 1);
  return records[0]!;
}

/** The record read back from its own ISO 19139 full encoding. */
function roundTrip(record: CatalogueRecord): CatalogueRecordInput {
  return decode(encode('iso19139', record));
}

describe('ISO 19139 format', () => {
  const { collections, products } = samples();
  const records = [...collections.slice(0, 1), ...products.slice(0, 3), serviceRecord(), applicationRecord(), stored(decode(fixture('iso19139-mi-collection.xml')))];

  describe('writing', () => {
    for (const elementSet of ['brief', 'summary', 'full'] as const) {
      it(`writes collections, products, services and applications valid against gmd.xsd / srv.xsd and APISO (${elementSet})`, () => {
        for (const record of records) {
          const xml = encode('iso19139', record, { elementSet });
          const isService = record.type === 'service' || record.type === 'application';
          assertValid(xml, isService ? SRV : GMD);
          assertValid(xml, APISO);
          assert.equal(xpath(xml, '/gmd:MD_Metadata/gmd:fileIdentifier/gco:CharacterString', ns)[0], record.identifier);
          assert.equal(xpath(xml, `/gmd:MD_Metadata/gmd:identificationInfo/${isService ? 'srv:SV_ServiceIdentification' : 'gmd:MD_DataIdentification'}`, ns).length, 1);
        }
      });
    }

    it('writes collections as series and products as datasets, with the parent of a product', () => {
      const collection = encode('iso19139', collections[0]!);
      const product = encode('iso19139', products[0]!);
      assert.deepEqual(xpath(collection, '//gmd:hierarchyLevel/gmd:MD_ScopeCode/@codeListValue', ns), ['series']);
      assert.deepEqual(xpath(product, '//gmd:hierarchyLevel/gmd:MD_ScopeCode/@codeListValue', ns), ['dataset']);
      assert.deepEqual(xpath(product, '/gmd:MD_Metadata/gmd:parentIdentifier/gco:CharacterString', ns), [products[0]!.parentIdentifier]);
      assert.deepEqual(xpath(encode('iso19139', applicationRecord()), '//gmd:hierarchyLevel/gmd:MD_ScopeCode/@codeListValue', ns), ['application']);
    });

    it('keeps brief to the profile’s brief elements, adds keywords, links and time in summary and the footprint and image description in full', () => {
      const product = products[0]!;
      const count = (xml: string, expr: string) => xpath(xml, expr, ns).length;
      const [brief, summary, full] = (['brief', 'summary', 'full'] as const).map((elementSet) => encode('iso19139', product, { elementSet }));
      // Brief: identifier, type, title, bounding box (and ISO's mandatory contact, date stamp, abstract, language).
      assert.equal(count(brief!, '//gmd:EX_GeographicBoundingBox'), 1);
      for (const absent of ['//gmd:descriptiveKeywords', '//gmd:distributionInfo', '//gml:TimePeriod', '//gmd:parentIdentifier', '//gmd:EX_BoundingPolygon']) {
        assert.equal(count(brief!, absent), 0, `brief has ${absent}`);
      }
      assert.ok(count(summary!, '//gmd:descriptiveKeywords') > 0);
      assert.equal(count(summary!, '//gmd:distributionInfo//gmd:CI_OnlineResource'), 1);
      assert.equal(count(summary!, '//gml:TimePeriod'), 1);
      assert.equal(count(summary!, '//gmd:EX_BoundingPolygon'), 0);
      assert.equal(count(full!, '//gmd:EX_BoundingPolygon/gmd:polygon/gml:Polygon'), 1);
      assert.deepEqual(xpath(full!, '//gmd:MD_ImageDescription/gmd:cloudCoverPercentage/gco:Real', ns), [String(product.cloudCover)]);
      assert.ok(brief!.length < summary!.length && summary!.length < full!.length);
    });

    it('writes a service’s offerings as its operations and an open end as indeterminate', () => {
      const xml = encode('iso19139', serviceRecord());
      assert.deepEqual(xpath(xml, '//srv:containsOperations/srv:SV_OperationMetadata/srv:operationName/gco:CharacterString', ns), ['GetCapabilities', 'GetMap']);
      assert.deepEqual(xpath(xml, '//srv:serviceType/gco:LocalName', ns), ['OGC:WMS']);
      assert.deepEqual(xpath(xml, '//srv:operatesOn/@uuidref', ns), ['sample-sentinel2-l2a']);
      const app = encode('iso19139', applicationRecord());
      assert.deepEqual(xpath(app, '//gml:TimePeriod/gml:endPosition/@indeterminatePosition', ns), ['now']);
    });

    it('gives each record’s GML elements ids of their own, so records embedded together stay valid', () => {
      const a = encode('iso19139', products[0]!);
      const b = encode('iso19139', stored({ ...products[0]!, identifier: 'urn:x:1/2 3' }));
      const ids = [...xpath(a, '//@gml:id', ns), ...xpath(b, '//@gml:id', ns)];
      assert.equal(new Set(ids).size, ids.length);
      for (const id of ids) assert.match(id, /^[A-Za-z_][\w.-]*$/);
    });

    it('returns the stored document unchanged when asked for it as received', () => {
      const text = fixture('iso19139-gml311-product.xml');
      const record = stored(decode(text));
      assert.equal(formats.encode('iso19139', record, { asReceived: true }), text);
      assert.notEqual(formats.encode('iso19139', record), text);
    });
  });

  describe('reading', () => {
    it('detects gmd:MD_Metadata and gmi:MI_Metadata, and nothing else', () => {
      assert.equal(formats.decode(fixture('iso19139-mi-collection.xml')).format.name, 'iso19139');
      assert.equal(formats.decode(fixture('iso19139-gml311-product.xml')).format.name, 'iso19139');
      assert.equal(iso.detect!({ text: fixture('iso19115-3-product.xml') }), false);
      assert.equal(iso.detect!({ text: official('ogc/iso/19139/20070417/resources/example/fr-fr.xml') }), false);
      assert.equal(iso.detect!({ text: '{"type":"Feature"}', json: { type: 'Feature' } }), false);
    });

    it('keeps a contact that names only its organisation (no role), and drops one that says nothing', () => {
      const doc = `<gmd:MD_Metadata xmlns:gmd="${NS.gmd}" xmlns:gco="${NS.gco}">
        <gmd:fileIdentifier><gco:CharacterString>contact-test</gco:CharacterString></gmd:fileIdentifier>
        <gmd:hierarchyLevel><gmd:MD_ScopeCode codeList="x" codeListValue="dataset">dataset</gmd:MD_ScopeCode></gmd:hierarchyLevel>
        <gmd:contact><gmd:CI_ResponsibleParty><gmd:organisationName><gco:CharacterString>Only A Name</gco:CharacterString></gmd:organisationName></gmd:CI_ResponsibleParty></gmd:contact>
        <gmd:contact><gmd:CI_ResponsibleParty><gmd:role><gmd:CI_RoleCode codeList="x" codeListValue="author">author</gmd:CI_RoleCode></gmd:role></gmd:CI_ResponsibleParty></gmd:contact>
        <gmd:dateStamp><gco:Date>2020-01-01</gco:Date></gmd:dateStamp>
        <gmd:identificationInfo><gmd:MD_DataIdentification><gmd:citation><gmd:CI_Citation><gmd:title><gco:CharacterString>T</gco:CharacterString></gmd:title></gmd:CI_Citation></gmd:citation><gmd:abstract><gco:CharacterString>A</gco:CharacterString></gmd:abstract></gmd:MD_DataIdentification></gmd:identificationInfo>
      </gmd:MD_Metadata>`;
      const contacts = (decode(doc).properties as { contacts?: unknown[] }).contacts;
      assert.deepEqual(contacts, [{ scope: 'metadata', organisationName: 'Only A Name' }]);
    });

    it('reads every official APISO example that has a file identifier', () => {
      const dir = path.join(SCHEMAS_SOURCE, APISO_EXAMPLES);
      const names = readdirSync(dir).filter((n) => n.endsWith('.xml'));
      assert.ok(names.length >= 15);
      for (const name of names) {
        const text = official(`${APISO_EXAMPLES}/${name}`);
        if (name === 'collectiondata4ESA.xml') {
          // Its gmd:fileIdentifier is empty.
          assertInvalidRecord(() => decode(text), 'gmd:fileIdentifier');
          continue;
        }
        const r = decode(text);
        assert.ok(r.identifier && r.title, name);
        assert.equal(r.metadata?.format, 'iso19139');
        assert.equal(r.metadata?.content, text);
        stored(r); // the engine accepts it as it is
      }
    });

    it('reads the official VMAP0 dataset: default namespace, pre-2007 GML polygon left open, distribution links', () => {
      const r = decode(official(`${APISO_EXAMPLES}/dataset.xml`));
      assert.equal(r.identifier, '550e8400-e29b-41d4-a716-48957441234');
      assert.equal(r.type, 'product');
      assert.equal(r.title, 'VMAPLV0');
      assert.deepEqual(r.keywords, ['Geologie', 'World']);
      // The polygon is preferred to the box, and its unclosed ring is closed.
      assert.equal(r.geometry?.type, 'Polygon');
      const ring = (r.geometry!.coordinates as number[][][])[0]!;
      assert.deepEqual(ring[0], [-180, 90]);
      assert.deepEqual(ring.at(-1), ring[0]);
      assert.equal(r.modificationDate, '2004-03-14T00:00:00.000Z');
      assert.deepEqual(r.links!.filter((l) => l.rel === 'enclosure').map((l) => l.href).slice(0, 2), [
        'http://geoengine.nga.mil/ftpdir/archive/vpf_data/v0noa.tar.gz',
        'http://geoengine.nga.mil/ftpdir/archive/vpf_data/v0eur.tar.gz',
      ]);
      assert.ok(!r.links!.some((l) => l.href === 'http://www.dscr.dla.mil/pc9'), 'a distributor’s contact page is no data link');
      assert.equal(r.organisationName, 'US National Geospatial-Intelligence Agency');
      // The first topic category is the queryable one; the list is kept.
      assert.equal(r.topicCategory, 'boundaries');
      assert.deepEqual((r.properties as Record<string, unknown>).topicCategories, ['boundaries', 'elevation', 'inlandWaters', 'oceans', 'society', 'structure', 'transportation', 'utilitiesCommunication']);
    });

    it('reads the official service instance as a service with a WMS offering', () => {
      const r = decode(official(`${APISO_EXAMPLES}/serviceInstanceSimple.xml`));
      assert.equal(r.type, 'service');
      assert.deepEqual(r.offerings, [
        {
          code: 'http://www.opengis.net/spec/owc-geojson/1.0/req/wms',
          operations: [{ code: 'GetCapabilities', method: 'GET', href: 'http://someservcer.com/WMS?service=WMS&request=GetCapabilities', type: 'application/xml' }],
        },
      ]);
      assert.equal((r.properties as Record<string, unknown>).serviceType, 'WMS');
    });

    it('reads an MI_Metadata collection: acquisition platform and instrument, Anchors, an ongoing period, offerings', () => {
      const r = decode(fixture('iso19139-mi-collection.xml'), { owner: 'alice' });
      assert.equal(r.identifier, 'EOP:EXAMPLE:SENTINEL-2:MSI:L2A');
      assert.equal(r.type, 'collection');
      assert.equal(r.title, 'Sentinel-2 MSI Level-2A Bottom-of-Atmosphere Reflectance');
      assert.deepEqual(r.keywords, ['Orthoimagery', 'Land cover', 'Surface reflectance']);
      assert.equal(r.platform, 'Sentinel-2');
      assert.equal(r.instrument, 'MSI');
      assert.equal(r.resolution, 10);
      assert.equal(r.processingLevel, 'Level-2A');
      assert.deepEqual(r.geometry, { type: 'Polygon', coordinates: [[[-180, -56], [180, -56], [180, 84], [-180, 84], [-180, -56]]] });
      assert.equal(r.start, '2017-03-28T00:00:00.000Z');
      assert.equal(r.end, undefined);
      assert.equal(r.openEnd, true);
      assert.equal(r.creationDate, '2017-03-28T00:00:00.000Z');
      assert.equal(r.modificationDate, '2023-05-30T08:00:00.000Z');
      assert.equal(r.owner, 'alice');
      assert.deepEqual(r.offerings!.map((o) => [o.code.split('/').pop(), o.operations![0]!.code, o.operations![0]!.href]), [
        ['wms', 'GetCapabilities', 'https://services.example.org/ows/wms?service=WMS&request=GetCapabilities'],
        ['wcs', 'GetCapabilities', 'https://services.example.org/ows/wcs?service=WCS&request=GetCapabilities&version=2.0.1'],
      ]);
      assert.deepEqual(r.links, [
        { href: 'https://download.example.org/sentinel-2/l2a/', rel: 'enclosure', title: 'Product archive' },
        { href: 'https://eo.example.org/docs/sentinel-2-l2a', rel: 'describedby', title: 'Product specification' },
        { href: 'https://eo.example.org/browse/sentinel-2-l2a.png', rel: 'icon', type: 'image/png', title: 'Coverage map' },
      ]);
      const p = r.properties as Record<string, unknown>;
      assert.equal(p.alternateTitle, 'S2 L2A');
      assert.equal(r.language, 'eng');
      assert.deepEqual(p.formats, ['SAFE']);
      assert.deepEqual(p.rights, ['otherRestrictions', 'Free and open access under the Copernicus data policy']);
      assert.deepEqual([r.useLimitation, r.accessConstraint, r.otherConstraint], ['Free and open access under the Copernicus data policy', 'otherRestrictions', undefined]);
      assert.equal(r.lineage, 'Processed from Level-1C with the Sen2Cor atmospheric correction processor.');
      assert.deepEqual(p.crs, ['WGS 84 (EPSG:4326)']);
      assert.deepEqual([r.organisationName, r.organisationRole], ['Example Space Agency', 'originator']);
      assert.deepEqual(p.contacts, [
        { scope: 'metadata', role: 'pointOfContact', organisationName: 'Example Space Agency - Earth Observation Data Centre', email: 'eo-support@example.org' },
        { scope: 'resource', role: 'originator', organisationName: 'Example Space Agency', individualName: 'Data Services Team' },
      ]);
    });

    it('reads a GML 3.1 product: a latitude-first polygon, begin/end instants with offsets, typed platform keywords, km', () => {
      const r = decode(fixture('iso19139-gml311-product.xml'));
      assert.equal(r.type, 'product');
      assert.equal(r.parentIdentifier, 'landsat-8-l1tp');
      assert.deepEqual(r.geometry, { type: 'Polygon', coordinates: [[[-4.6, 49.4], [-2.1, 48.9], [-2.8, 47.2], [-5.3, 47.7], [-4.6, 49.4]]] });
      assert.equal(r.start, '2020-06-15T10:59:41.000Z');
      assert.equal(r.end, '2020-06-15T11:00:05.000Z');
      assert.equal(r.platform, 'LANDSAT-8');
      assert.equal(r.instrument, 'OLI_TIRS');
      assert.deepEqual(r.keywords, ['LANDSAT-8', 'OLI_TIRS', 'Brittany']);
      assert.equal(r.resolution, 30);
      assert.equal(r.cloudCover, 12.5);
      assert.equal(r.processingLevel, 'L1TP');
      assert.equal(r.creationDate, '2020-06-26T03:12:40.000Z');
      assert.deepEqual(r.links, [
        { href: 'https://download.example.org/landsat/LC08_L1TP_199026_20200615_20200626_01_T1.tar', rel: 'enclosure', type: 'application/x-tar' },
        { href: 'https://download.example.org/landsat/LC08_L1TP_199026_20200615_20200626_01_T1_thumb.jpg', rel: 'icon' },
      ]);
    });

    it('reads the EO fields pycsw keeps in "eo:name:value" keywords, leaving them out of the keywords', () => {
      const eo = ['eo:productType:S2MSI2A', 'eo:orbitNumber:50', 'eo:orbitDirection:DESCENDING', 'eo:snowCover:0.0', 'eo:cloudCover:99', 'eo:orbitNumber:fifty', 'eo:unknownThing:1'];
      const text = fixture('iso19139-gml311-product.xml').replace('<gco:CharacterString>Brittany</gco:CharacterString>', eo.map((k) => `<gco:CharacterString>${k}</gco:CharacterString></keyword><keyword>`).join('') + '<gco:CharacterString>Brittany</gco:CharacterString>');
      const r = decode(text);
      assert.deepEqual([r.productType, r.orbitNumber, r.orbitDirection, r.snowCover], ['S2MSI2A', 50, 'DESCENDING', 0]);
      // The document's own cloud cover element wins over a keyword.
      assert.equal(r.cloudCover, 12.5);
      assert.deepEqual(r.keywords, ['LANDSAT-8', 'OLI_TIRS', 'eo:orbitNumber:fifty', 'eo:unknownThing:1', 'Brittany']);
    });

    it('a document naming no parent takes the one the import gives', () => {
      const text = fixture('iso19139-mi-collection.xml').replace('codeListValue="series">series', 'codeListValue="dataset">dataset');
      assert.equal(decode(text, { parentIdentifier: 'into-this' }).parentIdentifier, 'into-this');
      assert.equal(decode(fixture('iso19139-gml311-product.xml'), { parentIdentifier: 'into-this' }).parentIdentifier, 'landsat-8-l1tp');
    });

    it('reads a service: extent across the antimeridian, excluded areas left out, operations joined into one offering', () => {
      const r = decode(fixture('iso19139-service.xml'));
      assert.equal(r.type, 'service');
      assert.deepEqual(r.geometry, {
        type: 'MultiPolygon',
        coordinates: [[[[150, -20], [180, -20], [180, 20], [150, 20], [150, -20]]], [[[-180, -20], [-120, -20], [-120, 20], [-180, 20], [-180, -20]]]],
      });
      assert.deepEqual(r.offerings, [
        {
          code: 'http://www.opengis.net/spec/owc-geojson/1.0/req/wms',
          operations: [
            { code: 'GetCapabilities', method: 'GET', href: 'https://maps.example.org/sst/wms?service=WMS&request=GetCapabilities', type: 'application/xml' },
            { code: 'GetMap', method: 'GET', href: 'https://maps.example.org/sst/wms?service=WMS&version=1.3.0&request=GetMap&layers=sst' },
          ],
        },
      ]);
      const p = r.properties as Record<string, unknown>;
      assert.equal(p.serviceType, 'WMS');
      assert.equal(p.serviceTypeVersion, '1.3.0');
      assert.equal(p.couplingType, 'tight');
      assert.deepEqual(p.operatesOn, ['pacific-sst-daily']);
      assert.equal(r.publicationDate, '2019-04-01T00:00:00.000Z');
    });

    it('reads pycsw’s and GeoNetwork’s habits: point boxes, empty template values, PT_FreeText, gco:nilReason', () => {
      const doc = (ident: string) => `<gmd:MD_Metadata xmlns:gmd="${NS.gmd}" xmlns:gco="${NS.gco}" xmlns:gml="${NS.gml32}">
        <gmd:fileIdentifier><gco:CharacterString> station-7 </gco:CharacterString></gmd:fileIdentifier>
        <gmd:contact gco:nilReason="missing"/><gmd:dateStamp><gco:Date>2014-04-16</gco:Date></gmd:dateStamp>
        <gmd:identificationInfo><gmd:MD_DataIdentification>${ident}</gmd:MD_DataIdentification></gmd:identificationInfo></gmd:MD_Metadata>`;
      const box = (w: string, e: string, s: string, n: string) =>
        `<gmd:extent><gmd:EX_Extent><gmd:geographicElement><gmd:EX_GeographicBoundingBox><gmd:westBoundLongitude><gco:Decimal>${w}</gco:Decimal></gmd:westBoundLongitude><gmd:eastBoundLongitude><gco:Decimal>${e}</gco:Decimal></gmd:eastBoundLongitude><gmd:southBoundLatitude><gco:Decimal>${s}</gco:Decimal></gmd:southBoundLatitude><gmd:northBoundLatitude><gco:Decimal>${n}</gco:Decimal></gmd:northBoundLatitude></gmd:EX_GeographicBoundingBox></gmd:geographicElement></gmd:EX_Extent></gmd:extent>`;
      const title = `<gmd:citation><gmd:CI_Citation><gmd:title><gmd:PT_FreeText><gmd:textGroup><gmd:LocalisedCharacterString locale="#FR">Station 7</gmd:LocalisedCharacterString></gmd:textGroup></gmd:PT_FreeText></gmd:title><gmd:date gco:nilReason="unknown"/></gmd:CI_Citation></gmd:citation><gmd:abstract gco:nilReason="missing"><gco:CharacterString/></gmd:abstract>`;
      const point = decode(doc(title + box('158.224', '158.224', '6.955', '6.955')));
      assert.equal(point.identifier, 'station-7');
      assert.equal(point.title, 'Station 7');
      assert.equal(point.abstract, undefined);
      assert.deepEqual(point.geometry, { type: 'Point', coordinates: [158.224, 6.955] });
      const empty = decode(doc(title + box('', '', '', '') + '<gmd:extent><gmd:EX_Extent><gmd:temporalElement><gmd:EX_TemporalExtent><gmd:extent><gml:TimePeriod gml:id="t"><gml:beginPosition/><gml:endPosition/></gml:TimePeriod></gmd:extent></gmd:EX_TemporalExtent></gmd:temporalElement></gmd:EX_Extent></gmd:extent>'));
      assert.equal(empty.geometry, undefined);
      assert.equal(empty.start, undefined);
      assert.equal(empty.modificationDate, '2014-04-16T00:00:00.000Z');
      // Pretty-printed text is unwrapped; paragraphs stay.
      const abstract = '<gmd:citation><gmd:CI_Citation><gmd:title><gco:CharacterString>x</gco:CharacterString></gmd:title><gmd:date gco:nilReason="unknown"/></gmd:CI_Citation></gmd:citation><gmd:abstract><gco:CharacterString>\n      First line\n      wrapped here.\n\n      Second paragraph.\n    </gco:CharacterString></gmd:abstract>';
      assert.equal(decode(doc(abstract)).abstract, 'First line wrapped here.\n\nSecond paragraph.');
      // Dates in the basic format are read; a citation date that is no date is left out, not refused.
      const dated = (stamp: string, cited: string) =>
        decode(doc(`<gmd:citation><gmd:CI_Citation><gmd:title><gco:CharacterString>x</gco:CharacterString></gmd:title><gmd:date><gmd:CI_Date><gmd:date><gco:Date>${cited}</gco:Date></gmd:date><gmd:dateType><gmd:CI_DateTypeCode codeList="" codeListValue="creation"/></gmd:dateType></gmd:CI_Date></gmd:date></gmd:CI_Citation></gmd:citation>`).replace('<gco:Date>2014-04-16</gco:Date>', `<gco:Date>${stamp}</gco:Date>`));
      assert.deepEqual([dated('20140416', '20070716T101500Z').modificationDate, dated('20140416', '20070716T101500Z').creationDate], ['2014-04-16T00:00:00.000Z', '2007-07-16T10:15:00.000Z']);
      assert.equal(dated('2014-04-16', 'to be defined').creationDate, undefined);
    });

    it('refuses a document that is not ISO 19139, with the reason and where', () => {
      for (const [what, text] of Object.entries(hostileDocuments(`<gmd:MD_Metadata xmlns:gmd="${NS.gmd}">`, '</gmd:MD_Metadata>'))) {
        assertInvalidRecord(() => iso.decode!({ text }, {}), 'document', what === 'not XML' ? /not XML/ : what.includes('DOCTYPE') ? /DOCTYPE/ : /./);
      }
      assertInvalidRecord(() => decode(fixture('iso19115-3-product.xml')), 'gmd:MD_Metadata', /expected gmd:MD_Metadata, found \{http:\/\/standards\.iso\.org\/iso\/19115\/-3\/mdb\/2\.0\}MD_Metadata/);
      const mi = fixture('iso19139-mi-collection.xml');
      assertInvalidRecord(() => decode(mi.replace('<gco:CharacterString>EOP:EXAMPLE:SENTINEL-2:MSI:L2A</gco:CharacterString>\n  </gmd:fileIdentifier>', '</gmd:fileIdentifier>')), 'gmd:fileIdentifier');
      assertInvalidRecord(() => decode(mi.replace('<gco:Decimal>-56</gco:Decimal>', '<gco:Decimal>south</gco:Decimal>')), 'southBoundLatitude', /'south' is not a number/);
      assertInvalidRecord(() => decode(mi.replace('<gco:Decimal>-56</gco:Decimal>', '<gco:Decimal>88</gco:Decimal>')), 'southBoundLatitude', /north of/);
      assertInvalidRecord(() => decode(mi.replace('<gco:Decimal>84</gco:Decimal>', '<gco:Decimal>91</gco:Decimal>')), 'northBoundLatitude', /outside/);
      assertInvalidRecord(() => decode(mi.replace('2017-03-28T00:00:00Z', '28/03/2017')), 'gml:beginPosition', /not an ISO 8601/);
      assertInvalidRecord(() => decode(fixture('iso19139-gml311-product.xml').replace('49.4 -4.6 48.9', '49.4 -4.6 forty')), 'EX_BoundingPolygon', /not a number/);
    });

    it('reads the ISO records of a CSW response page, each kept as a document of its own', () => {
      const official30 = formats.decode(official('ogc/cat/csw/3.0/examples/GetRecordsISO19139Response.xml'));
      assert.equal(official30.format.name, 'iso19139');
      assert.deepEqual(official30.records.map((r) => r.identifier), ['2345-aa453-ade456']);
      const body = (name: string) => fixture(name).replace(/^<\?xml[^>]*>\s*(<!--[\s\S]*?-->\s*)?/, '');
      const page = `<csw:GetRecordsResponse xmlns:csw="${NS.csw202}" version="2.0.2"><csw:SearchStatus timestamp="2024-01-01T00:00:00Z"/>
        <csw:SearchResults numberOfRecordsMatched="2" numberOfRecordsReturned="2" nextRecord="0" elementSet="full">${body('iso19139-mi-collection.xml')}${body('iso19139-service.xml')}</csw:SearchResults></csw:GetRecordsResponse>`;
      const { format, records } = formats.decode(page);
      assert.equal(format.name, 'iso19139');
      assert.deepEqual(records.map((r) => [r.identifier, r.type]), [['EOP:EXAMPLE:SENTINEL-2:MSI:L2A', 'collection'], ['pacific-sst-wms', 'service']]);
      for (const r of records) assert.deepEqual({ ...decode(r.metadata!.content), metadata: undefined }, { ...r, metadata: undefined });
      // A page of Dublin Core records is no ISO 19139.
      assertInvalidRecord(() => decode(official('ogc/cat/csw/3.0/examples/GetRecordsDCRecordResponse.xml')), 'gmd:MD_Metadata', /records in the response/);
    });

    it('a refused document found by detection reports its own fault, not "no format reads it"', () => {
      const text = `<!DOCTYPE x [<!ENTITY e SYSTEM "http://attacker.example/">]><gmd:MD_Metadata xmlns:gmd="${NS.gmd}">&e;</gmd:MD_Metadata>`;
      assertInvalidRecord(() => formats.decode(text), 'document', /DOCTYPE/);
    });
  });

  describe('round trips', () => {
    it('sample collections and products come back with every field ISO 19139 carries', () => {
      for (const record of [...collections, ...products]) {
        const back = roundTrip(record);
        assert.equal(back.identifier, record.identifier);
        assert.equal(back.type, record.type);
        assert.equal(back.title, record.title);
        assert.equal(back.abstract, record.abstract);
        assert.deepEqual(back.geometry, record.geometry);
        const fields = ['start', 'end', 'parentIdentifier', 'platform', 'instrument', 'resolution', 'cloudCover', 'snowCover', 'processingLevel', 'productType', 'sensorType',
          'orbitNumber', 'orbitDirection', 'polarisationChannels', 'acquisitionType', 'status', 'creationDate'] as const;
        for (const k of fields) assert.deepEqual(back[k], record[k], `${record.identifier}: ${k}`);
        // Platform and instrument travel as typed keywords; the EO fields' "eo:" keywords do not join the keywords.
        assert.deepEqual(back.keywords, [...new Set([...(record.keywords ?? []), record.platform!, record.instrument!])]);
        assert.deepEqual(back.links, record.links);
      }
    });

    it('services, applications and a harvested record come back unchanged in their ISO fields', () => {
      const tidy = (r: CatalogueRecordInput) => {
        const { metadata: _m, created: _c, updated: _u, bbox: _b, modificationDate: _d, ...rest } = r as CatalogueRecord;
        return rest;
      };
      for (const record of [serviceRecord(), applicationRecord()]) {
        const back = stored(roundTrip(record));
        assert.deepEqual(back.offerings, record.offerings);
        assert.deepEqual(back.links, record.links);
        assert.equal(back.openEnd, record.openEnd);
        assert.deepEqual(back.geometry, record.geometry);
        for (const [k, v] of Object.entries(record.properties ?? {})) assert.deepEqual((back.properties as Record<string, unknown>)[k], Array.isArray(v) && v.length === 1 && k === 'serviceTypeVersion' ? v[0] : v, k);
      }
      // gmd has no platform or instrument element: they travel as typed keywords, and so join the keywords.
      const harvested = stored(decode(fixture('iso19139-mi-collection.xml')));
      const again = stored(roundTrip(harvested));
      assert.deepEqual(tidy(again), tidy({ ...harvested, keywords: [...harvested.keywords!, 'Sentinel-2', 'MSI'] }));
      assert.deepEqual(tidy(stored(roundTrip(again))), tidy(again));
    });
  });
});
