import assert from 'node:assert/strict';
import { getCapabilitiesOfXml, parseXmlElementTree } from '../../../core/ows/index.js';

describe('core/ows: the XML GetCapabilities request', () => {
  it('reads AcceptVersions, Sections, AcceptFormats and updateSequence, trimming the texts', () => {
    const root = parseXmlElementTree(`<GetCapabilities xmlns="http://www.opengis.net/wfs/2.0" xmlns:ows="http://www.opengis.net/ows/1.1" service="WFS" updateSequence="7">
      <ows:AcceptVersions><ows:Version> 2.0.0 </ows:Version><ows:Version>1.1.0</ows:Version></ows:AcceptVersions>
      <ows:Sections><ows:Section>OperationsMetadata</ows:Section></ows:Sections>
      <ows:AcceptFormats><ows:OutputFormat>text/xml</ows:OutputFormat></ows:AcceptFormats>
    </GetCapabilities>`);
    assert.deepEqual(getCapabilitiesOfXml(root), { acceptVersions: ['2.0.0', '1.1.0'], sections: ['OperationsMetadata'], acceptFormats: ['text/xml'], updateSequence: '7' });
  });

  it('leaves out what the request does not say', () => {
    assert.deepEqual(getCapabilitiesOfXml(parseXmlElementTree('<GetCapabilities service="CSW"/>')), { acceptVersions: undefined, sections: undefined, acceptFormats: undefined, updateSequence: undefined });
  });
});
