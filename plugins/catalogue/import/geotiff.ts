/**
 * A GeoTIFF (Cloud Optimized or not) as a product record, read from its header and IFDs only
 * (geotiff's fromFile/fromUrl read byte ranges, never the pixels): the footprint from the
 * geotransform and the EPSG code of its GeoKeys, reprojected to CRS:84; the time from GDAL
 * metadata, the file name or the TIFF DateTime tag; bands, data type, size, resolution, nodata,
 * proj:epsg and overviews as properties; the file itself as the data asset.
 */
import { BaseClient, BaseResponse, fromCustomClient, fromFile, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import { fetchRemote, type RemoteFetchLimits, type RemoteResponse } from '../../../core/net/remote-fetch.js';
import { resolveCrs, transformPoints, type CrsDefinition } from '../../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';
import type { CatalogueRecordInput } from '../types.js';
import { parseInstant, timeFromFileName, timeFromGdalMetadata } from './dates.js';
import { baseName, type Location } from './locations.js';
import { SourceError } from './read.js';

/** Points per footprint edge: enough to follow a UTM grid's curvature in CRS:84. */
const EDGE_POINTS = 16;
const USER_DEFINED = 32767;
const COG_MEDIA_TYPE = 'image/tiff; application=geotiff; profile=cloud-optimized';
const GEOTIFF_MEDIA_TYPE = 'image/tiff; application=geotiff';

export interface GeoTiffOptions {
  parentIdentifier?: string;
  owner?: string;
  signal?: AbortSignal;
  /** How a remote TIFF's byte ranges are fetched (core/net limits). */
  fetch?: RemoteFetchLimits;
}

/** geotiff's HTTP client on core/net, so a remote TIFF's range reads keep the import's network limits. */
class RemoteTiffClient extends BaseClient {
  constructor(
    url: string,
    private readonly limits: RemoteFetchLimits,
  ) {
    super(url);
  }

  override async request(options: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<BaseResponse> {
    const res = await fetchRemote(this.url, this.limits, { headers: options.headers, signal: options.signal });
    return new RemoteTiffResponse(res);
  }
}

class RemoteTiffResponse extends BaseResponse {
  constructor(private readonly res: RemoteResponse) {
    super();
  }
  override get ok(): boolean {
    return this.res.status >= 200 && this.res.status < 300;
  }
  override get status(): number {
    return this.res.status;
  }
  override getHeader(name: string): string | undefined {
    const v = this.res.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }
  override async getData(): Promise<ArrayBuffer> {
    const { body } = this.res;
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  }
}

/** What the header says, before it becomes a record (geotiff-record tests read it too). */
export interface GeoTiffSummary {
  width: number;
  height: number;
  bands: number;
  dataType: string;
  epsg: number;
  /** Pixel corners in the file's CRS, x/y order: [[x, y] of (0,0), (w,0), (w,h), (0,h)]. */
  nativeBbox: [number, number, number, number];
  footprint: GeoJSONGeometry;
  /** Ground sample distance in metres. */
  resolution: number;
  nodata?: number;
  overviews: number;
  tiled: boolean;
  start?: string;
  end?: string;
  created?: string;
  gdalMetadata: Record<string, unknown>;
}

export async function readGeoTiffRecord(location: Location, options: GeoTiffOptions = {}): Promise<CatalogueRecordInput> {
  const summary = await readGeoTiffSummary(location, options.signal, options.fetch);
  const name = baseName(location);
  const href = location.kind === 'file' ? location.path : location.kind === 'url' ? location.url : name;
  const cog = summary.tiled && summary.overviews > 0;
  const record: CatalogueRecordInput = {
    identifier: name.replace(/\.tiff?$/i, ''),
    type: 'product',
    title: name,
    geometry: summary.footprint,
    resolution: summary.resolution,
    assets: { data: { href, type: cog ? COG_MEDIA_TYPE : GEOTIFF_MEDIA_TYPE, roles: ['data'], title: name } },
    properties: {
      bands: summary.bands,
      dataType: summary.dataType,
      width: summary.width,
      height: summary.height,
      'proj:epsg': summary.epsg,
      'proj:shape': [summary.height, summary.width],
      'proj:bbox': summary.nativeBbox,
      ...(summary.nodata !== undefined ? { nodata: summary.nodata } : {}),
      overviews: summary.overviews,
      tiled: summary.tiled,
    },
  };
  if (summary.start) record.start = summary.start;
  if (summary.end && summary.start && summary.end >= summary.start) record.end = summary.end;
  if (summary.created) record.creationDate = summary.created;
  Object.assign(record, eoPropertiesFrom(summary.gdalMetadata));
  if (options.parentIdentifier) record.parentIdentifier = options.parentIdentifier;
  if (options.owner) record.owner = options.owner;
  return record;
}

async function openTiff(location: Location, signal: AbortSignal | undefined, limits: RemoteFetchLimits | undefined): Promise<GeoTIFF> {
  try {
    if (location.kind === 'file') return await fromFile(location.path, signal);
    if (location.kind === 'url') {
      if (!limits) throw new Error('remote TIFFs need network limits');
      return await fromCustomClient(new RemoteTiffClient(location.url, limits), { allowFullFile: false }, signal);
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new SourceError(`not a readable TIFF: ${(err as Error).message}`, 'InvalidGeoTIFF');
  }
  throw new SourceError('uploaded TIFFs are not imported: give the file\'s URL', 'InvalidGeoTIFF');
}

export async function readGeoTiffSummary(location: Location, signal?: AbortSignal, limits?: RemoteFetchLimits): Promise<GeoTiffSummary> {
  const tiff = await openTiff(location, signal, limits);
  try {
    const image = await tiff.getImage(0);
    const dir = image.getFileDirectory();
    const keys = image.getGeoKeys() ?? {};
    const epsg = Number(keys.ProjectedCSTypeGeoKey ?? keys.GeographicTypeGeoKey);
    if (!Number.isInteger(epsg) || epsg <= 0) throw new SourceError('the GeoTIFF has no GeoKeys naming its CRS (not georeferenced)', 'InvalidGeoTIFF');
    if (epsg === USER_DEFINED) throw new SourceError('the GeoTIFF has a user-defined CRS; only EPSG codes are read', 'InvalidGeoTIFF');
    let crs: CrsDefinition;
    try {
      crs = resolveCrs(`EPSG:${epsg}`);
    } catch {
      throw new SourceError(`the GeoTIFF's CRS EPSG:${epsg} is unknown`, 'InvalidGeoTIFF');
    }
    const toModel = await geotransform(image, Number(keys.GTRasterTypeGeoKey) === 2);
    const width = image.getWidth();
    const height = image.getHeight();
    const corners = [toModel(0, 0), toModel(width, 0), toModel(width, height), toModel(0, height)];
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    const nativeBbox: [number, number, number, number] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    const footprint = footprintOf(toModel, width, height, crs);
    const resolution = groundResolution(toModel, width, height, crs);
    const gdalMetadata = ((await image.getGDALMetadata()) ?? {}) as Record<string, unknown>;
    const fromMetadata = timeFromGdalMetadata(gdalMetadata);
    const tagTime = parseInstant(await dir.loadValue('DateTime'));
    const start = fromMetadata.start ?? timeFromFileName(baseName(location)) ?? tagTime;
    const nodataText = (await dir.loadValue('GDAL_NODATA')) as string | undefined;
    const nodata = nodataText !== undefined ? Number(String(nodataText).replace(/\0+$/, '').trim()) : undefined;
    return {
      width,
      height,
      bands: image.getSamplesPerPixel(),
      dataType: dataTypeOf(image),
      epsg,
      nativeBbox,
      footprint,
      resolution,
      nodata: nodata !== undefined && !Number.isNaN(nodata) ? nodata : undefined,
      overviews: await countOverviews(tiff),
      tiled: image.isTiled,
      start,
      end: fromMetadata.end,
      created: tagTime,
      gdalMetadata,
    };
  } catch (err) {
    if (err instanceof SourceError || signal?.aborted) throw err;
    throw new SourceError(`the GeoTIFF header cannot be read: ${(err as Error).message}`, 'InvalidGeoTIFF');
  } finally {
    await tiff.close();
  }
}

type ToModel = (i: number, j: number) => [number, number];

/** Pixel (column, row) to model coordinates: ModelTransformation, else tie point and pixel scale. */
async function geotransform(image: GeoTIFFImage, pixelIsPoint: boolean): Promise<ToModel> {
  const dir = image.getFileDirectory();
  const matrix = (await dir.loadValue('ModelTransformation')) as number[] | undefined;
  const tie = (await dir.loadValue('ModelTiepoint')) as number[] | undefined;
  const scale = (await dir.loadValue('ModelPixelScale')) as number[] | undefined;
  // PixelIsPoint rasters name pixel centres: GDAL shifts them by half a pixel, and so do we.
  const shift = pixelIsPoint ? 0.5 : 0;
  if (matrix && matrix.length >= 8) {
    const m = Array.from(matrix, Number);
    return (i, j) => [m[0]! * (i - shift) + m[1]! * (j - shift) + m[3]!, m[4]! * (i - shift) + m[5]! * (j - shift) + m[7]!];
  }
  if (tie && tie.length >= 6 && scale && scale.length >= 2) {
    const [ti, tj, , tx, ty] = Array.from(tie, Number) as [number, number, number, number, number];
    const [sx, sy] = Array.from(scale, Number) as [number, number];
    return (i, j) => [tx + (i - shift - ti) * sx, ty - (j - shift - tj) * sy];
  }
  throw new SourceError('the GeoTIFF has no geotransform (ModelTiepoint and ModelPixelScale, or ModelTransformation)', 'InvalidGeoTIFF');
}

/** The image outline, each edge densified, in CRS:84, counter-clockwise. */
function footprintOf(toModel: ToModel, width: number, height: number, crs: CrsDefinition): GeoJSONGeometry {
  const ring: Array<[number, number]> = [];
  const edge = (from: [number, number], to: [number, number]) => {
    for (let k = 0; k < EDGE_POINTS; k++) {
      const t = k / EDGE_POINTS;
      ring.push(toModel(from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t));
    }
  };
  edge([0, 0], [width, 0]);
  edge([width, 0], [width, height]);
  edge([width, height], [0, height]);
  edge([0, height], [0, 0]);
  const lonLat = transformPoints(ring, crs, 'OGC:CRS84');
  if (lonLat.some(([x, y]) => Number.isNaN(x) || Number.isNaN(y))) throw new SourceError(`the GeoTIFF's extent lies partly outside the domain of EPSG:${crs.code}`, 'InvalidGeoTIFF');
  const coords = lonLat.map(([x, y]): [number, number] => [round(x), round(y)]);
  if (signedArea(coords) < 0) coords.reverse();
  coords.push([...coords[0]!]);
  return { type: 'Polygon', coordinates: [coords] };
}

function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

function signedArea(ring: Array<[number, number]>): number {
  let area = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    area += x1 * y2 - x2 * y1;
  }
  return area / 2;
}

const EARTH_RADIUS = 6371008.8;

function haversine([lon1, lat1]: [number, number], [lon2, lat2]: [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Metres per pixel: the pixel size itself in a CRS whose unit is the metre, else the mean of the
 * centre pixel's width and height measured on the sphere.
 */
function groundResolution(toModel: ToModel, width: number, height: number, crs: CrsDefinition): number {
  const ci = Math.floor(width / 2);
  const cj = Math.floor(height / 2);
  const [o, right, down] = [toModel(ci, cj), toModel(ci + 1, cj), toModel(ci, cj + 1)];
  if (crs.kind === 'projected' && crs.unit === 'metre') {
    const dx = Math.hypot(right[0] - o[0], right[1] - o[1]);
    const dy = Math.hypot(down[0] - o[0], down[1] - o[1]);
    return roundMetres((dx + dy) / 2);
  }
  const [a, b, c] = transformPoints([o, right, down], crs, 'OGC:CRS84');
  return roundMetres((haversine(a!, b!) + haversine(a!, c!)) / 2);
}

function roundMetres(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function dataTypeOf(image: GeoTIFFImage): string {
  const bits = image.getBitsPerSample(0);
  const format = image.getSampleFormat(0);
  const kind = format === 3 ? 'float' : format === 2 ? 'int' : format === 6 ? 'cfloat' : format === 5 ? 'cint' : 'uint';
  return `${kind}${bits}`;
}

/** Reduced-resolution images (NewSubfileType bit 0) that are not masks (bit 2). */
async function countOverviews(tiff: GeoTIFF): Promise<number> {
  const count = await tiff.getImageCount();
  let overviews = 0;
  for (let i = 1; i < count; i++) {
    const type = Number((await tiff.getImage(i)).getFileDirectory().getValue('NewSubfileType') ?? 0);
    if ((type & 1) === 1 && (type & 4) === 0) overviews++;
  }
  return overviews;
}

/** EO properties some producers write as GDAL metadata items. */
function eoPropertiesFrom(items: Record<string, unknown>): Partial<CatalogueRecordInput> {
  const byKey = new Map(Object.entries(items).map(([k, v]) => [k.toUpperCase(), typeof v === 'string' ? v.trim() : v]));
  const text = (...keys: string[]) => keys.map((k) => byKey.get(k)).find((v): v is string => typeof v === 'string' && v !== '');
  const out: Partial<CatalogueRecordInput> = {};
  const cloud = Number(text('CLOUD_COVER', 'CLOUDCOVER', 'CLOUD_COVERAGE_ASSESSMENT', 'CLOUDY_PIXEL_PERCENTAGE'));
  if (Number.isFinite(cloud) && cloud >= 0 && cloud <= 100) out.cloudCover = cloud;
  const platform = text('PLATFORM', 'SPACECRAFT_NAME', 'SATELLITE', 'SPACECRAFT_ID');
  if (platform) out.platform = platform;
  const instrument = text('INSTRUMENT', 'SENSOR', 'SENSOR_ID');
  if (instrument) out.instrument = instrument;
  const productType = text('PRODUCT_TYPE', 'PRODUCTTYPE');
  if (productType) out.productType = productType;
  const level = text('PROCESSING_LEVEL', 'PROCESSINGLEVEL');
  if (level) out.processingLevel = level;
  return out;
}
