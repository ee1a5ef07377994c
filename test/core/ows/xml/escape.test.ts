/**
 * XML escaping: each character that needs work is changed whatever surrounds it (the quick test
 * that lets clean values through must not let any of them through), clean values come back as
 * they are, and every escaped value parses back to the original (illegal characters as U+FFFD).
 */
import assert from 'node:assert/strict';
import { escapeXmlAttr, escapeXmlText, stripIllegalXmlChars } from '../../../../core/ows/xml/escape.js';
import { parseXmlDocument } from '../../../../core/ows/xml/libxml.js';

describe('core/ows/xml escape', () => {
  it('returns clean values as they are, paired surrogates (an emoji) included', () => {
    for (const clean of ['', 'plain text', 'Zürich – café', '12.5', 'polygons.17', 'river \u{1F30A} bank', "it's"]) {
      assert.equal(escapeXmlText(clean), clean);
      assert.equal(stripIllegalXmlChars(clean), clean);
    }
    for (const clean of ['urn:ogc:def:crs:EPSG::4326', "a'b", 'x\u{1F30A}y']) assert.equal(escapeXmlAttr(clean), clean);
  });

  it('changes every character that needs it, alone or among others', () => {
    const text: Array<[string, string]> = [['&', '&amp;'], ['<', '&lt;'], ['>', '&gt;'], ['\u0000', '\uFFFD'], ['\u0008', '\uFFFD'], ['\u000B', '\uFFFD'], ['\u001F', '\uFFFD'], ['\uFFFE', '\uFFFD'], ['\uFFFF', '\uFFFD'], ['\uD800', '\uFFFD'], ['\uDC00', '\uFFFD']];
    for (const [c, out] of text) {
      assert.equal(escapeXmlText(c), out, `text ${JSON.stringify(c)}`);
      assert.equal(escapeXmlText(`ab${c}cd`), `ab${out}cd`);
    }
    const attr: Array<[string, string]> = [...text, ['"', '&quot;'], ['\t', '&#9;'], ['\n', '&#10;'], ['\r', '&#13;']];
    for (const [c, out] of attr) assert.equal(escapeXmlAttr(`x${c}`), `x${out}`, `attr ${JSON.stringify(c)}`);
    // Tab, newline and return are legal in text and kept there.
    assert.equal(escapeXmlText('a\tb\nc\rd'), 'a\tb\nc\rd');
    assert.equal(stripIllegalXmlChars('a\u0001b\uD83D'), 'a\uFFFDb\uFFFD');
  });

  it('writes values that parse back to the original', () => {
    const nasty = `a<b>&c"d\te\nf \u{1F30A} \u0002 end`;
    const doc = parseXmlDocument(`<r v="${escapeXmlAttr(nasty)}">${escapeXmlText(nasty)}</r>`).root()!;
    const expected = nasty.replace('\u0002', '\uFFFD');
    assert.equal(doc.attr('v')?.value(), expected);
    assert.equal(doc.text(), expected);
  });
});
