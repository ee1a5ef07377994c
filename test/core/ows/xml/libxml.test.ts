import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'mocha';
import { loadXmlSchema, parseXmlDocument, selectNodes, xmlSchemaErrors } from '../../../../core/ows/xml/libxml.js';
import { NS } from '../../../../core/ows/xml/namespaces.js';
import { schemasRoot } from '../../../helpers/xsd.js';

describe('core/ows/xml/libxml', () => {
  const doc = parseXmlDocument(`<ows:ExceptionReport xmlns:ows="${NS.ows20}" version="2.0.0">
    <ows:Exception exceptionCode="A"/><ows:Exception exceptionCode="B" locator="x"/></ows:ExceptionReport>`);

  it('selects nodes by XPath with prefix bindings', () => {
    const codes = selectNodes(doc, '//ows:Exception/@exceptionCode', { ows: NS.ows20 }).map((n) => (n as unknown as { value(): string }).value());
    assert.deepEqual(codes, ['A', 'B']);
    assert.throws(() => selectNodes(doc, '//[', {}), /Invalid XPath/);
  });

  it('validates a parsed document against an XSD loaded from disk', () => {
    const schema = loadXmlSchema(path.join(schemasRoot(), 'ogc/ows/2.0/owsExceptionReport.xsd'));
    assert.deepEqual(xmlSchemaErrors(doc, schema), []);
    const invalid = parseXmlDocument(`<ows:ExceptionReport xmlns:ows="${NS.ows20}" version="two"><ows:Exception/></ows:ExceptionReport>`);
    const errors = xmlSchemaErrors(invalid, schema);
    assert.equal(errors.length, 2);
    assert.match(errors.join('\n'), /exceptionCode/);
  });
});
