/**
 * GDAL's private TIFF tags: GDAL_NODATA (42113, the nodata value as text) and GDAL_METADATA
 * (42112, an XML list of items), where GDAL keeps band descriptions, units and dataset
 * metadata. GDAL, QGIS and the `geotiff` package read both.
 */

export interface BandMetadata {
  /** Shown by gdalinfo as the band's Description. */
  name?: string;
  unit?: string;
  scale?: number;
  offset?: number;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * GDAL escapes an item's value before putting it in the XML, which escapes it again, and it
 * unescapes twice on reading: a value escaped once would lose everything after its first '&'.
 */
function item(name: string, value: string, band?: number, role?: string): string {
  const where = band === undefined ? '' : ` sample="${band}"`;
  const what = role === undefined ? '' : ` role="${role}"`;
  return `  <Item name="${escapeXml(name)}"${where}${what}>${escapeXml(escapeXml(value))}</Item>\n`;
}

/** The GDAL_METADATA document, or undefined when there is nothing to say. */
export function gdalMetadataXml(bands: readonly BandMetadata[], dataset: Readonly<Record<string, string>> = {}): string | undefined {
  let items = '';
  for (const [key, value] of Object.entries(dataset)) items += item(key, value);
  bands.forEach((band, i) => {
    if (band.offset !== undefined) items += item('OFFSET', String(band.offset), i, 'offset');
    if (band.scale !== undefined) items += item('SCALE', String(band.scale), i, 'scale');
    if (band.name !== undefined && band.name !== '') items += item('DESCRIPTION', band.name, i, 'description');
    if (band.unit !== undefined && band.unit !== '') items += item('UNITTYPE', band.unit, i, 'unittype');
  });
  return items === '' ? undefined : `<GDALMetadata>\n${items}</GDALMetadata>`;
}

/** The nodata value as GDAL writes and parses it. */
export function gdalNodataText(nodata: number): string {
  if (Number.isNaN(nodata)) return 'nan';
  if (nodata === Infinity) return 'inf';
  if (nodata === -Infinity) return '-inf';
  return String(nodata);
}
