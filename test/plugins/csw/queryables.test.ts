import assert from 'node:assert/strict';
import { createMetadataFormats } from '../../../plugins/catalogue/formats/index.js';
import { describeQueryables } from '../../../plugins/catalogue/schema.js';
import { ANY_TEXT, createQueryableMap } from '../../../plugins/csw/queryables.js';

describe('CSW queryables from the catalogue formats', () => {
  const map = createQueryableMap(describeQueryables(), createMetadataFormats());

  it('look names up with any prefix, a namespace URI or none, case-insensitively, Dublin Core first', () => {
    assert.equal(map.resolve('dc:title'), 'title');
    assert.equal(map.resolve('Title'), 'title');
    assert.equal(map.resolve('apiso:title'), 'title');
    assert.equal(map.resolve('{http://purl.org/dc/elements/1.1/}subject'), 'keywords');
    assert.equal(map.resolve('ows:BoundingBox'), 'geometry');
    assert.equal(map.resolve('apiso:RevisionDate'), 'modificationDate');
    assert.equal(map.resolve('dct:modified'), 'updated');
    assert.equal(map.resolve('dc:nothing'), undefined);
  });

  it('take engine queryables by their own names, and AnyText as full text', () => {
    assert.equal(map.resolve('cloudCover'), 'cloudCover');
    assert.equal(map.resolve('AnyText'), ANY_TEXT);
    assert.equal(map.resolve('csw:AnyText'), ANY_TEXT);
    assert.ok(map.names().includes('dc:title') && map.names().includes('apiso:CloudCover') && map.names().includes('cloudCover'));
  });

  it('name record types as dc:type does, and read type words back', () => {
    assert.equal(map.typeName('collection'), 'series');
    assert.equal(map.typeName('product'), 'dataset');
    assert.equal(map.recordType('http://purl.org/dc/dcmitype/Dataset'), 'product');
    assert.equal(map.recordType('Collection'), 'collection');
    assert.equal(map.recordType('feature'), undefined);
  });
});
