import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { BadRequest, Forbidden, MeridianError, Unauthenticated } from '../../../../core/errors.js';
import { owsErrorEncoder, owsExceptionReportXml } from '../../../../core/ows/encoders/ows-report.js';
import { OwsException } from '../../../../core/ows/exceptions.js';
import { parseXmlDocument } from '../../../../core/ows/xml/libxml.js';
import { validateXml } from '../../../helpers/xsd.js';
import { renderThroughKoa } from '../support/serve-error.js';

const SCHEMAS = {
  '1.0.0': 'ogc/ows/1.0.0/owsExceptionReport.xsd',
  '1.1.0': 'ogc/ows/1.1.0/owsExceptionReport.xsd',
  '2.0.0': 'ogc/ows/2.0/owsExceptionReport.xsd',
} as const;
const NAMESPACES = {
  '1.0.0': 'http://www.opengis.net/ows',
  '1.1.0': 'http://www.opengis.net/ows/1.1',
  '2.0.0': 'http://www.opengis.net/ows/2.0',
} as const;

describe('core/ows/encoders/ows-report', () => {
  for (const version of ['1.0.0', '1.1.0', '2.0.0'] as const) {
    describe(`OWS ${version}`, () => {
      const encoder = owsErrorEncoder({ version });

      it('writes an ExceptionReport that validates against the official schema, with code, locator and status', async () => {
        const res = await renderThroughKoa(encoder, new OwsException('InvalidParameterValue', 'BBOX must have 4 values', { locator: 'BBOX' }));
        assert.equal(res.status, 400);
        assert.match(res.contentType, /^application\/xml/);
        assert.deepEqual(validateXml(res.body, SCHEMAS[version]), []);
        const doc = parseXmlDocument(res.body);
        const ex = doc.get<import('libxmljs2').Element>('/ows:ExceptionReport/ows:Exception', { ows: NAMESPACES[version] });
        assert.ok(ex);
        assert.equal(ex.attr('exceptionCode')?.value(), 'InvalidParameterValue');
        assert.equal(ex.attr('locator')?.value(), 'BBOX');
        assert.equal(ex.get('ows:ExceptionText', { ows: NAMESPACES[version] })?.toString().includes('BBOX must have 4 values'), true);
      });

      it('sends OperationNotSupported as 501', async () => {
        const res = await renderThroughKoa(encoder, new OwsException('OperationNotSupported', 'No GetFoo', { locator: 'GetFoo' }));
        assert.equal(res.status, 501);
        assert.deepEqual(validateXml(res.body, SCHEMAS[version]), []);
      });
    });
  }

  it('escapes markup and strips characters XML forbids from the text', () => {
    const xml = owsExceptionReportXml(
      [{ status: 400, code: 'InvalidParameterValue', locator: 'a"<b>', message: 'bad value <script>&\u0000"]]>', headers: {} }],
      { version: '2.0.0' },
    );
    assert.deepEqual(validateXml(xml, SCHEMAS['2.0.0']), []);
    assert.ok(!xml.includes('<script>'));
    assert.ok(xml.includes('bad value &lt;script&gt;&amp;\uFFFD"]]&gt;'));
    assert.ok(xml.includes('locator="a&quot;&lt;b&gt;"'));
  });

  it('keeps WWW-Authenticate and status 401 for an unauthenticated request', async () => {
    const res = await renderThroughKoa(owsErrorEncoder({ version: '2.0.0' }), new Unauthenticated('Token expired', 'Bearer realm="meridian", error="invalid_token"'));
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="meridian", error="invalid_token"');
    assert.deepEqual(validateXml(res.body, SCHEMAS['2.0.0']), []);
    assert.match(res.body, /exceptionCode="NoApplicableCode"/);
    assert.match(res.body, /Token expired/);
  });

  it('sends 403 for a denied request', async () => {
    const res = await renderThroughKoa(owsErrorEncoder({ version: '1.1.0' }), new Forbidden());
    assert.equal(res.status, 403);
    assert.deepEqual(validateXml(res.body, SCHEMAS['1.1.0']), []);
  });

  it('never shows the message of an unexpected error, and answers 500', async () => {
    const res = await renderThroughKoa(owsErrorEncoder({ version: '2.0.0' }), new Error('password=hunter2 at /srv/db.ts:12'));
    assert.equal(res.status, 500);
    assert.ok(!res.body.includes('hunter2'));
    assert.ok(!res.body.includes('db.ts'));
    assert.match(res.body, /Internal server error/);
    assert.deepEqual(validateXml(res.body, SCHEMAS['2.0.0']), []);
  });

  it('hides the message and locator of an unexposed MeridianError', async () => {
    const res = await renderThroughKoa(owsErrorEncoder({ version: '2.0.0' }), new MeridianError(503, 'redis at 10.0.0.3 down', { code: 'InvalidParameterValue', locator: 'x' }));
    assert.equal(res.status, 503);
    assert.ok(!res.body.includes('10.0.0.3'));
    assert.ok(!res.body.includes('locator'));
  });

  it('maps a core BadRequest to NoApplicableCode with status 400 and its message', async () => {
    const res = await renderThroughKoa(owsErrorEncoder({ version: '2.0.0' }), new BadRequest('Body is not XML'));
    assert.equal(res.status, 400);
    assert.match(res.body, /exceptionCode="NoApplicableCode"/);
    assert.match(res.body, /Body is not XML/);
  });

  it('picks the OWS version per request when given a function of the request', async () => {
    const encoder = owsErrorEncoder((ctx) => (ctx.query.version === '3.0.0' ? { version: '2.0.0' } : { version: '1.0.0', reportVersion: '1.2.0' }));
    const err = new OwsException('InvalidParameterValue', 'bad', { locator: 'x' });
    const v3 = await renderThroughKoa(encoder, err, '?version=3.0.0');
    assert.deepEqual(validateXml(v3.body, SCHEMAS['2.0.0']), []);
    assert.match(v3.body, /xmlns:ows="http:\/\/www\.opengis\.net\/ows\/2\.0"/);
    const v2 = await renderThroughKoa(encoder, err, '?version=2.0.2');
    assert.deepEqual(validateXml(v2.body, SCHEMAS['1.0.0']), []);
    assert.match(v2.body, /xmlns:ows="http:\/\/www\.opengis\.net\/ows"/);
    assert.match(v2.body, /version="1\.2\.0"/);
  });

  it('lets the report carry the service version and language', () => {
    const xml = owsExceptionReportXml([{ status: 400, code: 'X', message: 'm', headers: {} }], { version: '1.1.0', reportVersion: '1.0.0', lang: 'fr' });
    assert.match(xml, /version="1\.0\.0"/);
    assert.match(xml, /xml:lang="fr"/);
    assert.deepEqual(validateXml(xml, SCHEMAS['1.1.0']), []);
  });
});
