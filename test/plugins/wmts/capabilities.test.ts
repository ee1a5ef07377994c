/**
 * GetCapabilities by KVP and the RESTful ServiceMetadata document against the official WMTS 1.0
 * schema: the layers each subject may read, their styles, formats, Time dimension, links to both
 * built-in sets and a configured one with TileMatrixSetLimits, ResourceURL templates, and the
 * sets' matrices as OGC 17-083r2 defines them.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { assertValidXml } from '../../helpers/xsd.js';
import { addUser, basicAuth, crs84Pixel, exceptionOf, get, kvp, makeRgbFixture, startWmts, tempDir, webMercatorPixel, xpath, type Credentials, type WmtsHarness } from './support.js';

const CAPABILITIES_XSD = 'ogc/wmts/1.0/wmtsGetCapabilities_response.xsd';
const EXCEPTION_XSD = 'ogc/ows/1.1.0/owsExceptionReport.xsd';

describe('wmts GetCapabilities', function () {
  this.timeout(60_000);
  let h: WmtsHarness;
  let admin: Credentials;
  let tmp: ReturnType<typeof tempDir>;
  before(async () => {
    tmp = tempDir('caps');
    const rgb = makeRgbFixture(path.join(tmp.dir, 'rgb.tif'));
    makeRgbFixture(path.join(tmp.dir, 'series', 'ser_20200101.tif'));
    makeRgbFixture(path.join(tmp.dir, 'series', 'ser_20200201.tif'), { square: { color: [0, 0, 255], ullr: [10, 46, 11, 45] } });
    h = await startWmts({
      coverages: [
        { id: 'rgb', title: 'RGB fixture', abstract: 'A red square on blue-grey', keywords: ['test'], path: rgb },
        { id: 'secret', title: 'Private fixture', path: rgb, visibility: 'private' },
        { id: 'series', title: 'Monthly series', path: path.join(tmp.dir, 'series', 'ser_*.tif'), time: { pattern: 'ser_(?<time>\\d{8})\\.tif' } },
      ],
      wmts: {
        tileMatrixSets: [
          'WebMercatorQuad',
          'WorldCRS84Quad',
          { id: 'UTM32N', title: 'UTM zone 32N', crs: 'EPSG:32632', extent: [166021, 0, 833979, 9329005], resolutions: [4096, 2048, 1024, 512] },
        ],
        legendUrl: '/wms?SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=1.3.0&FORMAT=image/png&LAYER={layer}&STYLE={style}',
      },
    });
    admin = await addUser(h, 'boss', ['admin']);
  });
  after(async () => {
    await h?.close();
    tmp?.remove();
  });

  const capabilities = async (headers: Record<string, string> = {}) => {
    const res = await get(kvp(h.url, { SERVICE: 'WMTS', REQUEST: 'GetCapabilities' }), headers);
    assert.equal(res.status, 200, res.text);
    return res.text;
  };

  it('KVP GetCapabilities validates against the official schema', async () => {
    const xml = await capabilities();
    assertValidXml(xml, CAPABILITIES_XSD);
    assert.equal(xpath(xml, '/wmts:Capabilities/@version')[0], '1.0.0');
    assert.deepEqual(xpath(xml, '//ows:ServiceIdentification/ows:ServiceType'), ['OGC WMTS']);
    assert.deepEqual(xpath(xml, '//ows:ServiceIdentification/ows:ServiceTypeVersion'), ['1.0.0']);
    assert.deepEqual(xpath(xml, '//ows:OperationsMetadata/ows:Operation/@name'), ['GetCapabilities', 'GetTile', 'GetFeatureInfo']);
    assert.deepEqual(xpath(xml, "//ows:Operation[@name='GetTile']//ows:Get/@xlink:href"), [`${h.url}?`, `${h.url}/1.0.0/`]);
    assert.deepEqual(xpath(xml, "//ows:Operation[@name='GetTile']//ows:Get/ows:Constraint[@name='GetEncoding']//ows:Value"), ['KVP', 'RESTful']);
    assert.deepEqual(xpath(xml, '/wmts:Capabilities/wmts:ServiceMetadataURL/@xlink:href'), [`${h.url}/1.0.0/WMTSCapabilities.xml`]);
  });

  it('the RESTful ServiceMetadata document is the same document', async () => {
    const rest = await get(`${h.url}/1.0.0/WMTSCapabilities.xml`);
    assert.equal(rest.status, 200);
    assert.match(rest.contentType, /^application\/xml/);
    assert.equal(rest.text, await capabilities());
  });

  it('lists the layers the subject may read: anonymous users do not see a private one, admins do', async () => {
    assert.deepEqual(xpath(await capabilities(), '//wmts:Layer/ows:Identifier'), ['rgb', 'series']);
    const adminXml = await capabilities(basicAuth(admin));
    assertValidXml(adminXml, CAPABILITIES_XSD);
    assert.deepEqual(xpath(adminXml, '//wmts:Layer/ows:Identifier'), ['rgb', 'secret', 'series']);
  });

  it('describes a layer: title, abstract, keywords, CRS84 box, per-CRS boxes, styles with legends, formats and info formats', async () => {
    const xml = await capabilities();
    const layer = "//wmts:Layer[ows:Identifier='rgb']";
    assert.deepEqual(xpath(xml, `${layer}/ows:Title`), ['RGB fixture']);
    assert.deepEqual(xpath(xml, `${layer}/ows:Abstract`), ['A red square on blue-grey']);
    assert.deepEqual(xpath(xml, `${layer}/ows:Keywords/ows:Keyword`), ['test']);
    assert.deepEqual(xpath(xml, `${layer}/ows:WGS84BoundingBox/ows:LowerCorner`), ['0 40']);
    assert.deepEqual(xpath(xml, `${layer}/ows:WGS84BoundingBox/ows:UpperCorner`), ['20 50']);
    assert.deepEqual(xpath(xml, `${layer}/ows:BoundingBox/@crs`), ['urn:ogc:def:crs:EPSG::3857', 'urn:ogc:def:crs:OGC:1.3:CRS84', 'urn:ogc:def:crs:EPSG::32632']);
    const [minx, miny] = xpath(xml, `${layer}/ows:BoundingBox[@crs='urn:ogc:def:crs:EPSG::3857']/ows:LowerCorner`)[0]!.split(' ').map(Number);
    assert.ok(Math.abs(minx!) < 1e-6 && Math.abs(miny! - 4865942.279503176) < 1e-3, `${minx} ${miny}`);
    assert.deepEqual(xpath(xml, `${layer}/wmts:Style/ows:Identifier`), ['rgb']);
    assert.deepEqual(xpath(xml, `${layer}/wmts:Style/@isDefault`), ['true']);
    const legend = new URL(xpath(xml, `${layer}/wmts:Style/wmts:LegendURL/@xlink:href`)[0]!);
    assert.equal(legend.pathname, '/wms');
    assert.equal(legend.searchParams.get('LAYER'), 'rgb');
    assert.equal(legend.searchParams.get('STYLE'), 'rgb');
    assert.deepEqual(xpath(xml, `${layer}/wmts:Format`), ['image/png', 'image/jpeg']);
    assert.deepEqual(xpath(xml, `${layer}/wmts:InfoFormat`), ['application/json', 'text/plain', 'text/html', 'text/xml']);
    assert.deepEqual(xpath(xml, `${layer}/wmts:Dimension`), []);
  });

  it('links each layer to every set with TileMatrixSetLimits from its CRS84 box (computed here independently)', async () => {
    const xml = await capabilities();
    const link = (set: string) => `//wmts:Layer[ows:Identifier='rgb']/wmts:TileMatrixSetLink[wmts:TileMatrixSet='${set}']`;
    assert.deepEqual(xpath(xml, "//wmts:Layer[ows:Identifier='rgb']/wmts:TileMatrixSetLink/wmts:TileMatrixSet"), ['WebMercatorQuad', 'WorldCRS84Quad', 'UTM32N']);
    const limits = (set: string, matrix: string) =>
      ['MinTileRow', 'MaxTileRow', 'MinTileCol', 'MaxTileCol'].map((n) => Number(xpath(xml, `${link(set)}//wmts:TileMatrixLimits[wmts:TileMatrix='${matrix}']/wmts:${n}`)[0]));
    for (const z of [5, 8, 12, 18]) {
      const nw = webMercatorPixel(z, 0, 50);
      const se = webMercatorPixel(z, 20 - 1e-9, 40 + 1e-9);
      assert.deepEqual(limits('WebMercatorQuad', String(z)), [nw.row, se.row, nw.col, se.col], `level ${z}`);
      const z84 = Math.min(z, 17); // WorldCRS84Quad goes to level 17 by default
      const nw84 = crs84Pixel(z84, 0, 50);
      const se84 = crs84Pixel(z84, 20 - 1e-9, 40 + 1e-9);
      assert.deepEqual(limits('WorldCRS84Quad', String(z84)), [nw84.row, se84.row, nw84.col, se84.col], `CRS84 level ${z84}`);
    }
    // At level 0 and 1 of WebMercatorQuad the data sit in row 0: MaxTileRow 0 is not a positiveInteger, so those levels are not limited.
    assert.deepEqual(xpath(xml, `${link('WebMercatorQuad')}//wmts:TileMatrixLimits[wmts:TileMatrix='0' or wmts:TileMatrix='1']`), []);
    assert.ok(xpath(xml, `${link('UTM32N')}//wmts:TileMatrixLimits/wmts:TileMatrix`).length > 0);
  });

  it('ResourceURL templates for tiles and FeatureInfo in each format', async () => {
    const xml = await capabilities();
    const urls = (type: string) => xpath(xml, `//wmts:Layer[ows:Identifier='rgb']/wmts:ResourceURL[@resourceType='${type}']/@template`);
    assert.deepEqual(urls('tile'), [
      `${h.url}/1.0.0/rgb/{Style}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.png`,
      `${h.url}/1.0.0/rgb/{Style}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.jpg`,
    ]);
    assert.deepEqual(xpath(xml, "//wmts:Layer[ows:Identifier='rgb']/wmts:ResourceURL[@resourceType='tile']/@format"), ['image/png', 'image/jpeg']);
    assert.deepEqual(urls('FeatureInfo'), ['json', 'txt', 'html', 'xml'].map((e) => `${h.url}/1.0.0/rgb/{Style}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}/{J}/{I}.${e}`));
  });

  it('a layer with time: the Time dimension with its values and default (the latest), and {Time} in its templates', async () => {
    const xml = await capabilities();
    const series = await h.coverages.get('series', (await import('../../../core/auth/index.js')).ANONYMOUS);
    assert.ok(series?.time, 'the engine gives the series a time dimension');
    const dim = "//wmts:Layer[ows:Identifier='series']/wmts:Dimension";
    assert.deepEqual(xpath(xml, `${dim}/ows:Identifier`), ['Time']);
    assert.deepEqual(xpath(xml, `${dim}/wmts:Value`), series.time.values);
    assert.equal(series.time.values.length, 2);
    assert.match(series.time.values[0]!, /^2020-01-01/);
    assert.deepEqual(xpath(xml, `${dim}/wmts:Default`), [series.time.values[1]]);
    assert.equal(
      xpath(xml, "//wmts:Layer[ows:Identifier='series']/wmts:ResourceURL[@format='image/png']/@template")[0],
      `${h.url}/1.0.0/series/{Style}/{Time}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.png`,
    );
  });

  it('tile matrix sets as OGC 17-083r2 defines them, the corner in each CRS axis order', async () => {
    const xml = await capabilities();
    const set = (id: string) => `/wmts:Capabilities/wmts:Contents/wmts:TileMatrixSet[ows:Identifier='${id}']`;
    assert.deepEqual(xpath(xml, '/wmts:Capabilities/wmts:Contents/wmts:TileMatrixSet/ows:Identifier'), ['WebMercatorQuad', 'WorldCRS84Quad', 'UTM32N']);
    assert.deepEqual(xpath(xml, `${set('WebMercatorQuad')}/ows:SupportedCRS`), ['urn:ogc:def:crs:EPSG::3857']);
    assert.deepEqual(xpath(xml, `${set('WebMercatorQuad')}/wmts:WellKnownScaleSet`), ['urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible']);
    const matrix = (id: string, z: string, field: string) => xpath(xml, `${set(id)}/wmts:TileMatrix[ows:Identifier='${z}']/wmts:${field}`)[0]!;
    assert.ok(Math.abs(Number(matrix('WebMercatorQuad', '0', 'ScaleDenominator')) - 559082264.0287178) < 1e-6);
    assert.deepEqual(matrix('WebMercatorQuad', '0', 'TopLeftCorner').split(' ').map((v) => Math.round(Number(v) * 1e4) / 1e4), [-20037508.3428, 20037508.3428]);
    assert.equal(matrix('WebMercatorQuad', '10', 'MatrixWidth'), '1024');
    assert.equal(xpath(xml, `${set('WebMercatorQuad')}/wmts:TileMatrix`).length, 19);
    assert.deepEqual(xpath(xml, `${set('WorldCRS84Quad')}/ows:SupportedCRS`), ['urn:ogc:def:crs:OGC:1.3:CRS84']);
    assert.equal(matrix('WorldCRS84Quad', '0', 'TopLeftCorner'), '-180 90');
    assert.ok(Math.abs(Number(matrix('WorldCRS84Quad', '0', 'ScaleDenominator')) - 279541132.0143589) < 1e-6);
    assert.deepEqual([matrix('WorldCRS84Quad', '0', 'MatrixWidth'), matrix('WorldCRS84Quad', '0', 'MatrixHeight')], ['2', '1']);
    assert.deepEqual(xpath(xml, `${set('UTM32N')}/ows:SupportedCRS`), ['urn:ogc:def:crs:EPSG::32632']);
    assert.equal(matrix('UTM32N', '0', 'TopLeftCorner'), '166021 9329005');
    assert.ok(Math.abs(Number(matrix('UTM32N', '3', 'ScaleDenominator')) - 512 / 0.00028) < 1e-6);
  });

  it('Sections gives only the sections asked for; the document still validates', async () => {
    const res = await get(kvp(h.url, { SERVICE: 'WMTS', REQUEST: 'GetCapabilities', Sections: 'Contents' }));
    assertValidXml(res.text, CAPABILITIES_XSD);
    assert.deepEqual(xpath(res.text, '//ows:ServiceIdentification | //ows:OperationsMetadata'), []);
    assert.equal(xpath(res.text, '//wmts:Layer').length, 2);
  });

  it('version negotiation: AcceptVersions without 1.0.0 is VersionNegotiationFailed; VERSION=1.0.0 as OWSLib sends it is fine', async () => {
    const bad = await get(kvp(h.url, { SERVICE: 'WMTS', REQUEST: 'GetCapabilities', AcceptVersions: '2.0.0' }));
    assert.equal(bad.status, 400);
    assertValidXml(bad.text, EXCEPTION_XSD);
    assert.deepEqual(exceptionOf(bad.text), { code: 'VersionNegotiationFailed', locator: 'AcceptVersions', version: '1.0.0' });
    const ok = await get(kvp(h.url, { SERVICE: 'WMTS', REQUEST: 'GetCapabilities', VERSION: '1.0.0' }));
    assert.equal(ok.status, 200);
    const section = await get(kvp(h.url, { SERVICE: 'WMTS', REQUEST: 'GetCapabilities', Sections: 'Layers' }));
    assert.deepEqual(exceptionOf(section.text).code, 'InvalidParameterValue');
  });

  it('is in the capabilities registry', async () => {
    const res = await get(`${h.server.url}/services`, { Accept: 'application/json' });
    const body = JSON.parse(res.text) as { services: Array<{ type: string; versions: string[]; url: string; capabilitiesUrl?: string }> } | Array<{ type: string }>;
    const services = Array.isArray(body) ? body : body.services;
    const wmts = services.find((s) => s.type === 'WMTS') as { versions: string[]; capabilitiesUrl?: string } | undefined;
    assert.ok(wmts, res.text);
    assert.deepEqual(wmts.versions, ['1.0.0']);
    assert.match(wmts.capabilitiesUrl ?? '', /\/wmts\/1\.0\.0\/WMTSCapabilities\.xml$/);
  });
});

describe('wmts GetCapabilities next to a WMS', function () {
  this.timeout(60_000);
  let h: WmtsHarness;
  let tmp: ReturnType<typeof tempDir>;
  before(async () => {
    tmp = tempDir('caps-wms');
    h = await startWmts({ coverages: [{ id: 'rgb', title: 'RGB fixture', path: makeRgbFixture(path.join(tmp.dir, 'rgb.tif')) }], plugins: { wms: {} } });
  });
  after(async () => {
    await h?.close();
    tmp?.remove();
  });

  it("each style's LegendURL is the platform WMS's GetLegendGraphic, which draws it", async () => {
    const xml = (await get(kvp(h.url, { SERVICE: 'WMTS', REQUEST: 'GetCapabilities' }))).text;
    assertValidXml(xml, CAPABILITIES_XSD);
    const href = xpath(xml, "//wmts:Layer[ows:Identifier='rgb']/wmts:Style/wmts:LegendURL/@xlink:href")[0];
    assert.ok(href, xml);
    const url = new URL(href);
    assert.equal(`${url.origin}${url.pathname}`, `${h.server.url}/wms`);
    assert.deepEqual([url.searchParams.get('REQUEST'), url.searchParams.get('LAYER'), url.searchParams.get('STYLE')], ['GetLegendGraphic', 'rgb', 'rgb']);
    assert.deepEqual(xpath(xml, "//wmts:Layer[ows:Identifier='rgb']/wmts:Style/wmts:LegendURL/@format"), ['image/png']);
    const legend = await get(href);
    assert.equal(legend.status, 200, legend.text);
    assert.equal(legend.contentType, 'image/png');
  });
});
