/**
 * The `stac` format: STAC 1.0.0 Items, Collections, Catalogs, ItemCollections (any
 * FeatureCollection of Items) and `{ collections: [...] }` lists, read into records; products
 * written as Items, collections as Collections (see README.md for the field mapping).
 */
import { MeridianError } from '../../../core/errors.js';
import type { CatalogueRecordInput } from '../types.js';
import { invalidRecord, isObject } from './json-document.js';
import { decodeStacCollection, encodeStacCollection } from './stac-collection.js';
import { decodeStacItem, encodeStacItem } from './stac-item.js';
import type { DecodeOptions, MetadataDocument, MetadataFormat } from './types.js';

const hasStacVersion = (v: unknown) => isObject(v) && typeof v.stac_version === 'string';

function isStac(json: unknown): boolean {
  if (!isObject(json)) return false;
  if (hasStacVersion(json)) return true;
  if (json.type === 'FeatureCollection' && Array.isArray(json.features)) return json.features.length > 0 && json.features.every(hasStacVersion);
  return Array.isArray(json.collections) && json.collections.length > 0 && json.collections.every(hasStacVersion);
}

function decodeMember(value: unknown, path: string, content: string, options: DecodeOptions & { source?: string }): CatalogueRecordInput {
  const type = isObject(value) ? value.type : undefined;
  if (type === 'Feature') return decodeStacItem(value, path, content, options);
  if (type === 'Collection' || type === 'Catalog') return decodeStacCollection(value, path, content, options);
  // STAC 0.x Collections have no type; a document with an extent is one.
  if (isObject(value) && type === undefined && isObject(value.extent)) return decodeStacCollection(value, path, content, options);
  throw invalidRecord(`${path ? `${path}.type` : 'type'} must be 'Feature', 'Collection' or 'Catalog' in a STAC document`, path ? `${path}.type` : 'type');
}

export const stacFormat: MetadataFormat = {
  name: 'stac',
  title: 'STAC 1.0.0 (Item, Collection, ItemCollection)',
  mediaType: 'application/geo+json; profile="https://stacspec.org"',
  schema: 'https://schemas.stacspec.org/v1.0.0/item-spec/json-schema/item.json',
  detect: (doc: MetadataDocument) => isStac(doc.json),
  decode(doc, options) {
    const json = doc.json;
    const o = { ...options, source: doc.source };
    if (!isObject(json)) throw invalidRecord('A STAC document must be a JSON object', '/');
    if (json.type === 'FeatureCollection') {
      if (!Array.isArray(json.features)) throw invalidRecord('features must be a list', 'features');
      return json.features.map((f, i) => decodeStacItem(f, `features[${i}]`, JSON.stringify(f), o));
    }
    if (Array.isArray(json.collections)) return json.collections.map((c, i) => decodeMember(c, `collections[${i}]`, JSON.stringify(c), o));
    return [decodeMember(json, '', doc.text, o)];
  },
  toJson(record, options) {
    if (record.type === 'product') return encodeStacItem(record, options);
    if (record.type === 'collection') return encodeStacCollection(record, options);
    throw new MeridianError(406, `Record '${record.identifier}' is a ${record.type} record, which STAC has no document for`, { code: 'NotAcceptable', locator: 'f' });
  },
};
