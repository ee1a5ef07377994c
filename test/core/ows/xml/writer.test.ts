import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { NS } from '../../../../core/ows/xml/namespaces.js';
import { el, raw, serializeXml, writeXml } from '../../../../core/ows/xml/writer.js';
import { parseXmlDocument } from '../../../../core/ows/xml/libxml.js';

describe('core/ows/xml/writer', () => {
  it('escapes text and attribute values so any string round-trips', () => {
    const nasty = `a<b>&c"d'e]]>f\tg\nh`;
    const xml = serializeXml(el('r', { v: nasty }, nasty));
    const root = parseXmlDocument(xml).root()!;
    assert.equal(root.attr('v')?.value(), nasty);
    assert.equal(root.text(), nasty);
  });

  it('writes namespaced documents with a declaration, skipping nullish attributes and children', () => {
    const xml = serializeXml(el('ows:Title', { 'xmlns:ows': NS.ows20, 'xml:lang': 'en', skipped: undefined, none: null }, 'T', null, false, undefined, [' 1', 2]));
    assert.equal(xml, `<?xml version="1.0" encoding="UTF-8"?><ows:Title xmlns:ows="${NS.ows20}" xml:lang="en">T 12</ows:Title>`);
  });

  it('indents element-only content and leaves mixed content alone', () => {
    const xml = serializeXml(el('a', null, el('b', null, 'x'), el('c')), { indent: '  ', declaration: false });
    assert.equal(xml, '<a>\n  <b>x</b>\n  <c/>\n</a>');
  });

  it('streams chunks to a sink', () => {
    const chunks: string[] = [];
    writeXml(el('a', null, el('b'), raw('<c/>')), (c) => chunks.push(c), { declaration: false });
    assert.ok(chunks.length > 2);
    assert.equal(chunks.join(''), '<a><b/><c/></a>');
  });

  it('refuses element and attribute names that are not XML names', () => {
    assert.throws(() => el('a b'), /Invalid XML element name/);
    assert.throws(() => el('a', { 'x"=1 y': 'v' }), /Invalid XML attribute name/);
    assert.throws(() => el('<script>'), /Invalid XML element name/);
  });
});
