import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { Unauthenticated } from '../../../../core/errors.js';
import { wmsErrorEncoder, wmsExceptionReportXml } from '../../../../core/ows/encoders/wms-report.js';
import { OwsException } from '../../../../core/ows/exceptions.js';
import { parseXmlFast } from '../../../../core/ows/xml/parse-fast.js';
import { validateXml } from '../../../helpers/xsd.js';
import { renderThroughKoa } from '../support/serve-error.js';

const WMS130_SCHEMA = 'ogc/wms/1.3.0/exceptions_1_3_0.xsd';

describe('core/ows/encoders/wms-report', () => {
  describe('WMS 1.3.0', () => {
    const encoder = wmsErrorEncoder('1.3.0');

    for (const code of ['InvalidFormat', 'InvalidCRS', 'LayerNotDefined', 'StyleNotDefined', 'LayerNotQueryable', 'InvalidPoint',
      'CurrentUpdateSequence', 'InvalidUpdateSequence', 'MissingDimensionValue', 'InvalidDimensionValue', 'OperationNotSupported']) {
      it(`writes ${code} as a ServiceExceptionReport valid against exceptions_1_3_0.xsd`, async () => {
        const res = await renderThroughKoa(encoder, new OwsException(code, `problem with ${code}`, { locator: 'LAYERS' }));
        assert.equal(res.status, code === 'OperationNotSupported' ? 501 : 400);
        assert.match(res.contentType, /^text\/xml/);
        assert.deepEqual(validateXml(res.body, WMS130_SCHEMA), []);
        const doc = parseXmlFast(res.body) as { ServiceExceptionReport: { ServiceException: Record<string, string> } };
        assert.equal(doc.ServiceExceptionReport.ServiceException['@_code'], code);
        assert.equal(doc.ServiceExceptionReport.ServiceException['@_locator'], 'LAYERS');
        assert.equal(doc.ServiceExceptionReport.ServiceException['#text'], `problem with ${code}`);
      });
    }

    it('writes an uncoded exception for errors no code describes, without exposing a 500', async () => {
      const res = await renderThroughKoa(encoder, new TypeError('cannot read x of undefined'));
      assert.equal(res.status, 500);
      assert.deepEqual(validateXml(res.body, WMS130_SCHEMA), []);
      assert.ok(!res.body.includes('undefined'));
      assert.ok(!res.body.includes('code='));
    });

    it('keeps 401 and WWW-Authenticate', async () => {
      const res = await renderThroughKoa(encoder, new Unauthenticated());
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="meridian"');
      assert.deepEqual(validateXml(res.body, WMS130_SCHEMA), []);
    });

    it("answers 200 under the 'always-200' policy, except for auth errors", async () => {
      const lenient = wmsErrorEncoder('1.3.0', { statusPolicy: 'always-200' });
      assert.equal((await renderThroughKoa(lenient, new OwsException('LayerNotDefined', 'x'))).status, 200);
      assert.equal((await renderThroughKoa(lenient, new Unauthenticated())).status, 401);
    });

    it('translates the 1.1.1 code InvalidSRS to InvalidCRS', () => {
      const xml = wmsExceptionReportXml([{ status: 400, code: 'InvalidSRS', message: 'm', headers: {} }], '1.3.0');
      assert.match(xml, /code="InvalidCRS"/);
    });
  });

  describe('WMS 1.1.1', () => {
    it('writes the DOCTYPE-free report with application/vnd.ogc.se_xml and InvalidSRS', async () => {
      const res = await renderThroughKoa(wmsErrorEncoder('1.1.1'), new OwsException('InvalidCRS', 'EPSG:1 <unknown>', { locator: 'SRS' }));
      assert.equal(res.status, 400);
      assert.equal(res.contentType, 'application/vnd.ogc.se_xml');
      assert.ok(!res.body.includes('<!DOCTYPE'));
      const doc = parseXmlFast(res.body) as { ServiceExceptionReport: { '@_version': string; ServiceException: Record<string, string> } };
      assert.equal(doc.ServiceExceptionReport['@_version'], '1.1.1');
      assert.equal(doc.ServiceExceptionReport.ServiceException['@_code'], 'InvalidSRS');
      assert.equal(doc.ServiceExceptionReport.ServiceException['#text'], 'EPSG:1 <unknown>');
      assert.ok(res.body.includes('EPSG:1 &lt;unknown&gt;'));
    });
  });
});
