/**
 * GetCapabilities of WMS 1.3.0 (valid against the official schema) and 1.1.1 (well-formed, in
 * the DTD's element order): service metadata from config, the root layer over the coverages the
 * subject may read, each with its CRSs, boxes in each version's axis order, styles with legend
 * links, time dimension; version negotiation and updateSequence.
 */
import assert from 'node:assert/strict';
import { selectNodes } from '../../../core/ows/index.js';
import { validateXml } from '../../helpers/xsd.js';
import { basicAuthFor, get, parseResponse, projTransform, serviceException, startWms, xpath, type WmsHarness } from './support.js';

const WMS_XSD = 'ogc/wms/1.3.0/capabilities_1_3_0.xsd';
/** Imports capabilities_1_3_0.xsd and adds the SLD 1.1 operations (sld:GetLegendGraphic) to it. */
const SLD_CAPABILITIES_XSD = 'ogc/sld/1.1.0/sld_capabilities.xsd';

const WMS_CONFIG = {
  title: 'Test maps',
  abstract: 'The WMS under test',
  keywords: ['test', 'maps'],
  contact: { person: 'Ada Lovelace', organization: 'Meridian', position: 'Operator', city: 'Paris', country: 'France', phone: '+33 1 23 45 67 89', email: 'ada@example.org' },
  fees: 'no fees',
  accessConstraints: 'public data',
  layerLimit: 4,
  maxWidth: 2048,
  maxHeight: 1024,
  rootLayer: { title: 'All layers', abstract: 'Every coverage of the platform' },
  legendWidth: 100,
  legendHeight: 30,
};

const near = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance;

describe('wms GetCapabilities', function () {
  this.timeout(60_000);
  let h: WmsHarness;
  let caps130: string;
  let caps111: string;
  before(async () => {
    h = await startWms({ wms: WMS_CONFIG });
    const res130 = await get(h.url, { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetCapabilities' });
    assert.equal(res130.status, 200, res130.text);
    assert.match(res130.contentType, /^text\/xml/);
    caps130 = res130.text;
    const res111 = await get(h.url, { SERVICE: 'WMS', VERSION: '1.1.1', REQUEST: 'GetCapabilities' });
    assert.equal(res111.status, 200, res111.text);
    assert.match(res111.contentType, /^application\/vnd\.ogc\.wms_xml/);
    caps111 = res111.text;
  });
  after(async () => h?.close());

  describe('1.3.0', () => {
    it('validates against the official WMS 1.3.0 schema (with SLD 1.1 GetLegendGraphic, and without it against capabilities_1_3_0.xsd alone)', () => {
      assert.deepEqual(validateXml(caps130, SLD_CAPABILITIES_XSD), []);
      const plain = caps130.replace(/<sld:GetLegendGraphic>[\s\S]*?<\/sld:GetLegendGraphic>/, '');
      assert.notEqual(plain, caps130);
      assert.deepEqual(validateXml(plain, WMS_XSD), []);
    });

    it('carries the service metadata of config, and MaxWidth/MaxHeight/LayerLimit', () => {
      const s = (p: string) => xpath(caps130, `/wms:WMS_Capabilities/wms:Service/${p}`);
      assert.deepEqual(s('wms:Name'), ['WMS']);
      assert.deepEqual(s('wms:Title'), ['Test maps']);
      assert.deepEqual(s('wms:Abstract'), ['The WMS under test']);
      assert.deepEqual(s('wms:KeywordList/wms:Keyword'), ['test', 'maps']);
      assert.deepEqual(s('wms:OnlineResource/@xlink:href'), [h.url]);
      assert.deepEqual(s('wms:ContactInformation/wms:ContactPersonPrimary/wms:ContactPerson'), ['Ada Lovelace']);
      assert.deepEqual(s('wms:ContactInformation/wms:ContactPersonPrimary/wms:ContactOrganization'), ['Meridian']);
      assert.deepEqual(s('wms:ContactInformation/wms:ContactPosition'), ['Operator']);
      assert.deepEqual(s('wms:ContactInformation/wms:ContactAddress/wms:City'), ['Paris']);
      assert.deepEqual(s('wms:ContactInformation/wms:ContactAddress/wms:Country'), ['France']);
      assert.deepEqual(s('wms:ContactInformation/wms:ContactVoiceTelephone'), ['+33 1 23 45 67 89']);
      assert.deepEqual(s('wms:ContactInformation/wms:ContactElectronicMailAddress'), ['ada@example.org']);
      assert.deepEqual(s('wms:Fees'), ['no fees']);
      assert.deepEqual(s('wms:AccessConstraints'), ['public data']);
      assert.deepEqual(s('wms:LayerLimit'), ['4']);
      assert.deepEqual(s('wms:MaxWidth'), ['2048']);
      assert.deepEqual(s('wms:MaxHeight'), ['1024']);
    });

    it('lists the operations with their formats and endpoint, and the exception formats', () => {
      const r = (p: string) => xpath(caps130, `/wms:WMS_Capabilities/wms:Capability/wms:Request/${p}`);
      assert.deepEqual(r('wms:GetCapabilities/wms:Format'), ['text/xml']);
      assert.deepEqual(r('wms:GetMap/wms:Format'), ['image/png', 'image/jpeg', 'image/webp']);
      assert.deepEqual(r('wms:GetFeatureInfo/wms:Format'), ['text/plain', 'application/json', 'text/html', 'text/xml']);
      assert.deepEqual(r('sld:GetLegendGraphic/wms:Format'), ['image/png', 'image/jpeg', 'image/webp']);
      assert.deepEqual([...new Set(r('*/wms:DCPType/wms:HTTP/wms:Get/wms:OnlineResource/@xlink:href'))], [`${h.url}?`]);
      assert.deepEqual(xpath(caps130, '//wms:Capability/wms:Exception/wms:Format'), ['XML', 'INIMAGE', 'BLANK']);
    });

    it('has a root layer with the configured CRSs holding the public coverages as named layers', () => {
      const root = '/wms:WMS_Capabilities/wms:Capability/wms:Layer';
      assert.deepEqual(xpath(caps130, `${root}/wms:Name`), []);
      assert.deepEqual(xpath(caps130, `${root}/wms:Title`), ['All layers']);
      assert.deepEqual(xpath(caps130, `${root}/wms:Abstract`), ['Every coverage of the platform']);
      assert.deepEqual(xpath(caps130, `${root}/wms:CRS`), ['EPSG:4326', 'CRS:84', 'EPSG:3857']);
      assert.deepEqual(xpath(caps130, `${root}/wms:Layer/wms:Name`).sort(), ['overlay', 'pattern', 'series', 'values']);
      assert.deepEqual(xpath(caps130, `${root}/wms:Layer[wms:Name='pattern']/wms:Title`), ['Pattern']);
      assert.deepEqual(xpath(caps130, `${root}/wms:Layer[wms:Name='pattern']/wms:Abstract`), ['A red square in the north-west, a blue one in the south-east']);
      assert.deepEqual(xpath(caps130, `${root}/wms:Layer[wms:Name='pattern']/wms:KeywordList/wms:Keyword`), ['test', 'pattern']);
      assert.deepEqual(xpath(caps130, `${root}/wms:Layer[wms:Name='pattern']/@queryable`), ['1']);
      // The root covers its layers: the pattern (0..20 E, 40..60 N) and the UTM grid near 3 E, 53 N.
      const [west, east, south, north] = ['west', 'east', 'south', 'north'].map((side) =>
        Number(xpath(caps130, `${root}/wms:EX_GeographicBoundingBox/wms:${side}${side === 'west' || side === 'east' ? 'BoundLongitude' : 'BoundLatitude'}`)[0]),
      );
      assert.deepEqual([west, east, south, north], [0, 20, 40, 60]);
    });

    it("adds a layer's native CRS, and gives its box in every CRS in 1.3.0 axis order (EPSG:4326 latitude first)", async () => {
      const layer = "//wms:Layer[wms:Name='pattern']";
      assert.deepEqual(xpath(caps130, `${layer}/wms:CRS`), [], 'EPSG:4326 is the root CRS already');
      assert.deepEqual(xpath(caps130, "//wms:Layer[wms:Name='values']/wms:CRS"), ['EPSG:32631']);
      assert.deepEqual(
        ['westBoundLongitude', 'eastBoundLongitude', 'southBoundLatitude', 'northBoundLatitude'].map((e) => Number(xpath(caps130, `${layer}/wms:EX_GeographicBoundingBox/wms:${e}`)[0])),
        [0, 20, 40, 60],
      );
      const box = (crs: string) => ['minx', 'miny', 'maxx', 'maxy'].map((a) => Number(xpath(caps130, `${layer}/wms:BoundingBox[@CRS='${crs}']/@${a}`)[0]));
      assert.deepEqual(box('EPSG:4326'), [40, 0, 60, 20]);
      assert.deepEqual(box('CRS:84'), [0, 40, 20, 60]);
      const [[x0, y0], [x1, y1]] = await projTransform('EPSG:4326', 'EPSG:3857', [[0, 40], [20, 60]]);
      const mercator = box('EPSG:3857');
      [x0!, y0!, x1!, y1!].forEach((v, i) => assert.ok(near(mercator[i]!, v, 0.01), `EPSG:3857 ${['minx', 'miny', 'maxx', 'maxy'][i]} ${mercator[i]} vs PROJ ${v}`));
      // The native box of the UTM grid, with its pixel size.
      const values = "//wms:Layer[wms:Name='values']/wms:BoundingBox[@CRS='EPSG:32631']";
      assert.deepEqual(['minx', 'miny', 'maxx', 'maxy', 'resx', 'resy'].map((a) => Number(xpath(caps130, `${values}/@${a}`)[0])), [500000, 5920000, 600000, 6000000, 1000, 1000]);
      // Its geographic box holds the grid's corners as PROJ computes them.
      const corners = await projTransform('EPSG:32631', 'EPSG:4326', [[500000, 5920000], [600000, 5920000], [500000, 6000000], [600000, 6000000]]);
      const geo = "//wms:Layer[wms:Name='values']/wms:EX_GeographicBoundingBox";
      const w = Number(xpath(caps130, `${geo}/wms:westBoundLongitude`)[0]);
      const e = Number(xpath(caps130, `${geo}/wms:eastBoundLongitude`)[0]);
      const s = Number(xpath(caps130, `${geo}/wms:southBoundLatitude`)[0]);
      const n = Number(xpath(caps130, `${geo}/wms:northBoundLatitude`)[0]);
      for (const [lon, lat] of corners) assert.ok(lon! >= w - 1e-6 && lon! <= e + 1e-6 && lat! >= s - 1e-6 && lat! <= n + 1e-6, `corner ${lon},${lat} in ${w},${s},${e},${n}`);
      assert.ok(near(w, Math.min(...corners.map((c) => c[0]!)), 0.01) && near(n, Math.max(...corners.map((c) => c[1]!)), 0.01));
    });

    it('lists styles, the default first, each with a LegendURL to GetLegendGraphic that answers with an image of the size it states', async () => {
      const layer = "//wms:Layer[wms:Name='values']";
      assert.deepEqual(xpath(caps130, `${layer}/wms:Style/wms:Name`), ['grey', 'viridis']);
      assert.deepEqual(xpath(caps130, `${layer}/wms:Style/wms:Title`), ['Grey ramp', 'Viridis']);
      assert.deepEqual(xpath(caps130, `${layer}/wms:Style[wms:Name='viridis']/wms:Abstract`), ['Perceptual ramp']);
      assert.deepEqual(xpath(caps130, "//wms:Layer[wms:Name='pattern']/wms:Style/wms:Name"), ['rgb']);
      const legend = `${layer}/wms:Style[wms:Name='viridis']/wms:LegendURL`;
      assert.deepEqual(xpath(caps130, `${legend}/@width`), ['100']);
      assert.deepEqual(xpath(caps130, `${legend}/@height`), ['30']);
      assert.deepEqual(xpath(caps130, `${legend}/wms:Format`), ['image/png']);
      const href = xpath(caps130, `${legend}/wms:OnlineResource/@xlink:href`)[0]!;
      const url = new URL(href);
      assert.equal(url.searchParams.get('REQUEST'), 'GetLegendGraphic');
      assert.equal(url.searchParams.get('LAYER'), 'values');
      assert.equal(url.searchParams.get('STYLE'), 'viridis');
      const res = await fetch(href);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      const sharp = (await import('sharp')).default;
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      assert.deepEqual([meta.width, meta.height], [100, 30]);
    });

    it('declares the time dimension of a series with its instants and default (ISO 8601)', () => {
      const dim = "//wms:Layer[wms:Name='series']/wms:Dimension[@name='time']";
      assert.deepEqual(xpath(caps130, `${dim}/@units`), ['ISO8601']);
      const values = xpath(caps130, dim)[0]!.split(',').map((v) => new Date(v).toISOString());
      assert.deepEqual(values, ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z', '2020-03-01T00:00:00.000Z']);
      assert.equal(new Date(xpath(caps130, `${dim}/@default`)[0]!).toISOString(), '2020-03-01T00:00:00.000Z');
      assert.deepEqual(xpath(caps130, `${dim}/@nearestValue`), ['0']);
      assert.deepEqual(xpath(caps130, "//wms:Layer[wms:Name='pattern']/wms:Dimension"), []);
    });
  });

  describe('1.1.1', () => {
    /** Child element names of the node an XPath selects (no namespace in 1.1.1). */
    const children = (xml: string, expression: string) =>
      (selectNodes(parseResponse(xml), `${expression}/*`, {}) as unknown as Array<{ name(): string }>).map((n) => n.name());
    /** Whether names appear in the DTD's order (each at or after the previous one's place). */
    const inOrder = (names: string[], order: string[]) => names.every((n, i) => order.includes(n) && (i === 0 || order.indexOf(n) >= order.indexOf(names[i - 1]!)));
    const LAYER_ORDER = ['Name', 'Title', 'Abstract', 'KeywordList', 'SRS', 'LatLonBoundingBox', 'BoundingBox', 'Dimension', 'Extent', 'Attribution', 'AuthorityURL', 'Identifier', 'MetadataURL', 'DataURL', 'FeatureListURL', 'Style', 'ScaleHint', 'Layer'];

    it('is a well-formed WMT_MS_Capabilities with the 1.1.1 DOCTYPE and elements in the DTD order', () => {
      assert.match(caps111, /^<\?xml version="1\.0" encoding="UTF-8" standalone="no"\?>\n<!DOCTYPE WMT_MS_Capabilities SYSTEM "http:\/\/schemas\.opengis\.net\/wms\/1\.1\.1\/WMS_MS_Capabilities\.dtd">/);
      assert.deepEqual(xpath(caps111, '/WMT_MS_Capabilities/@version'), ['1.1.1']);
      assert.deepEqual(children(caps111, '/WMT_MS_Capabilities'), ['Service', 'Capability']);
      const service = children(caps111, '/WMT_MS_Capabilities/Service');
      assert.ok(inOrder(service, ['Name', 'Title', 'Abstract', 'KeywordList', 'OnlineResource', 'ContactInformation', 'Fees', 'AccessConstraints']), service.join());
      assert.deepEqual(children(caps111, '/WMT_MS_Capabilities/Capability'), ['Request', 'Exception', 'Layer']);
      assert.deepEqual(children(caps111, '/WMT_MS_Capabilities/Capability/Request'), ['GetCapabilities', 'GetMap', 'GetFeatureInfo', 'GetLegendGraphic']);
      for (const layer of ['/WMT_MS_Capabilities/Capability/Layer', ...['pattern', 'values', 'series'].map((n) => `//Layer[Name='${n}']`)]) {
        const names = children(caps111, layer);
        assert.ok(inOrder(names, LAYER_ORDER), `${layer}: ${names.join()}`);
      }
    });

    it('names the service OGC:WMS and lists the 1.1.1 capabilities and exception formats', () => {
      assert.deepEqual(xpath(caps111, '/WMT_MS_Capabilities/Service/Name'), ['OGC:WMS']);
      assert.deepEqual(xpath(caps111, '/WMT_MS_Capabilities/Service/Title'), ['Test maps']);
      assert.deepEqual(xpath(caps111, '//Request/GetCapabilities/Format'), ['application/vnd.ogc.wms_xml']);
      assert.deepEqual(xpath(caps111, '//Capability/Exception/Format'), ['application/vnd.ogc.se_xml', 'application/vnd.ogc.se_inimage', 'application/vnd.ogc.se_blank']);
      assert.deepEqual(xpath(caps111, '/WMT_MS_Capabilities/Service/MaxWidth'), [], 'no MaxWidth in 1.1.1');
    });

    it('gives SRS lists, LatLonBoundingBox and BoundingBox in x/y order (EPSG:4326 longitude first)', () => {
      assert.deepEqual(xpath(caps111, '/WMT_MS_Capabilities/Capability/Layer/SRS'), ['EPSG:4326', 'CRS:84', 'EPSG:3857']);
      assert.deepEqual(xpath(caps111, "//Layer[Name='values']/SRS"), ['EPSG:32631']);
      const layer = "//Layer[Name='pattern']";
      assert.deepEqual(['minx', 'miny', 'maxx', 'maxy'].map((a) => Number(xpath(caps111, `${layer}/LatLonBoundingBox/@${a}`)[0])), [0, 40, 20, 60]);
      assert.deepEqual(['minx', 'miny', 'maxx', 'maxy'].map((a) => Number(xpath(caps111, `${layer}/BoundingBox[@SRS='EPSG:4326']/@${a}`)[0])), [0, 40, 20, 60]);
    });

    it('declares time as a Dimension and its values as an Extent', () => {
      assert.deepEqual(xpath(caps111, "//Layer[Name='series']/Dimension[@name='time']/@units"), ['ISO8601']);
      const extent = "//Layer[Name='series']/Extent[@name='time']";
      assert.equal(xpath(caps111, extent)[0]!.split(',').length, 3);
      assert.equal(new Date(xpath(caps111, `${extent}/@default`)[0]!).toISOString(), '2020-03-01T00:00:00.000Z');
    });

    it('has legend links on 1.1.1 styles too', () => {
      const href = xpath(caps111, "//Layer[Name='values']/Style[Name='grey']/LegendURL/OnlineResource/@xlink:href")[0]!;
      assert.equal(new URL(href).searchParams.get('VERSION'), '1.1.1');
      assert.deepEqual(xpath(caps111, "//Layer[Name='values']/Style[Name='grey']/LegendURL/@width"), ['100']);
    });
  });

  describe('version negotiation and updateSequence', () => {
    const version = async (params: Record<string, string>) => {
      const res = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities', ...params });
      assert.equal(res.status, 200, res.text);
      return xpath(res.text, '/*/@version')[0];
    };

    it('answers the highest version without VERSION, the one asked when supported, else the nearest below (or the lowest)', async () => {
      assert.equal(await version({}), '1.3.0');
      assert.equal(await version({ VERSION: '1.1.1' }), '1.1.1');
      assert.equal(await version({ VERSION: '1.2.0' }), '1.1.1');
      assert.equal(await version({ VERSION: '2.0.0' }), '1.3.0');
      assert.equal(await version({ VERSION: '1.0.0' }), '1.1.1');
      assert.equal(await version({ WMTVER: '1.0.8' }), '1.1.1');
    });

    it('answers the default format for a FORMAT it does not offer', async () => {
      const res = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities', VERSION: '1.3.0', FORMAT: 'application/pdf' });
      assert.equal(res.status, 200);
      assert.match(res.contentType, /^text\/xml/);
    });

    it('refuses the current updateSequence (CurrentUpdateSequence) and a greater one (InvalidUpdateSequence), sends the document for a lower one', async () => {
      const current = xpath(caps130, '/wms:WMS_Capabilities/@updateSequence')[0]!;
      assert.ok(!Number.isNaN(Date.parse(current)), current);
      const equal = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities', VERSION: '1.3.0', UPDATESEQUENCE: current });
      assert.equal(equal.status, 400);
      assert.deepEqual(serviceException(equal.text), { code: 'CurrentUpdateSequence', locator: 'UPDATESEQUENCE', text: serviceException(equal.text).text, version: '1.3.0' });
      const later = new Date(Date.parse(current) + 86_400_000).toISOString();
      const greater = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities', VERSION: '1.3.0', UPDATESEQUENCE: later });
      assert.equal(serviceException(greater.text).code, 'InvalidUpdateSequence');
      const lower = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities', VERSION: '1.3.0', UPDATESEQUENCE: '2000-01-01T00:00:00Z' });
      assert.equal(lower.status, 200);
      assert.deepEqual(xpath(lower.text, '/wms:WMS_Capabilities/@updateSequence'), [current]);
    });
  });

  describe('access', () => {
    it("lists a private coverage only to those who may read it (its owner), never to anonymous users", async () => {
      assert.ok(!xpath(caps130, '//wms:Layer/wms:Name').includes('secret'));
      const alice = await basicAuthFor(h, 'alice');
      const res = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities', VERSION: '1.3.0' }, alice);
      assert.equal(res.status, 200, res.text);
      assert.ok(xpath(res.text, '//wms:Layer/wms:Name').includes('secret'));
      const bob = await basicAuthFor(h, 'bob');
      const other = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities', VERSION: '1.3.0' }, bob);
      assert.ok(!xpath(other.text, '//wms:Layer/wms:Name').includes('secret'));
    });
  });

  it('registers the WMS with the capabilities registry', async () => {
    const res = await fetch(`${h.server.url}/services`, { headers: { Accept: 'application/json' } });
    const body = (await res.json()) as unknown;
    const services = (Array.isArray(body) ? body : (body as { services: unknown[] }).services) as Array<{ type: string; versions: string[]; url: string; capabilitiesUrl?: string }>;
    const wms = services.find((s) => s.type === 'WMS');
    assert.ok(wms, JSON.stringify(body));
    assert.deepEqual(wms.versions, ['1.3.0', '1.1.1']);
    assert.match(wms.capabilitiesUrl ?? '', /\/wms\?SERVICE=WMS&REQUEST=GetCapabilities$/);
  });
});
