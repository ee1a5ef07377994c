/**
 * GDAL's private TIFF tags: GDAL_NODATA (42113, the nodata value as ASCII) and GDAL_METADATA
 * (42112, an XML list of items: dataset ones, and band ones with a `sample` index and a `role`
 * for offset, scale, description, unit type and colour interpretation).
 */
import { XMLParser } from 'fast-xml-parser';

export interface GdalBandMetadata {
  /** Items by role ('offset', 'scale', 'description', 'unittype', 'colorinterp'). */
  roles: Map<string, string>;
  /** Items without a role (STATISTICS_MINIMUM...), by name. */
  items: Map<string, string>;
}

export interface GdalMetadata {
  dataset: Map<string, string>;
  bands: Map<number, GdalBandMetadata>;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  isArray: (name) => name === 'Item',
});

export function parseGdalMetadata(xml: string | undefined): GdalMetadata {
  const metadata: GdalMetadata = { dataset: new Map(), bands: new Map() };
  if (!xml || !xml.includes('<GDALMetadata')) return metadata;
  let doc: { GDALMetadata?: { Item?: Array<Record<string, string> | string> } };
  try {
    doc = parser.parse(xml) as typeof doc;
  } catch {
    return metadata; // unreadable metadata is no reason to refuse the pixels
  }
  for (const item of doc.GDALMetadata?.Item ?? []) {
    if (typeof item !== 'object') continue;
    const name = item['@name'];
    if (!name || item['@domain']) continue;
    const value = unescapeXml((item['#text'] ?? '').trim());
    const sample = item['@sample'];
    if (sample === undefined) {
      metadata.dataset.set(name, value);
      continue;
    }
    const index = Number(sample);
    if (!Number.isInteger(index) || index < 0) continue;
    let band = metadata.bands.get(index);
    if (!band) metadata.bands.set(index, (band = { roles: new Map(), items: new Map() }));
    const role = item['@role'];
    if (role) band.roles.set(role.toLowerCase(), value);
    else band.items.set(name, value);
  }
  return metadata;
}

/**
 * GDAL escapes item values itself before its XML writer escapes them again ('&' is stored as
 * '&amp;amp;'), and unescapes twice on reading: the XML parser undid one level, this the other.
 */
function unescapeXml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(amp|lt|gt|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, entity: string) => {
    switch (entity) {
      case 'amp': return '&';
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
      default: return String.fromCodePoint(entity[1] === 'x' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
    }
  });
}

/** GDAL writes nodata with C's %.18g: '-9999', '1e+20', 'nan', '-inf'. */
export function parseNodata(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  if (t === 'nan' || t === '-nan') return Number.NaN;
  if (t === 'inf' || t === '+inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  const value = Number(t);
  return Number.isNaN(value) ? undefined : value;
}

export function finiteNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
