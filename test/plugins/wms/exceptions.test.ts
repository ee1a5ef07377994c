/**
 * Every exception code WMS 1.3.0 (annex E) and 1.1.1 define, each from a request that raises it,
 * in the report of the request's version (1.3.0 valid against exceptions_1_3_0.xsd), with the
 * locator of the offending parameter; and EXCEPTIONS=INIMAGE / BLANK answered as images.
 */
import assert from 'node:assert/strict';
import { validateXml } from '../../helpers/xsd.js';
import { basicAuthFor, decode, get, near, serviceException, startWms, type WmsHarness } from './support.js';

const EXCEPTIONS_XSD = 'ogc/wms/1.3.0/exceptions_1_3_0.xsd';

const MAP_130 = { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetMap', LAYERS: 'pattern', STYLES: '', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '100', HEIGHT: '100', FORMAT: 'image/png' };
const MAP_111 = { SERVICE: 'WMS', VERSION: '1.1.1', REQUEST: 'GetMap', LAYERS: 'pattern', STYLES: '', SRS: 'EPSG:4326', BBOX: '0,40,20,60', WIDTH: '100', HEIGHT: '100', FORMAT: 'image/png' };
const INFO_130 = { ...MAP_130, REQUEST: 'GetFeatureInfo', QUERY_LAYERS: 'pattern', INFO_FORMAT: 'text/plain', I: '10', J: '10' };

describe('wms exceptions', function () {
  this.timeout(60_000);
  let h: WmsHarness;
  before(async () => {
    h = await startWms({ wms: { maxWidth: 1000, maxHeight: 800, layerLimit: 2, layers: { series: { timeRequired: true }, overlay: { queryable: false } } } });
  });
  after(async () => h?.close());

  /** The 1.3.0 report of a request, checked against the schema. */
  const report130 = async (params: Record<string, string>, status = 400) => {
    const res = await get(h.url, params);
    assert.equal(res.status, status, res.text);
    assert.match(res.contentType, /^text\/xml/);
    assert.deepEqual(validateXml(res.text, EXCEPTIONS_XSD), []);
    const ex = serviceException(res.text);
    assert.equal(ex.version, '1.3.0');
    return ex;
  };
  const report111 = async (params: Record<string, string>, status = 400) => {
    const res = await get(h.url, params);
    assert.equal(res.status, status, res.text);
    assert.equal(res.contentType, 'application/vnd.ogc.se_xml');
    assert.doesNotMatch(res.text, /xmlns=/);
    const ex = serviceException(res.text);
    assert.equal(ex.version, '1.1.1');
    return ex;
  };
  const expect = (ex: { code?: string; locator?: string }, code: string, locator?: string) => {
    assert.equal(ex.code, code);
    if (locator !== undefined) assert.equal(ex.locator, locator);
  };

  it('MissingParameterValue: no REQUEST, no SERVICE on GetCapabilities, no VERSION, LAYERS, STYLES, CRS, BBOX, WIDTH on GetMap', async () => {
    expect(await report130({}), 'MissingParameterValue', 'REQUEST');
    expect(await report130({ REQUEST: 'GetCapabilities' }), 'MissingParameterValue', 'SERVICE');
    const { VERSION: _v, ...noVersion } = MAP_130;
    expect(await report130(noVersion), 'MissingParameterValue', 'VERSION');
    for (const name of ['LAYERS', 'STYLES', 'CRS', 'BBOX', 'WIDTH'] as const) {
      const params: Record<string, string> = { ...MAP_130 };
      delete params[name];
      expect(await report130(params), 'MissingParameterValue', name);
    }
  });

  it('InvalidParameterValue: a SERVICE other than WMS, an unsupported VERSION on GetMap, a bad BBOX, WIDTH, TRANSPARENT, BGCOLOR or EXCEPTIONS', async () => {
    expect(await report130({ SERVICE: 'WFS', REQUEST: 'GetCapabilities' }), 'InvalidParameterValue', 'SERVICE');
    expect(await report130({ ...MAP_130, VERSION: '1.2.0' }), 'InvalidParameterValue', 'VERSION');
    expect(await report130({ ...MAP_130, BBOX: '20,40,0,60' }), 'InvalidParameterValue', 'BBOX');
    expect(await report130({ ...MAP_130, BBOX: '0,40,20' }), 'InvalidParameterValue', 'BBOX');
    expect(await report130({ ...MAP_130, WIDTH: 'wide' }), 'InvalidParameterValue', 'WIDTH');
    expect(await report130({ ...MAP_130, HEIGHT: '0' }), 'InvalidParameterValue', 'HEIGHT');
    expect(await report130({ ...MAP_130, TRANSPARENT: 'maybe' }), 'InvalidParameterValue', 'TRANSPARENT');
    expect(await report130({ ...MAP_130, BGCOLOR: 'red' }), 'InvalidParameterValue', 'BGCOLOR');
    expect(await report130({ ...MAP_130, EXCEPTIONS: 'application/pdf' }), 'InvalidParameterValue', 'EXCEPTIONS');
  });

  it('refuses a map larger than MaxWidth/MaxHeight, or with more layers than LayerLimit, before drawing anything', async () => {
    const wide = await report130({ ...MAP_130, WIDTH: '1001' });
    expect(wide, 'InvalidParameterValue', 'WIDTH');
    assert.match(wide.text, /MaxWidth \(1000\)/);
    expect(await report130({ ...MAP_130, HEIGHT: '100000' }), 'InvalidParameterValue', 'HEIGHT');
    const many = await report130({ ...MAP_130, LAYERS: 'pattern,overlay,values', STYLES: '' });
    expect(many, 'InvalidParameterValue', 'LAYERS');
    assert.match(many.text, /LayerLimit is 2/);
  });

  it('OperationNotSupported (501) for an operation WMS does not offer here', async () => {
    expect(await report130({ SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'DescribeLayer' }, 501), 'OperationNotSupported', 'REQUEST');
    expect(await report130({ SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetStyles' }, 501), 'OperationNotSupported');
  });

  it('InvalidCRS in 1.3.0 and InvalidSRS in 1.1.1 for an unknown or undrawable CRS', async () => {
    expect(await report130({ ...MAP_130, CRS: 'EPSG:999999' }), 'InvalidCRS', 'CRS');
    expect(await report130({ ...MAP_130, CRS: 'EPSG:5773' }), 'InvalidCRS', 'CRS'); // a vertical CRS
    expect(await report130({ ...MAP_130, CRS: 'AUTO2:42001,1,0,45' }), 'InvalidCRS', 'CRS');
    const ex = await report111({ ...MAP_111, SRS: 'EPSG:999999' });
    assert.equal(ex.code, 'InvalidSRS');
    assert.equal(ex.locator, undefined, 'WMS 1.1.1 reports have no locator');
  });

  it('refuses CRSs no layer offers when config says so', async () => {
    const strict = await startWms({ wms: { acceptUnlistedCrs: false } });
    try {
      const res = await get(strict.url, { ...MAP_130, CRS: 'EPSG:32632', BBOX: '500000,5000000,600000,6000000' });
      assert.equal(serviceException(res.text).code, 'InvalidCRS');
      const native = await get(strict.url, { ...MAP_130, LAYERS: 'values', CRS: 'EPSG:32631', BBOX: '500000,5920000,600000,6000000' });
      assert.equal(native.status, 200, native.text);
      const elsewhere = await get(strict.url, { ...MAP_130, LAYERS: 'pattern', CRS: 'EPSG:32631', BBOX: '500000,5920000,600000,6000000' });
      assert.equal(serviceException(elsewhere.text).code, 'InvalidCRS');
    } finally {
      await strict.close();
    }
  });

  it('LayerNotDefined for an unknown layer, and the same answer for one the subject may not read', async () => {
    const unknown = await report130({ ...MAP_130, LAYERS: 'nowhere' });
    expect(unknown, 'LayerNotDefined', 'LAYERS');
    const hidden = await report130({ ...MAP_130, LAYERS: 'secret' });
    expect(hidden, 'LayerNotDefined', 'LAYERS');
    assert.equal(hidden.text.replace('secret', 'X'), unknown.text.replace('nowhere', 'X'));
    // Its owner draws it.
    const alice = await basicAuthFor(h, 'alice');
    const res = await get(h.url, { ...MAP_130, LAYERS: 'secret' }, alice);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.contentType, 'image/png');
    // GetFeatureInfo and GetLegendGraphic name their own parameters.
    expect(await report130({ ...INFO_130, QUERY_LAYERS: 'overlay' }), 'LayerNotDefined', 'QUERY_LAYERS');
    expect(await report130({ SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetLegendGraphic', LAYER: 'secret', FORMAT: 'image/png' }), 'LayerNotDefined', 'LAYER');
  });

  it('StyleNotDefined for a style a layer lacks, or a STYLES list not matching LAYERS', async () => {
    expect(await report130({ ...MAP_130, STYLES: 'fancy' }), 'StyleNotDefined', 'STYLES');
    expect(await report130({ ...MAP_130, STYLES: 'rgb,rgb' }), 'StyleNotDefined', 'STYLES');
    expect(await report130({ ...MAP_130, LAYERS: 'pattern,values', STYLES: ',nope' }), 'StyleNotDefined', 'STYLES');
    expect(await report130({ SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetLegendGraphic', LAYER: 'values', STYLE: 'nope' }), 'StyleNotDefined', 'STYLE');
  });

  it('InvalidFormat for an image or info format not offered', async () => {
    expect(await report130({ ...MAP_130, FORMAT: 'image/gif' }), 'InvalidFormat', 'FORMAT');
    expect(await report130({ ...INFO_130, INFO_FORMAT: 'application/vnd.ogc.gml' }), 'InvalidFormat', 'INFO_FORMAT');
    expect(await report130({ SERVICE: 'WMS', REQUEST: 'GetLegendGraphic', LAYER: 'values', FORMAT: 'image/tiff' }), 'InvalidFormat', 'FORMAT');
  });

  it('InvalidDimensionValue for a TIME without data or not a time; MissingDimensionValue when TIME is required', async () => {
    const series = { ...MAP_130, LAYERS: 'series', BBOX: '0,40,10,50' };
    expect(await report130({ ...series, TIME: '2019-06-01' }), 'InvalidDimensionValue', 'TIME');
    expect(await report130({ ...series, TIME: '2020-01-01,2021-01-01' }), 'InvalidDimensionValue', 'TIME');
    expect(await report130({ ...series, TIME: 'last tuesday' }), 'InvalidDimensionValue', 'TIME');
    expect(await report130(series), 'MissingDimensionValue', 'TIME');
    const res = await get(h.url, { ...series, TIME: '2020-02-01' });
    assert.equal(res.status, 200, res.text);
  });

  it('InvalidPoint for I/J (X/Y in 1.1.1) outside the map or not pixel indexes', async () => {
    expect(await report130({ ...INFO_130, I: '100' }), 'InvalidPoint', 'I');
    expect(await report130({ ...INFO_130, J: '-1' }), 'InvalidPoint', 'J');
    expect(await report130({ ...INFO_130, I: '1.5' }), 'InvalidPoint', 'I');
    const ex = await report111({ ...MAP_111, REQUEST: 'GetFeatureInfo', QUERY_LAYERS: 'pattern', X: '10', Y: '100' });
    assert.equal(ex.code, 'InvalidPoint');
  });

  it('LayerNotQueryable for a layer config makes not queryable', async () => {
    const ex = await report130({ ...INFO_130, LAYERS: 'pattern,overlay', QUERY_LAYERS: 'overlay' });
    expect(ex, 'LayerNotQueryable', 'QUERY_LAYERS');
  });

  it('answers 1.1.1 requests in the 1.1.1 report, whatever EXCEPTIONS spelling names XML', async () => {
    for (const exceptions of ['application/vnd.ogc.se_xml', 'XML', 'text/xml']) {
      const ex = await report111({ ...MAP_111, LAYERS: 'nowhere', EXCEPTIONS: exceptions });
      assert.equal(ex.code, 'LayerNotDefined');
    }
  });

  it('keeps 200 for every exception with exceptionStatus always-200', async () => {
    const lenient = await startWms({ wms: { exceptionStatus: 'always-200' } });
    try {
      const res = await get(lenient.url, { ...MAP_130, LAYERS: 'nowhere' });
      assert.equal(res.status, 200);
      assert.equal(serviceException(res.text).code, 'LayerNotDefined');
    } finally {
      await lenient.close();
    }
  });

  describe('EXCEPTIONS=INIMAGE and BLANK', () => {
    it('draws the message into an image of the format and size asked for (INIMAGE)', async () => {
      for (const [exceptions, version] of [['INIMAGE', '1.3.0'], ['application/vnd.ogc.se_inimage', '1.1.1']] as const) {
        const base = version === '1.3.0' ? MAP_130 : MAP_111;
        const res = await get(h.url, { ...base, LAYERS: 'nowhere', WIDTH: '300', HEIGHT: '120', EXCEPTIONS: exceptions, BGCOLOR: '0xFFFFFF' });
        assert.equal(res.status, 200);
        assert.equal(res.contentType, 'image/png');
        const image = await decode(res.body);
        assert.deepEqual([image.width, image.height], [300, 120]);
        let dark = 0;
        for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) if (image.at(x, y)[0] < 128) dark++;
        assert.ok(dark > 50, `text pixels drawn: ${dark}`);
        assert.ok(near(image.at(299, 119), [255, 255, 255, 255]), 'background where there is no text');
      }
      const jpeg = await get(h.url, { ...MAP_130, FORMAT: 'image/jpeg', STYLES: 'nope', EXCEPTIONS: 'INIMAGE' });
      assert.equal(jpeg.contentType, 'image/jpeg');
      assert.deepEqual([(await decode(jpeg.body)).width, (await decode(jpeg.body)).height], [100, 100]);
    });

    it('answers an empty image of the background colour (BLANK), transparent with TRANSPARENT=TRUE', async () => {
      const res = await get(h.url, { ...MAP_130, LAYERS: 'nowhere', EXCEPTIONS: 'BLANK', BGCOLOR: '0x3366CC' });
      assert.equal(res.status, 200);
      const image = await decode(res.body);
      for (const [x, y] of [[0, 0], [50, 50], [99, 99]] as const) assert.deepEqual(image.at(x, y), [0x33, 0x66, 0xcc, 255]);
      const clear = await decode((await get(h.url, { ...MAP_130, LAYERS: 'nowhere', EXCEPTIONS: 'BLANK', TRANSPARENT: 'TRUE' })).body);
      for (const [x, y] of [[0, 0], [50, 50], [99, 99]] as const) assert.equal(clear.at(x, y)[3], 0);
    });

    it('falls back to XML when the image itself cannot be made (bad FORMAT or size)', async () => {
      const res = await get(h.url, { ...MAP_130, FORMAT: 'image/gif', EXCEPTIONS: 'INIMAGE' });
      assert.equal(res.status, 400);
      assert.equal(serviceException(res.text).code, 'InvalidFormat');
      const big = await get(h.url, { ...MAP_130, WIDTH: '5000', EXCEPTIONS: 'INIMAGE' });
      assert.equal(serviceException(big.text).code, 'InvalidParameterValue');
    });
  });
});
