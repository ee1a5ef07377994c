/** Import test helpers: GeoTIFFs made with GDAL, a static HTTP server, metadata documents. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, normalize } from 'node:path';

export interface CogOptions {
  /** 'EPSG:4326', 'EPSG:32631'... */
  srs: string;
  /** Upper-left x, upper-left y, lower-right x, lower-right y in the CRS. */
  ullr: [number, number, number, number];
  size?: [number, number];
  bands?: number;
  type?: string;
  /** Tiled with overviews (gdal_translate -of COG), else a striped GeoTIFF without overviews. */
  cog?: boolean;
  /** GDAL metadata items (-mo), e.g. ACQUISITIONDATETIME, TIFFTAG_DATETIME. */
  metadata?: Record<string, string>;
  nodata?: number;
}

/** Writes a GeoTIFF with gdal_create (and gdal_translate -of COG), returns its path. */
export function makeGeoTiff(path: string, o: CogOptions): string {
  mkdirSync(dirname(path), { recursive: true });
  const [w, h] = o.size ?? [600, 400];
  const mo = Object.entries(o.metadata ?? {}).flatMap(([k, v]) => ['-mo', `${k}=${v}`]);
  const base = ['-outsize', String(w), String(h), '-bands', String(o.bands ?? 1), '-ot', o.type ?? 'Byte', '-burn', '7', '-a_srs', o.srs, '-a_ullr', ...o.ullr.map(String)];
  if (o.nodata !== undefined) base.push('-a_nodata', String(o.nodata));
  if (!o.cog) {
    execFileSync('gdal_create', ['-q', '-of', 'GTiff', ...base, ...mo, path]);
    return path;
  }
  const tmp = `${path}.src.tif`;
  execFileSync('gdal_create', ['-q', '-of', 'GTiff', ...base, tmp]);
  execFileSync('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=128', '-co', 'OVERVIEWS=AUTO', ...mo, tmp, path]);
  execFileSync('rm', ['-f', tmp]);
  return path;
}

/** gdalinfo -json of a file: the independent reading the importer is checked against. */
export function gdalInfo(path: string): { wgs84Extent: { coordinates: number[][][] }; size: [number, number]; geoTransform: number[]; bands: Array<{ overviews?: unknown[]; type: string; noDataValue?: number }> } {
  return JSON.parse(execFileSync('gdalinfo', ['-json', path], { encoding: 'utf8' })) as ReturnType<typeof gdalInfo>;
}

export function bboxOf(coords: number[][]): [number, number, number, number] {
  const xs = coords.map((c) => c[0]!);
  const ys = coords.map((c) => c[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export interface StaticServer {
  url: string;
  /** Every request: method, path, Range header and bytes sent. */
  requests: Array<{ method: string; path: string; range?: string; bytes: number; status: number }>;
  close(): Promise<void>;
}

/**
 * Serves a folder over HTTP on 127.0.0.1 (port 0) as a static file server would: ETag and
 * Last-Modified, 304 on If-None-Match, single byte ranges (206) for the TIFF readers.
 */
export async function serveDirectory(root: string): Promise<StaticServer> {
  const requests: StaticServer['requests'] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path));
    const entry = { method: req.method ?? 'GET', path, range: req.headers.range, bytes: 0, status: 200 };
    requests.push(entry);
    let s;
    try {
      s = statSync(file);
    } catch {
      s = undefined;
    }
    if (!file.startsWith(root) || !s?.isFile()) {
      entry.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const etag = `"${createHash('sha1').update(`${s.size}:${s.mtimeMs}`).digest('hex')}"`;
    const type = file.endsWith('.json') ? 'application/json' : file.endsWith('.xml') ? 'application/xml' : file.endsWith('.tif') ? 'image/tiff' : 'application/octet-stream';
    const headers: Record<string, string | number> = { etag, 'last-modified': s.mtime.toUTCString(), 'accept-ranges': 'bytes', 'content-type': type };
    if (req.headers['if-none-match'] === etag) {
      entry.status = 304;
      res.writeHead(304, headers).end();
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    let start = 0;
    let end = s.size - 1;
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), s.size - 1) : s.size - 1;
      entry.status = 206;
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${s.size}`, 'content-length': end - start + 1 });
    } else {
      res.writeHead(200, { ...headers, 'content-length': s.size });
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file, { start, end });
    stream.on('data', (chunk) => (entry.bytes += chunk.length));
    stream.pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface IsoRecordOptions {
  id: string;
  title: string;
  /** 'series' makes a collection, 'dataset' a product. */
  level?: 'series' | 'dataset';
  parent?: string;
  bbox?: [number, number, number, number];
  start?: string;
  end?: string;
}

/** A minimal ISO 19139 gmd:MD_Metadata document. */
export function isoRecord(o: IsoRecordOptions): string {
  const [w, s, e, n] = o.bbox ?? [1, 43, 2, 44];
  return `<?xml version="1.0" encoding="UTF-8"?>
<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco" xmlns:gml="http://www.opengis.net/gml/3.2">
  <gmd:fileIdentifier><gco:CharacterString>${o.id}</gco:CharacterString></gmd:fileIdentifier>
  ${o.parent ? `<gmd:parentIdentifier><gco:CharacterString>${o.parent}</gco:CharacterString></gmd:parentIdentifier>` : ''}
  <gmd:hierarchyLevel><gmd:MD_ScopeCode codeList="http://standards.iso.org/iso/19139/resources/gmxCodelists.xml#MD_ScopeCode" codeListValue="${o.level ?? 'dataset'}">${o.level ?? 'dataset'}</gmd:MD_ScopeCode></gmd:hierarchyLevel>
  <gmd:dateStamp><gco:DateTime>2021-01-01T00:00:00Z</gco:DateTime></gmd:dateStamp>
  <gmd:identificationInfo>
    <gmd:MD_DataIdentification>
      <gmd:citation><gmd:CI_Citation><gmd:title><gco:CharacterString>${o.title}</gco:CharacterString></gmd:title></gmd:CI_Citation></gmd:citation>
      <gmd:abstract><gco:CharacterString>About ${o.title}</gco:CharacterString></gmd:abstract>
      <gmd:extent>
        <gmd:EX_Extent>
          <gmd:geographicElement>
            <gmd:EX_GeographicBoundingBox>
              <gmd:westBoundLongitude><gco:Decimal>${w}</gco:Decimal></gmd:westBoundLongitude>
              <gmd:eastBoundLongitude><gco:Decimal>${e}</gco:Decimal></gmd:eastBoundLongitude>
              <gmd:southBoundLatitude><gco:Decimal>${s}</gco:Decimal></gmd:southBoundLatitude>
              <gmd:northBoundLatitude><gco:Decimal>${n}</gco:Decimal></gmd:northBoundLatitude>
            </gmd:EX_GeographicBoundingBox>
          </gmd:geographicElement>
          ${
            o.start
              ? `<gmd:temporalElement><gmd:EX_TemporalExtent><gmd:extent><gml:TimePeriod gml:id="t1"><gml:beginPosition>${o.start}</gml:beginPosition><gml:endPosition>${o.end ?? o.start}</gml:endPosition></gml:TimePeriod></gmd:extent></gmd:EX_TemporalExtent></gmd:temporalElement>`
              : ''
          }
        </gmd:EX_Extent>
      </gmd:extent>
    </gmd:MD_DataIdentification>
  </gmd:identificationInfo>
</gmd:MD_Metadata>
`;
}

/** A minimal ISO 19115-3 mdb:MD_Metadata document (the 2.0 namespaces GeoNetwork writes). */
export function iso19115_3Record(o: IsoRecordOptions): string {
  const [w, s, e, n] = o.bbox ?? [1, 43, 2, 44];
  const b = 'http://standards.iso.org/iso/19115/-3';
  return `<?xml version="1.0" encoding="UTF-8"?>
<mdb:MD_Metadata xmlns:mdb="${b}/mdb/2.0" xmlns:cit="${b}/cit/2.0" xmlns:mri="${b}/mri/1.0" xmlns:gex="${b}/gex/1.0" xmlns:mcc="${b}/mcc/1.0" xmlns:gco="${b}/gco/1.0" xmlns:gml="http://www.opengis.net/gml/3.2">
  <mdb:metadataIdentifier><mcc:MD_Identifier><mcc:code><gco:CharacterString>${o.id}</gco:CharacterString></mcc:code></mcc:MD_Identifier></mdb:metadataIdentifier>
  <mdb:metadataScope><mdb:MD_MetadataScope><mdb:resourceScope><mcc:MD_ScopeCode codeList="codeListLocation#MD_ScopeCode" codeListValue="${o.level ?? 'dataset'}"/></mdb:resourceScope></mdb:MD_MetadataScope></mdb:metadataScope>
  ${o.parent ? `<mdb:parentMetadata uuidref="${o.parent}"/>` : ''}
  <mdb:identificationInfo>
    <mri:MD_DataIdentification>
      <mri:citation><cit:CI_Citation><cit:title><gco:CharacterString>${o.title}</gco:CharacterString></cit:title></cit:CI_Citation></mri:citation>
      <mri:abstract><gco:CharacterString>About ${o.title}</gco:CharacterString></mri:abstract>
      <mri:extent>
        <gex:EX_Extent>
          <gex:geographicElement>
            <gex:EX_GeographicBoundingBox>
              <gex:westBoundLongitude><gco:Decimal>${w}</gco:Decimal></gex:westBoundLongitude>
              <gex:eastBoundLongitude><gco:Decimal>${e}</gco:Decimal></gex:eastBoundLongitude>
              <gex:southBoundLatitude><gco:Decimal>${s}</gco:Decimal></gex:southBoundLatitude>
              <gex:northBoundLatitude><gco:Decimal>${n}</gco:Decimal></gex:northBoundLatitude>
            </gex:EX_GeographicBoundingBox>
          </gex:geographicElement>
          ${o.start ? `<gex:temporalElement><gex:EX_TemporalExtent><gex:extent><gml:TimePeriod gml:id="t1"><gml:beginPosition>${o.start}</gml:beginPosition><gml:endPosition>${o.end ?? o.start}</gml:endPosition></gml:TimePeriod></gex:extent></gex:EX_TemporalExtent></gex:temporalElement>` : ''}
        </gex:EX_Extent>
      </mri:extent>
    </mri:MD_DataIdentification>
  </mdb:identificationInfo>
</mdb:MD_Metadata>
`;
}
