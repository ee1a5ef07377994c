/**
 * The spellings OGC services use for one CRS. The form matters beyond the code: in WFS 1.1/2.0
 * and GML the short `EPSG:4326` and the `.../gml/srs/epsg.xml#4326` URL are read in x/y (lon/lat)
 * order by most servers and clients, while URNs and `http://www.opengis.net/def/crs/...` URIs
 * always mean the authority's axis order.
 */
export type CrsIdentifierForm =
  | 'short' // EPSG:4326, OGC:CRS84, ESRI:102100
  | 'wms' // CRS:84, CRS:83, CRS:27 (WMS 1.3.0 annex B)
  | 'urn' // urn:ogc:def:crs:EPSG::4326, urn:ogc:def:crs:EPSG:6.6:4326, urn:x-ogc:def:crs:EPSG:4326
  | 'uri' // http://www.opengis.net/def/crs/EPSG/0/4326
  | 'gml-srs'; // http://www.opengis.net/gml/srs/epsg.xml#4326

export type CrsAuthority = 'EPSG' | 'OGC' | 'ESRI';

export interface ParsedCrsIdentifier {
  authority: CrsAuthority;
  /** '4326', 'CRS84'. */
  code: string;
  form: CrsIdentifierForm;
  /** The identifier as given. */
  input: string;
}

/** WMS `CRS:nn` codes and their OGC names. */
const WMS_CRS: Record<string, string> = { '84': 'CRS84', '83': 'CRS83', '27': 'CRS27' };

function normaliseCode(authority: string, code: string): { authority: CrsAuthority; code: string } | undefined {
  const auth = authority.toUpperCase();
  if (auth === 'EPSG' || auth === 'ESRI') return /^\d{1,9}$/.test(code) ? { authority: auth, code: String(Number(code)) } : undefined;
  if (auth === 'OGC') {
    const upper = code.toUpperCase();
    if (upper === 'CRS84H') return { authority: 'OGC', code: 'CRS84h' };
    return /^CRS(84|83|27)$/.test(upper) ? { authority: 'OGC', code: upper } : undefined;
  }
  return undefined;
}

/** Parses any OGC spelling of a CRS identifier; undefined when it is none of them. */
export function parseCrsIdentifier(input: string): ParsedCrsIdentifier | undefined {
  const id = input.trim();
  let m = /^(EPSG|OGC|ESRI):([A-Za-z0-9]+)$/i.exec(id);
  if (m) return withForm(normaliseCode(m[1], m[2]), 'short', input);
  m = /^CRS:(\d+)$/i.exec(id);
  if (m) return WMS_CRS[m[1]] ? { authority: 'OGC', code: WMS_CRS[m[1]], form: 'wms', input } : undefined;
  // urn:ogc:def:crs:EPSG::4326, urn:ogc:def:crs:EPSG:6.6:4326, urn:ogc:def:crs:OGC:1.3:CRS84, urn:x-ogc:def:crs:EPSG:4326
  m = /^urn:(?:x-)?ogc:def:crs:([A-Za-z]+):(?:([^:]*):)?([A-Za-z0-9]+)$/i.exec(id);
  if (m) return withForm(normaliseCode(m[1], m[3]), 'urn', input);
  // http(s)://www.opengis.net/def/crs/EPSG/0/4326, .../OGC/1.3/CRS84
  m = /^https?:\/\/www\.opengis\.net\/def\/crs\/([A-Za-z]+)\/[^/]+\/([A-Za-z0-9]+)$/i.exec(id);
  if (m) return withForm(normaliseCode(m[1], m[2]), 'uri', input);
  m = /^https?:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#(\d+)$/i.exec(id);
  if (m) return withForm(normaliseCode('EPSG', m[1]), 'gml-srs', input);
  return undefined;
}

function withForm(parsed: { authority: CrsAuthority; code: string } | undefined, form: CrsIdentifierForm, input: string): ParsedCrsIdentifier | undefined {
  return parsed ? { ...parsed, form, input } : undefined;
}

/** The canonical short identifier: 'EPSG:4326', 'OGC:CRS84'. */
export function shortCrsId(authority: CrsAuthority, code: string): string {
  return `${authority}:${code}`;
}

/** The OGC http URI: 'http://www.opengis.net/def/crs/EPSG/0/4326', '.../OGC/1.3/CRS84'. */
export function crsUri(authority: CrsAuthority, code: string): string {
  return `http://www.opengis.net/def/crs/${authority}/${authority === 'OGC' ? '1.3' : '0'}/${code}`;
}

/** The OGC URN: 'urn:ogc:def:crs:EPSG::4326', 'urn:ogc:def:crs:OGC:1.3:CRS84'. */
export function crsUrn(authority: CrsAuthority, code: string): string {
  return `urn:ogc:def:crs:${authority}:${authority === 'OGC' ? '1.3' : ''}:${code}`;
}
