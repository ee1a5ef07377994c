import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { OwsException } from '../../../core/ows/exceptions.js';
import { parseKvp } from '../../../core/ows/kvp.js';

function throwsOws(fn: () => unknown, code: string, locator: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OwsException, String(err));
    assert.equal(err.code, code);
    assert.equal(err.locator, locator);
    assert.equal(err.status, 400);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('core/ows/kvp', () => {
  it('matches parameter names in any case and keeps values as sent', () => {
    const kvp = parseKvp('?SERVICE=WMS&Request=GetMap&layers=Roads,Rivers&fOrMaT=image%2Fpng');
    assert.equal(kvp.required('service'), 'WMS');
    assert.equal(kvp.required('REQUEST'), 'GetMap');
    assert.equal(kvp.optional('LaYeRs'), 'Roads,Rivers');
    assert.equal(kvp.required('format'), 'image/png');
    assert.ok(kvp.has('FORMAT'));
    assert.deepEqual(kvp.names(), ['SERVICE', 'Request', 'layers', 'fOrMaT']);
  });

  it('reads application/x-www-form-urlencoded bodies, with + as space', () => {
    const kvp = parseKvp(Buffer.from('service=CSW&constraint=AnyText+like+%27%25sea%25%27&empty='));
    assert.equal(kvp.required('CONSTRAINT'), "AnyText like '%sea%'");
    assert.equal(kvp.optional('empty'), '');
    assert.equal(kvp.optional('absent'), undefined);
  });

  it('throws MissingParameterValue with the parameter as locator for absent or empty required values', () => {
    const kvp = parseKvp('request=GetMap&crs=');
    throwsOws(() => kvp.required('LAYERS'), 'MissingParameterValue', 'LAYERS', /LAYERS/);
    throwsOws(() => kvp.required('CRS'), 'MissingParameterValue', 'CRS');
    throwsOws(() => kvp.int('WIDTH'), 'MissingParameterValue', 'WIDTH');
  });

  describe('repeated parameters', () => {
    const query = 'layers=a&LAYERS=b&version=1.3.0&VERSION=1.3.0';

    it("rejects differing repeats as InvalidParameterValue by default, and tolerates identical ones", () => {
      const kvp = parseKvp(query);
      throwsOws(() => kvp.optional('layers'), 'InvalidParameterValue', 'layers', /more than once/);
      assert.equal(kvp.required('version'), '1.3.0');
    });

    it("takes the first under 'first'", () => {
      assert.equal(parseKvp(query, { repeated: 'first' }).required('LAYERS'), 'a');
    });

    it("joins into one list under 'collect', also per parameter", () => {
      const kvp = parseKvp(query, { repeatedByName: { LaYeRs: 'collect' } });
      assert.equal(kvp.required('layers'), 'a,b');
      assert.deepEqual(kvp.list('layers'), ['a', 'b']);
      assert.deepEqual(kvp.all('Layers'), ['a', 'b']);
    });
  });

  describe('lists', () => {
    it('splits on literal commas and decodes each item, so %2C stays inside an item', () => {
      assert.deepEqual(parseKvp('keywords=a%2Cb,c').list('keywords'), ['a,b', 'c']);
    });

    it('splits after decoding when the client encoded every comma', () => {
      assert.deepEqual(parseKvp('bbox=1%2C2%2C3%2C4').list('BBOX'), ['1', '2', '3', '4']);
    });

    it('keeps empty items and gives [] for an empty value', () => {
      assert.deepEqual(parseKvp('styles=,,').list('styles'), ['', '', '']);
      assert.deepEqual(parseKvp('styles=').list('styles'), []);
      assert.deepEqual(parseKvp('x=1').list('styles'), []);
      throwsOws(() => parseKvp('x=1').list('styles', { required: true }), 'MissingParameterValue', 'styles');
    });

    it('reads parenthesised lists of lists', () => {
      const kvp = parseKvp('typenames=(ns1:F1,ns2:F2)(ns1:F1,ns1:F1)&aliases=A,B&enc=%28a%2Cb%29%28c%29');
      assert.deepEqual(kvp.groupedList('TYPENAMES'), [['ns1:F1', 'ns2:F2'], ['ns1:F1', 'ns1:F1']]);
      assert.deepEqual(kvp.groupedList('aliases'), [['A', 'B']]);
      assert.deepEqual(kvp.groupedList('enc'), [['a', 'b'], ['c']]);
      throwsOws(() => parseKvp('t=(a,b)c').groupedList('t'), 'InvalidParameterValue', 't');
    });
  });

  describe('typed values', () => {
    const kvp = parseKvp('width=256&height=-1&opacity=0.5&e=1e3&bad=12px&hex=0x10&transparent=TRUE&t2=false&t3=yes&big=99999999999999999999');

    it('parses numbers and integers strictly, with bounds', () => {
      assert.equal(kvp.int('WIDTH', { min: 1 }), 256);
      assert.equal(kvp.number('opacity', { min: 0, max: 1 }), 0.5);
      assert.equal(kvp.number('e'), 1000);
      assert.equal(kvp.optionalInt('absent'), undefined);
      throwsOws(() => kvp.int('height', { min: 1 }), 'InvalidParameterValue', 'height', /at least 1/);
      throwsOws(() => kvp.number('bad'), 'InvalidParameterValue', 'bad', /must be a number; got '12px'/);
      throwsOws(() => kvp.number('hex'), 'InvalidParameterValue', 'hex');
      throwsOws(() => kvp.int('opacity'), 'InvalidParameterValue', 'opacity', /integer/);
      throwsOws(() => kvp.int('big'), 'InvalidParameterValue', 'big');
      throwsOws(() => kvp.number('e', { max: 10 }), 'InvalidParameterValue', 'e', /at most 10/);
    });

    it('parses TRUE/FALSE in any case', () => {
      assert.equal(kvp.boolean('TRANSPARENT'), true);
      assert.equal(kvp.optionalBoolean('t2'), false);
      assert.equal(kvp.optionalBoolean('absent', true), true);
      throwsOws(() => kvp.boolean('t3'), 'InvalidParameterValue', 't3', /TRUE or FALSE/);
    });

    it('checks enumerations', () => {
      const k = parseKvp('service=wms&format=image/png');
      assert.equal(k.oneOf('service', ['WMS', 'WFS'], { caseInsensitive: true }), 'WMS');
      assert.equal(k.oneOf('exceptions', ['XML', 'INIMAGE'], { default: 'XML' }), 'XML');
      throwsOws(() => k.oneOf('format', ['image/jpeg']), 'InvalidParameterValue', 'format', /one of image\/jpeg/);
    });
  });

  it('refuses malformed percent-encoding when the parameter is read, naming it', () => {
    const kvp = parseKvp('layers=%E0%A4%A&name=%FF&vendor=%zz&%zz=1&ok=1');
    throwsOws(() => kvp.optional('LAYERS'), 'InvalidParameterValue', 'layers', /percent-encoded/);
    throwsOws(() => kvp.list('name'), 'InvalidParameterValue', 'name');
    assert.equal(kvp.required('ok'), '1');
    assert.deepEqual(kvp.unknownNames(['layers', 'name', 'vendor', 'ok']), ['%zz']);
  });

  it('lists and refuses unknown parameters on request', () => {
    const kvp = parseKvp('f=json&limit=10&Foo=1');
    assert.deepEqual(kvp.unknownNames(['F', 'LIMIT']), ['Foo']);
    throwsOws(() => kvp.rejectUnknown(['f', 'limit']), 'InvalidParameterValue', 'Foo', /Unknown parameter/);
  });

  it('skips empty pairs and names', () => {
    const kvp = parseKvp('&&a=1&=x&b&');
    assert.deepEqual(kvp.names(), ['a', 'b']);
    assert.equal(kvp.optional('b'), '');
  });
});
