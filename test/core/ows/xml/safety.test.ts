import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { OwsException } from '../../../../core/ows/exceptions.js';
import { parseXmlDocument } from '../../../../core/ows/xml/libxml.js';
import { parseXmlFast } from '../../../../core/ows/xml/parse-fast.js';
import type { SafeXmlOptions } from '../../../../core/ows/xml/input.js';

type Parse = (input: string | Uint8Array, options?: SafeXmlOptions) => unknown;
const PARSERS: Array<[string, Parse]> = [
  ['parseXmlFast (fast-xml-parser)', parseXmlFast],
  ['parseXmlDocument (libxmljs2)', parseXmlDocument],
];

function refused(parse: Parse, input: string | Uint8Array, pattern: RegExp, options?: SafeXmlOptions, status = 400): void {
  assert.throws(() => parse(input, options), (err: unknown) => {
    assert.ok(err instanceof OwsException, `expected an OwsException, got ${String(err)}`);
    assert.equal(err.status, status);
    assert.match(err.message, pattern);
    return true;
  });
}

const XXE = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>';
const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<lolz>&lol9;</lolz>`;
const PARAMETER_ENTITY = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % ext SYSTEM "http://127.0.0.1:1/evil.dtd"> %ext;]><r/>';

function nested(depth: number): string {
  return '<a>'.repeat(depth) + 'x' + '</a>'.repeat(depth);
}

describe('core/ows/xml safety', () => {
  for (const [name, parse] of PARSERS) {
    describe(name, () => {
      it('refuses a DOCTYPE', () => refused(parse, '<!DOCTYPE html><html/>', /DOCTYPE is not allowed/));
      it('refuses an external entity (XXE)', () => refused(parse, XXE, /DOCTYPE is not allowed/));
      it('refuses entity expansion (billion laughs)', () => refused(parse, BILLION_LAUGHS, /DOCTYPE is not allowed/));
      it('refuses a parameter entity that would fetch a remote DTD', () => refused(parse, PARAMETER_ENTITY, /DOCTYPE/));
      it('refuses a reference to an undeclared entity', () => refused(parse, '<r>&xxe;</r>', /undeclared entity '&xxe;'/));
      it('refuses an undeclared entity inside an attribute value', () => refused(parse, '<r a="&lol9;"/>', /undeclared entity/));
      it('refuses a document over the byte limit with 413', () => {
        refused(parse, `<r>${'x'.repeat(2000)}</r>`, /exceeds the limit of 1000 bytes/, { maxBytes: 1000 }, 413);
        refused(parse, Buffer.from(`<r>${'x'.repeat(2000)}</r>`), /exceeds the limit/, { maxBytes: 1000 }, 413);
      });
      it('refuses nesting deeper than the limit and accepts it at the limit', () => {
        refused(parse, nested(101), /deeper than the limit of 100/);
        refused(parse, nested(10_000), /deeper than the limit/);
        assert.doesNotThrow(() => parse(nested(100)));
        refused(parse, nested(6), /deeper than the limit of 5/, { maxDepth: 5 });
      });
      it('refuses an element with too many attributes', () => {
        const attrs = Array.from({ length: 300 }, (_, i) => `a${i}="v"`).join(' ');
        refused(parse, `<r ${attrs}/>`, /more than 256 attributes/);
      });
      it('refuses malformed XML with a clear message and never crashes', () => {
        for (const bad of ['', 'not xml', '<a>', '<a></b>', '<a b="1></a>', '<a><</a>', '<?xml version="1.0"?>', '<a>&</a>', '<a><!-- x</a>', '<<<>>>', '\u0000']) {
          assert.throws(() => parse(bad), (err: unknown) => err instanceof OwsException && err.status === 400, `input ${JSON.stringify(bad)}`);
        }
      });
      it('refuses bytes that are not UTF-8 and encodings it cannot read', () => {
        refused(parse, Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]), /not valid UTF-8/);
        refused(parse, Buffer.from('<?xml version="1.0" encoding="EBCDIC-US"?><a/>'), /encoding 'ebcdic-us' is not supported/);
      });
      it('uses the exceptionCode and locator the caller gives', () => {
        assert.throws(() => parse('<!DOCTYPE x><x/>', { code: 'OperationParsingFailed', locator: 'FILTER' }), (err: unknown) =>
          err instanceof OwsException && err.code === 'OperationParsingFailed' && err.locator === 'FILTER');
      });
      it('accepts what looks dangerous inside comments, CDATA and attribute values', () => {
        assert.doesNotThrow(() => parse('<r a="x > y &amp; &#65;"><!-- <!DOCTYPE x> &bad; --><![CDATA[<!ENTITY x "y"> &z;]]></r>'));
      });
    });
  }

  it('decodes the predefined entities and character references', () => {
    const doc = parseXmlFast('<r a="&lt;&#x41;&quot;">&amp;&#66;&apos;&gt;</r>') as { r: { '@_a': string; '#text': string } };
    assert.equal(doc.r['@_a'], '<A"');
    assert.equal(doc.r['#text'], "&B'>");
    assert.equal(parseXmlDocument('<r>&amp;&#66;</r>').root()?.text(), '&B');
  });

  it('reads ISO-8859-1 and UTF-16 bodies by their declaration and byte-order mark', () => {
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><r>Gen\xe8ve</r>', 'latin1');
    assert.equal((parseXmlFast(latin1) as { r: string }).r, 'Genève');
    assert.equal(parseXmlDocument(latin1).root()?.text(), 'Genève');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0" encoding="UTF-16"?><r>Zürich</r>', 'utf16le')]);
    assert.equal(parseXmlDocument(utf16).root()?.text(), 'Zürich');
  });

  it('does not follow XInclude', () => {
    const doc = parseXmlDocument('<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/hostname" parse="text"/></r>');
    assert.equal(doc.root()?.text(), '');
  });
});
