/**
 * The `ogc17-003` format: OGC 17-003r2 EO Dataset Metadata GeoJSON(-LD) for products and OGC
 * 17-084 EO Collection GeoJSON(-LD) for collections, service and application records (one
 * encoding; `properties.kind` tells the record type). Decodes a Feature or a FeatureCollection.
 */
import { decodeEoFeature } from './eo-geojson-decode.js';
import { encodeEoFeature } from './eo-geojson-encode.js';
import { invalidRecord, isObject } from './json-document.js';
import type { MetadataFormat } from './types.js';

export const eoGeoJsonFormat: MetadataFormat = {
  name: 'ogc17-003',
  title: 'OGC 17-003r2 EO Dataset / 17-084 EO Collection GeoJSON',
  mediaType: 'application/geo+json',
  schema: 'http://www.opengis.net/spec/eo-geojson/1.0',
  // Any GeoJSON Feature or FeatureCollection: STAC, the more specific, is detected first.
  detect: (doc) => isObject(doc.json) && (doc.json.type === 'Feature' || doc.json.type === 'FeatureCollection'),
  decode(doc, options) {
    const json = doc.json;
    if (!isObject(json)) throw invalidRecord('A GeoJSON document must be a JSON object', '/');
    if (json.type === 'FeatureCollection') {
      if (!Array.isArray(json.features)) throw invalidRecord('features must be a list', 'features');
      return json.features.map((f, i) => decodeEoFeature(f, `features[${i}]`, JSON.stringify(f), options));
    }
    return [decodeEoFeature(json, '', doc.text, options)];
  },
  toJson: (record, options) => encodeEoFeature(record, options),
};
