/** The registry of metadata formats (types.ts); each format is one file in this folder. */
import { BadRequest } from '../../../core/errors.js';
import { serializeXml } from '../../../core/ows/index.js';
import type { CatalogueRecord } from '../types.js';
import { dublinCore3Format, dublinCoreFormat } from './dublin-core.js';
import { eoGeoJsonFormat } from './eo-geojson.js';
import { withEoModel } from './eo-model.js';
import { eop21Format } from './eop21.js';
import { iso19115_3Format } from './iso19115-3.js';
import { iso19139Format } from './iso19139.js';
import { stacFormat } from './stac.js';
import type { DecodeOptions, EncodeOptions, MetadataDocument, MetadataFormat, MetadataFormats } from './types.js';

export type { DecodeOptions, EncodeOptions, MetadataDocument, MetadataFormat, MetadataFormats } from './types.js';

/**
 * Every built-in format, in detection order (most specific first). Formats add themselves here;
 * each reads into and writes from the model's EO fields through eo-model.ts.
 */
const BUILTIN_FORMATS: MetadataFormat[] = [iso19139Format, iso19115_3Format, dublinCoreFormat, dublinCore3Format, eop21Format, stacFormat, eoGeoJsonFormat].map(withEoModel);

function asDocument(doc: MetadataDocument | string): MetadataDocument {
  const d = typeof doc === 'string' ? { text: doc } : doc;
  if (d.json !== undefined) return d;
  const head = d.text.trimStart()[0];
  if (head !== '{' && head !== '[') return d;
  try {
    return { ...d, json: JSON.parse(d.text) as unknown };
  } catch {
    throw new BadRequest(`${d.source ?? 'The document'} is not valid JSON`, { code: 'InvalidRecord' });
  }
}

export function createMetadataFormats(formats: MetadataFormat[] = BUILTIN_FORMATS): MetadataFormats {
  const find = (key: string) => formats.find((f) => f.name === key || f.mediaType === key || f.schema === key);
  return {
    list: () => [...formats],
    find,
    decode(input, options: DecodeOptions & { format?: string } = {}) {
      const doc = asDocument(input);
      const format = options.format !== undefined ? find(options.format) : formats.find((f) => f.decode && f.detect?.(doc));
      if (!format?.decode) {
        const what = options.format !== undefined ? `format '${options.format}' cannot be read` : `${doc.source ?? 'the document'} is in no format the catalogue reads (${formats.filter((f) => f.decode).map((f) => f.name).join(', ')})`;
        throw new BadRequest(what.charAt(0).toUpperCase() + what.slice(1), { code: 'InvalidRecord' });
      }
      return { format, records: format.decode(doc, options) };
    },
    encode(name: string, record: CatalogueRecord, options: EncodeOptions = {}) {
      const format = find(name);
      if (!format) throw new BadRequest(`Unknown metadata format '${name}'`, { code: 'InvalidParameterValue', locator: 'format' });
      if (options.asReceived && record.metadata?.format === format.name) return record.metadata.content;
      if (format.toXml) return serializeXml(format.toXml(record, options), { declaration: false });
      if (format.toJson) return JSON.stringify(format.toJson(record, options));
      throw new BadRequest(`Records cannot be written as '${name}'`, { code: 'InvalidParameterValue', locator: 'format' });
    },
  };
}
