/**
 * Deterministic sample data: four collections and `products` generated products with realistic
 * EO metadata over the globe and ten years (2015-2025), so search and facets show something.
 * The same count always gives the same records; loading twice replaces them.
 */
import type { CatalogueRecordInput, CatalogueService } from './types.js';
import { seededRandom } from '../../core/seeded-random.js';

interface SampleCollection {
  identifier: string;
  title: string;
  platform: string;
  instrument: string;
  sensorType: string;
  productType: string;
  processingLevel: string;
  resolution: number;
  /** Footprint size in degrees. */
  size: number;
  polarisationChannels?: string;
}

export const SAMPLE_COLLECTIONS: SampleCollection[] = [
  { identifier: 'sample-sentinel2-l1c', title: 'Sentinel-2 MSI Level-1C (sample)', platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', productType: 'S2MSI1C', processingLevel: 'LEVEL1C', resolution: 10, size: 1 },
  { identifier: 'sample-sentinel2-l2a', title: 'Sentinel-2 MSI Level-2A (sample)', platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', productType: 'S2MSI2A', processingLevel: 'LEVEL2A', resolution: 10, size: 1 },
  { identifier: 'sample-sentinel1-grd', title: 'Sentinel-1 SAR GRD (sample)', platform: 'SENTINEL-1', instrument: 'SAR-C', sensorType: 'RADAR', productType: 'GRD', processingLevel: 'LEVEL1', resolution: 20, size: 2.5, polarisationChannels: 'VV, VH' },
  { identifier: 'sample-landsat8-l1tp', title: 'Landsat 8 OLI/TIRS Level-1 (sample)', platform: 'LANDSAT-8', instrument: 'OLI_TIRS', sensorType: 'OPTICAL', productType: 'L1TP', processingLevel: 'LEVEL1', resolution: 30, size: 1.8 },
];


const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const TEN_YEARS_START = Date.UTC(2015, 0, 1);
const TEN_YEARS_MS = Date.UTC(2025, 0, 1) - TEN_YEARS_START;
const PLACES = ['Europe', 'Africa', 'Asia', 'America', 'Oceania', 'Arctic', 'Antarctica', 'Atlantic', 'Pacific', 'Indian Ocean'];

export function sampleRecords(products: number): CatalogueRecordInput[] {
  return [...sampleRecordStream(products)];
}

/** The sample records one by one (the collections first), for loads too large to hold at once. */
export function* sampleRecordStream(products: number): Generator<CatalogueRecordInput> {
  const next = seededRandom(20151123);
  yield* SAMPLE_COLLECTIONS.map((c): CatalogueRecordInput => ({
    identifier: c.identifier,
    type: 'collection',
    title: c.title,
    abstract: `${c.platform} ${c.instrument} ${c.processingLevel} products, generated sample data for trying search and facets.`,
    keywords: ['sample', c.platform, c.instrument, c.sensorType],
    geometry: { type: 'Polygon', coordinates: [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]] },
    start: '2015-01-01T00:00:00.000Z',
    end: '2024-12-31T23:59:59.999Z',
    ...eoPropertiesOf(c),
    visibility: 'public',
  }));
  for (let i = 0; i < products; i++) {
    const c = SAMPLE_COLLECTIONS[i % SAMPLE_COLLECTIONS.length]!;
    const lon = round(-180 + next() * (360 - c.size));
    // Latitudes spread by area (sine), kept inside the polar orbits' coverage.
    const lat = round((Math.asin(next() * 2 - 1) * 180) / Math.PI * 0.9 - c.size / 2);
    const skew = round(next() * 0.2 * c.size);
    const ring: Array<[number, number]> = [[lon + skew, lat], [round(lon + c.size + skew), lat], [round(lon + c.size), round(lat + c.size)], [lon, round(lat + c.size)], [lon + skew, lat]];
    const start = TEN_YEARS_START + Math.floor(next() * TEN_YEARS_MS);
    const duration = c.sensorType === 'RADAR' ? 25_000 : 5_000 + Math.floor(next() * 10_000);
    const orbitNumber = 1000 + Math.floor(next() * 50_000);
    const optical = c.sensorType === 'OPTICAL';
    const place = PLACES[Math.floor(next() * PLACES.length)]!;
    const when = new Date(start).toISOString();
    const identifier = `${c.productType}_${when.replace(/[-:.]/g, '').slice(0, 15)}_${String(i).padStart(6, '0')}`;
    yield {
      identifier,
      type: 'product',
      parentIdentifier: c.identifier,
      title: `${c.platform} ${c.productType} ${when.slice(0, 10)} over ${place}`,
      abstract: `${c.instrument} acquisition of orbit ${orbitNumber} over ${place}.`,
      keywords: [c.platform, place],
      geometry: { type: 'Polygon', coordinates: [ring] },
      start: when,
      end: new Date(start + duration).toISOString(),
      ...eoPropertiesOf(c),
      orbitNumber,
      orbitDirection: next() < 0.5 ? 'ASCENDING' : 'DESCENDING',
      ...(optical ? { cloudCover: round(next() * 100, 1), snowCover: round(next() * 20, 1) } : { polarisationChannels: c.polarisationChannels }),
      acquisitionType: next() < 0.95 ? 'NOMINAL' : 'CALIBRATION',
      status: 'ARCHIVED',
      creationDate: new Date(start + 3_600_000).toISOString(),
      links: [{ rel: 'enclosure', href: `https://data.example.org/${c.identifier}/${identifier}.zip`, type: 'application/zip', title: 'Download' }],
      visibility: 'public',
    };
  }
}

/** Upserts the sample records in batches (each batch one transaction). */
export async function loadSampleRecords(catalogue: CatalogueService, products: number): Promise<void> {
  const records = sampleRecords(products);
  for (let i = 0; i < records.length; i += 500) await catalogue.upsert(records.slice(i, i + 500));
}

/** What a collection's products share with it. */
function eoPropertiesOf(c: (typeof SAMPLE_COLLECTIONS)[number]) {
  const { platform, instrument, sensorType, productType, processingLevel, resolution } = c;
  return { platform, instrument, sensorType, productType, processingLevel, resolution };
}
