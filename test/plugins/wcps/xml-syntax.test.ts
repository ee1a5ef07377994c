/**
 * The XML encodings of WCPS requests (plugins/wcps/xml-syntax.ts): the same queries written in
 * the abstract (text) syntax and in the WCPS 1.0 XML syntax give the same typed tree and, over
 * HTTP, the same bytes on /wcps and on WCS ProcessCoverages; the request documents that keep to
 * the official WCPS 1.0 schema validate against it (libxmljs2, test/fixtures/schemas overlay);
 * the forms beyond the schema that rasdaman sends are read too; malformed documents and elements
 * out of place give OWS exception reports with the element path as locator.
 */
import assert from 'node:assert/strict';
import { parseXmlElementTree } from '../../../core/ows/index.js';
import { parseQuery } from '../../../plugins/wcps/parser.js';
import { readXmlRequest } from '../../../plugins/wcps/xml-syntax.js';
import { validateXml } from '../../helpers/xsd.js';
import { exception, makeFixtures, startWcps, wcpsGet, type Fixtures, type WcpsHarness } from './support.js';

const WCPS_XSD = 'ogc/wcps/1.0/wcpsAll.xsd';
const OWS_REPORT_XSD = 'ogc/ows/2.0/owsExceptionReport.xsd';

// A small writer for the XML syntax, so each query reads close to its text form.
const X = (name: string, ...children: string[]) => `<${name}>${children.join('')}</${name}>`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: number | string) => X('numericConstant', String(v));
const str = (v: string) => X('stringConstant', esc(v));
const cov = (v: string) => X('coverage', v);
const ref = (v: string) => X('variableRef', v);
const band = (c: string, f: string) => X('fieldSelect', c, X('field', X('name', f)));
const cast = (e: string, type: string) => X('cast', e, X('type', type));
const crs = (c: string) => X('gml:srsName', c);
/** axis, optional CRS, bounds */
const interval = (axis: string, lo: string, hi: string, srs?: string) => X('axis', axis) + (srs ? crs(srs) : '') + X('lowerBound', lo) + X('upperBound', hi);
const point = (axis: string, at: string, srs?: string) => X('axis', axis) + (srs ? crs(srs) : '') + X('slicingPosition', at);
const iterator = (tag: string, v: string, axis: string, lo: string, hi: string) => X(tag, X('iteratorVar', v), X('axis', axis), lo, hi);
const encode = (e: string, format: string, extra?: string) => `<encode store="false">${e}${X('format', format)}${extra ? X('extraParameters', esc(extra)) : ''}</encode>`;
const forIn = (v: string, ...coverages: string[]) => X('coverageIterator', X('iteratorVar', v), ...coverages.map((c) => X('coverageName', c)));

/** A WCPS 1.0 ProcessCoveragesRequest as its schema has it (service WCS, version 1.1.2: the fixed values of its WCS 1.1 base type). */
function wcps10(body: string, attrs = 'service="WCS" version="1.1.2"'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ProcessCoveragesRequest xmlns="http://www.opengis.net/wcps/1.0" xmlns:gml="http://www.opengis.net/gml" ${attrs}><query>${body}</query></ProcessCoveragesRequest>`;
}
const xmlSyntax = (...parts: string[]) => wcps10(X('xmlSyntax', ...parts));
const abstractSyntax = (text: string) => wcps10(X('abstractSyntax', esc(text)));

const ndvi = X('div', X('minus', band(cov('c'), 'nir'), band(cov('c'), 'red')), X('plus', band(cov('c'), 'nir'), band(cov('c'), 'red')));

interface Case {
  name: string;
  text: string;
  xml: string;
  /** Whether the document keeps to the official WCPS 1.0 schema (the others use rasdaman's forms beyond it). */
  schemaValid: boolean;
}

const CASES: Case[] = [
  {
    name: 'NDVI of a trimmed scene, cast to float, as GeoTIFF',
    text: 'for $c in (scene) return encode((float)(($c.nir - $c.red) / ($c.nir + $c.red))[x(500100:500600), y(4599000:4599500)], "image/tiff")',
    xml: xmlSyntax(forIn('c', 'scene'), encode(cast(X('trim', ndvi, interval('x', num(500100), num(500600)), interval('y', num(4599000), num(4599500))), 'float'), 'image/tiff')),
    schemaValid: true,
  },
  {
    name: 'average NDVI of the whole scene (a condenser as the result)',
    text: 'for $c in (scene) return avg(($c.nir - $c.red) / ($c.nir + $c.red))',
    xml: xmlSyntax(forIn('c', 'scene'), X('avg', ndvi)),
    schemaValid: true,
  },
  {
    name: 'a where clause over two coverages, count of a comparison',
    text: 'for $c in (scene, rgb) where avg($c.red) > 300 return count($c.red > 600)',
    xml: xmlSyntax(forIn('c', 'scene', 'rgb'), X('where', X('booleanGreaterThan', X('reduce', X('avg', band(cov('c'), 'red'))), num(300))), X('count', X('greaterThan', band(cov('c'), 'red'), num(600)))),
    schemaValid: true,
  },
  {
    name: 'trim then slice in grid coordinates (CRS:1), a boolean coverage as CSV',
    text: 'for $c in (dem) return encode(slice(trim($c, {x:"CRS:1"(10:19)}), {y:"CRS:1"(20)}) > 1000, "text/csv")',
    xml: xmlSyntax(forIn('c', 'dem'), encode(X('greaterThan', X('slice', X('trim', cov('c'), interval('x', num(10), num(19), 'CRS:1')), point('y', num(20), 'CRS:1')), num(1000)), 'text/csv')),
    schemaValid: true,
  },
  {
    name: 'extend past the edges (negative grid bounds) as JSON',
    text: 'for $c in (scene) return encode(extend($c.red[x:"CRS:1"(0:3), y:"CRS:1"(0:2)], {x:"CRS:1"(-1:4), y:"CRS:1"(-1:3)}), "application/json")',
    xml: xmlSyntax(
      forIn('c', 'scene'),
      encode(X('extend', X('trim', band(cov('c'), 'red'), interval('x', num(0), num(3), 'CRS:1'), interval('y', num(0), num(2), 'CRS:1')), interval('x', num(-1), num(4), 'CRS:1'), interval('y', num(-1), num(3), 'CRS:1')), 'application/json'),
    ),
    schemaValid: true,
  },
  {
    name: 'a range constructor swapping bands, as PNG with options',
    text: 'for $c in (rgb) return encode({red: $c.blue; green: $c.green; blue: $c.red}, "image/png", "nodata=0")',
    xml: xmlSyntax(
      forIn('c', 'rgb'),
      encode(X('rangeConstructor', ...[['red', 'blue'], ['green', 'green'], ['blue', 'red']].map(([to, from]) => X('component', X('field', X('name', to!)), band(cov('c'), from!)))), 'image/png', 'nodata=0'),
    ),
    schemaValid: true,
  },
  {
    name: 'scale to a grid extent (with the schema\'s field interpolation)',
    text: 'for $c in (scene) return encode(scale($c.red, {x:"CRS:1"(0:49), y:"CRS:1"(0:29)}), "image/tiff")',
    xml: xmlSyntax(
      forIn('c', 'scene'),
      encode(X('scale', band(cov('c'), 'red'), interval('x', num(0), num(49), 'CRS:1'), interval('y', num(0), num(29), 'CRS:1'), X('name', 'red'), X('interpolationMethod', 'nearest neighbor'), X('nullResistance', 'none')), 'image/tiff'),
    ),
    schemaValid: true,
  },
  {
    name: 'a subset by a domain interval (DomainMetadata inline), summed',
    text: 'for $c in (scene) return add($c.red[x(domain($c, x, "EPSG:32631")), y:"CRS:1"(0:9)])',
    xml: xmlSyntax(forIn('c', 'scene'), X('add', X('trim', band(cov('c'), 'red'), X('axis', 'x') + cov('c') + X('axis', 'x') + crs('EPSG:32631'), interval('y', num(0), num(9), 'CRS:1')))),
    schemaValid: true,
  },
  {
    name: 'a time slice by a date string, averaged',
    text: 'for $c in (monthly) return avg($c[t("2021-02-01")])',
    xml: xmlSyntax(forIn('c', 'monthly'), X('avg', X('slice', cov('c'), point('t', str('2021-02-01'))))),
    schemaValid: true,
  },
  {
    name: 'metadata: the identifier',
    text: 'for $c in (dem) return identifier($c)',
    xml: xmlSyntax(forIn('c', 'dem'), X('identifier', cov('c'))),
    schemaValid: true,
  },
  {
    name: 'a general condense over an iterator (rasdaman\'s variableRef)',
    text: 'for $c in (scene) return condense + over $i x(0:9) using $c.red[x:"CRS:1"($i), y:"CRS:1"(0)]',
    xml: xmlSyntax(forIn('c', 'scene'), X('condense', '<opPlus/>', iterator('iterator', 'i', 'x', num(0), num(9)), X('slice', band(cov('c'), 'red'), point('x', ref('i'), 'CRS:1'), point('y', num(0), 'CRS:1')))),
    schemaValid: false,
  },
  {
    name: 'a coverage constructor as CSV (variableRef)',
    text: 'for $c in (scene) return encode(coverage ramp over $px x(0:9), $py y(0:4) values (unsigned char)($px * 10 + $py), "text/csv")',
    xml: xmlSyntax(forIn('c', 'scene'), encode(X('construct', X('name', 'ramp'), iterator('axisIterator', 'px', 'x', num(0), num(9)), iterator('axisIterator', 'py', 'y', num(0), num(4)), cast(X('plus', X('mult', ref('px'), num(10)), ref('py')), 'unsigned char')), 'text/csv')),
    schemaValid: false,
  },
  {
    name: 'switch (rasdaman\'s form), as PNG',
    text: 'for $c in (dem) return encode(switch case $c > 1000 return (unsigned char) 2 default return (unsigned char) 1, "image/png")',
    xml: xmlSyntax(forIn('c', 'dem'), encode(X('switch', X('case', X('condition', X('greaterThan', cov('c'), num(1000))), X('result', cast(num(2), 'unsigned char'))), X('default', X('result', cast(num(1), 'unsigned char')))), 'image/png')),
    schemaValid: false,
  },
  {
    name: 'NDVI as rasdaman writes it: service="WCPS" version="1.0.0", axis E, unprefixed srsName, $-variables',
    text: 'for $c in (scene) return encode((float)(($c.nir - $c.red) / ($c.nir + $c.red))[E:"CRS:1"(10:59), N:"CRS:1"(20:49)], "image/tiff")',
    xml: wcps10(
      X('xmlSyntax', X('coverageIterator', X('iteratorVar', '$c'), X('coverageName', 'scene')), encode(cast(X('trim', ndvi.replace(/<coverage>c</g, '<coverage>$c<'), X('axis', 'E'), X('srsName', 'CRS:1'), X('lowerBound', num(10)), X('upperBound', num(59)), X('axis', 'N'), X('srsName', 'CRS:1'), X('lowerBound', num(20)), X('upperBound', num(49))), 'float'), 'image/tiff')),
      'service="WCPS" version="1.0.0"',
    ),
    schemaValid: false,
  },
];

/** The tree without positions (the text syntax has line and column, the XML syntax element paths). */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k, x]) => k !== 'pos' && x !== undefined).map(([k, x]) => [k, shape(x)]));
  return v;
}

describe('wcps XML syntax', function () {
  this.timeout(180_000);

  describe('reading (no server)', () => {
    for (const c of CASES) {
      it(`same tree as the text syntax: ${c.name}`, () => {
        const q = readXmlRequest(parseXmlElementTree(c.xml));
        assert.equal(q.kind, 'tree');
        assert.deepEqual(shape(q.kind === 'tree' ? q.query : undefined), shape(parseQuery(c.text)));
      });
    }

    it('the documents that keep to the official WCPS 1.0 schema validate against it; rasdaman\'s forms do not', () => {
      for (const c of CASES) {
        const errors = validateXml(c.xml, WCPS_XSD);
        if (c.schemaValid) assert.deepEqual(errors, [], c.name);
        else assert.ok(errors.length > 0, `${c.name} was expected outside the schema`);
      }
      assert.deepEqual(validateXml(abstractSyntax('for $c in (scene) return count($c.red < 600)'), WCPS_XSD), []);
      // The schema's own limits, which the reader goes beyond: axis labels other than x, y, z, t and rasdaman's root attributes.
      const rasdaman = validateXml(CASES.at(-1)!.xml, WCPS_XSD).join('\n');
      assert.match(rasdaman, /fixed value constraint 'WCS'/);
      assert.match(rasdaman, /'E' is not an element of the set/);
    });

    it('the abstract syntax in <abstractSyntax> (CDATA or escaped) and in proc:ProcessCoverages with extra parameters', () => {
      assert.deepEqual(readXmlRequest(parseXmlElementTree(abstractSyntax('for $c in (scene) return count($c.red < 600)'))), { kind: 'text', text: 'for $c in (scene) return count($c.red < 600)' });
      assert.deepEqual(readXmlRequest(parseXmlElementTree(wcps10('<abstractSyntax><![CDATA[for $c in (scene) return count($c.red < 600)]]></abstractSyntax>'))), { kind: 'text', text: 'for $c in (scene) return count($c.red < 600)' });
      const proc = '<proc:ProcessCoverages xmlns:proc="http://www.opengis.net/wcs/processing/2.0" service="WCS" version="2.0.1"><proc:query>for $c in (scene) return encode($c.red[x:"CRS:1"(0:$1)], "$2")</proc:query><proc:extraParameter>9</proc:extraParameter><proc:extraParameter>image/tiff</proc:extraParameter></proc:ProcessCoverages>';
      assert.deepEqual(readXmlRequest(parseXmlElementTree(proc)), { kind: 'text', text: 'for $c in (scene) return encode($c.red[x:"CRS:1"(0:9)], "image/tiff")' });
    });
  });

  describe('over HTTP', () => {
    let fixtures: Fixtures;
    let h: WcpsHarness;
    before(async () => {
      fixtures = await makeFixtures();
      h = await startWcps({}, fixtures);
    });
    after(async () => {
      await h?.close();
      if (fixtures) (await import('node:fs')).rmSync(fixtures.dir, { recursive: true, force: true });
    });

    const postXml = async (url: string, xml: string) => {
      const r = await fetch(url, { method: 'POST', body: xml, headers: { 'Content-Type': 'application/xml' } });
      return { status: r.status, contentType: r.headers.get('content-type') ?? '', body: Buffer.from(await r.arrayBuffer()) };
    };
    const procXml = (query: string, ...extra: string[]) =>
      `<proc:ProcessCoverages xmlns:proc="http://www.opengis.net/wcs/processing/2.0" service="WCS" version="2.0.1"><proc:query>${esc(query)}</proc:query>${extra.map((e) => `<proc:extraParameter>${esc(e)}</proc:extraParameter>`).join('')}</proc:ProcessCoverages>`;

    for (const c of CASES) {
      it(`identical bytes in both syntaxes on /wcps and WCS: ${c.name}`, async () => {
        const text = await wcpsGet(h, c.text);
        assert.equal(text.status, 200, text.text.slice(0, 1000));
        const answers = {
          'wcps xmlSyntax': await postXml(h.url, c.xml),
          'wcps abstractSyntax': await postXml(h.url, abstractSyntax(c.text)),
          'wcs xmlSyntax': await postXml(h.wcsUrl, c.xml),
          'wcs abstractSyntax': await postXml(h.wcsUrl, abstractSyntax(c.text)),
          'wcs proc:ProcessCoverages': await postXml(h.wcsUrl, procXml(c.text)),
        };
        for (const [how, a] of Object.entries(answers)) {
          assert.equal(a.status, 200, `${how}: ${a.body.toString().slice(0, 1000)}`);
          assert.equal(a.contentType, text.contentType, how);
          assert.ok(a.body.equals(text.body), `${how}: ${a.body.length} bytes differ from the text syntax's ${text.body.length}`);
        }
      });
    }

    it('extra parameters: proc:extraParameter and the KVP keys 1, 2 give the substituted query\'s bytes', async () => {
      const plain = await wcpsGet(h, 'for $c in (scene) return encode($c.red[x:"CRS:1"(0:9), y:"CRS:1"(0:9)], "image/tiff")');
      assert.equal(plain.status, 200);
      const q = 'for $c in (scene) return encode($c.red[x:"CRS:1"(0:$1), y:"CRS:1"(0:$1)], "$2")';
      const x = await postXml(h.wcsUrl, procXml(q, '9', 'image/tiff'));
      assert.equal(x.status, 200, x.body.toString());
      assert.ok(x.body.equals(plain.body));
      const k = await fetch(`${h.wcsUrl}?service=WCS&version=2.0.1&request=ProcessCoverages&query=${encodeURIComponent(q)}&1=9&2=${encodeURIComponent('image/tiff')}`);
      assert.equal(k.status, 200);
      assert.ok(Buffer.from(await k.arrayBuffer()).equals(plain.body));
      const missing = await postXml(h.wcsUrl, procXml(q, '9'));
      assert.equal(missing.status, 400);
      assert.deepEqual(pick(exception(missing.body.toString())), { code: 'MissingParameterValue', locator: 'extraParameter' });
    });

    const pick = (e: { code?: string; locator?: string }) => ({ code: e.code, locator: e.locator });

    async function fails(xml: string, code: string, status: number, locator?: string, endpoints = [h.url, h.wcsUrl]): Promise<string> {
      let text = '';
      for (const url of endpoints) {
        const r = await postXml(url, xml);
        text = r.body.toString();
        assert.equal(r.status, status, `${url}: ${text}`);
        const e = exception(text);
        assert.equal(e.code, code, `${url}: ${text}`);
        if (locator !== undefined) assert.equal(e.locator, locator, `${url}: ${text}`);
        assert.deepEqual(validateXml(text, OWS_REPORT_XSD), [], text);
      }
      return text;
    }

    const Q = '/ProcessCoveragesRequest/query/xmlSyntax';

    it('malformed XML is InvalidEncodingSyntax; a root that is no WCPS request too (/wcps)', async () => {
      await fails('<ProcessCoveragesRequest xmlns="http://www.opengis.net/wcps/1.0"><query><abstractSyntax>for $c in (scene) return 1</query></ProcessCoveragesRequest>', 'InvalidEncodingSyntax', 400);
      await fails('<GetCoverage xmlns="http://www.opengis.net/wcs/2.0"/>', 'InvalidEncodingSyntax', 400, '/GetCoverage', [h.url]);
      await fails('<ProcessCoveragesRequest xmlns="http://www.opengis.net/wcps/1.1"><query/></ProcessCoveragesRequest>', 'InvalidEncodingSyntax', 400, '/ProcessCoveragesRequest', [h.url]);
    });

    it('an unknown element, an element of another namespace, a missing one: WcpsSyntaxError at the element\'s path', async () => {
      const unknown = await fails(xmlSyntax(forIn('c', 'scene'), encode(X('frobnicate', cov('c')), 'image/tiff')), 'WcpsSyntaxError', 400, `${Q}/encode/frobnicate`);
      assert.match(unknown, /frobnicate/);
      await fails(xmlSyntax(forIn('c', 'scene'), X('avg', '<x:plus xmlns:x="urn:other">' + cov('c') + num(1) + '</x:plus>')), 'WcpsSyntaxError', 400, `${Q}/avg/x:plus`);
      await fails(xmlSyntax(forIn('c', 'scene'), encode(X('trim', cov('c'), X('axis', 'x'), X('lowerBound', num(0))), 'image/tiff')), 'WcpsSyntaxError', 400, `${Q}/encode/trim`);
      await fails(xmlSyntax(forIn('c', 'scene'), X('count', X('greaterThan', cov('c')))), 'WcpsSyntaxError', 400, `${Q}/count/greaterThan`);
      await fails(xmlSyntax(forIn('c', 'scene'), X('avg', num('ten'))), 'WcpsSyntaxError', 400, `${Q}/avg/numericConstant`);
      await fails(xmlSyntax(X('avg', cov('c'))), 'WcpsSyntaxError', 400, `${Q}/avg`);
      await fails(wcps10(X('xmlSyntax', forIn('c', 'scene'), X('avg', cov('c'))) + X('abstractSyntax', 'for $c in (scene) return 1')), 'WcpsSyntaxError', 400, '/ProcessCoveragesRequest/query/abstractSyntax');
      // Siblings of one name are numbered as XPath numbers them.
      await fails(xmlSyntax(forIn('c', 'scene'), encode(X('trim', cov('c'), interval('x', num(0), num(9)), X('axis', 'y'), X('lowerBound', num(0)), X('upperBound', X('bogus'))), 'image/tiff')), 'WcpsSyntaxError', 400, `${Q}/encode/trim/upperBound[2]/bogus`);
    });

    it('type and domain errors found after reading name the element too', async () => {
      await fails(xmlSyntax(forIn('c', 'scene'), X('avg', cast(cov('c'), 'quadruple'))), 'TypeMismatch', 400, `${Q}/avg/cast/type`);
      await fails(xmlSyntax(forIn('c', 'scene'), X('avg', band(cov('c'), 'swir'))), 'NoSuchField', 400, `${Q}/avg/fieldSelect`);
      await fails(xmlSyntax(forIn('c', 'scene'), X('avg', cov('d'))), 'UndefinedVariable', 400, `${Q}/avg/coverage`);
      await fails(xmlSyntax(forIn('c', 'nowhere'), X('avg', cov('c'))), 'NoSuchCoverage', 404, `${Q}/coverageIterator/coverageName`);
      await fails(xmlSyntax(forIn('c', 'scene'), X('avg', X('plus', band(cov('c'), 'red'), X('trim', band(cov('c'), 'red'), interval('x', num(500000), num(500100)))))), 'DomainMismatch', 400, `${Q}/avg/plus`);
      await fails(xmlSyntax(forIn('c', 'scene'), encode(X('trim', cov('c'), interval('q', num(0), num(9))), 'image/tiff')), 'InvalidAxisLabel', 400);
    });

    it('no query is MissingParameterValue; store="true" and complex numbers are UnsupportedOperation (501)', async () => {
      await fails('<ProcessCoveragesRequest xmlns="http://www.opengis.net/wcps/1.0" service="WCS" version="1.1.2"/>', 'MissingParameterValue', 400, 'query');
      await fails(wcps10(X('abstractSyntax', ' ')), 'MissingParameterValue', 400, 'query');
      await fails(xmlSyntax(forIn('c', 'scene'), `<encode store="true">${cov('c')}${X('format', 'image/tiff')}</encode>`), 'UnsupportedOperation', 501, `${Q}/encode`);
      await fails(xmlSyntax(forIn('c', 'scene'), X('avg', X('re', cov('c')))), 'UnsupportedOperation', 501, `${Q}/avg/re`);
    });

    it('WCS: a ProcessCoveragesRequest with another service is refused; a WCS 1.1.2 version is the schema\'s and is taken', async () => {
      await fails(wcps10(X('abstractSyntax', 'for $c in (scene) return 1'), 'service="WMS" version="1.1.2"'), 'InvalidParameterValue', 400, 'service', [h.wcsUrl]);
      const ok = await postXml(h.wcsUrl, abstractSyntax('for $c in (scene) return count($c.red < 600)'));
      assert.equal(ok.status, 200, ok.body.toString());
    });
  });
});
