/** What every STAC document (Item, Collection, Catalog) carries besides its own members: its version, extensions, links and assets. */
import type { CatalogueRecordInput, RecordLink } from '../types.js';
import type { JsonObject, JsonReader } from './json-document.js';
import { readStacAssets, readStacLinks } from './stac-links.js';
import type { DecodeOptions } from './types.js';

export const STAC_VERSION = '1.0.0';
/** `properties` keys only the STAC encoder writes back (top-level members, the datetime of a range). */
export const STAC_ONLY_KEYS: ReadonlySet<string> = new Set(['stac_extensions', 'datetime', 'stac_type']);

/**
 * Ends reading a STAC document into `record`: its stac_extensions (kept in `extras`), links (those
 * `keepLink` accepts) and assets, then `extras` as the record's properties, the owner and the
 * document itself as the record's metadata.
 */
export function finishStacRecord(
  r: JsonReader,
  record: CatalogueRecordInput,
  extras: JsonObject,
  content: string,
  options: DecodeOptions & { source?: string },
  keepLink: (link: RecordLink) => boolean = () => true,
): CatalogueRecordInput {
  const extensions = r.strings('stac_extensions');
  if (extensions) extras.stac_extensions = extensions;
  const links = readStacLinks(r, options.source)?.filter(keepLink);
  if (links && links.length > 0) record.links = links;
  const assets = readStacAssets(r, options.source);
  if (assets && Object.keys(assets).length > 0) record.assets = assets;
  if (Object.keys(extras).length > 0) record.properties = extras;
  if (options.owner !== undefined) record.owner = options.owner;
  record.metadata = { format: 'stac', content };
  return record;
}
