/**
 * Deterministic sample data: four collections and `products` generated products with realistic
 * EO metadata over the globe and ten years (2015-2025), so search and facets show something.
 * The same count always gives the same records; loading twice replaces them.
 */
import type { CatalogueRecordInput, CatalogueService, EoProperties } from './types.js';
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
  /** The mission's relative orbits (tracks, WRS paths) and how its products are made. */
  tracks: number;
  processorName: string;
  processingCenter: string;
  /** Collection-level fields of the OpenSearch EO collection parameters. */
  collection: Pick<EoProperties, 'doi' | 'spectralRange' | 'minimumWavelength' | 'maximumWavelength' | 'organisationName' | 'organisationRole' | 'useLimitation' | 'accessConstraint' | 'publicationDate' | 'lineage'>;
}

const COPERNICUS = { organisationName: 'ESA', organisationRole: 'originator', accessConstraint: 'otherRestrictions', useLimitation: 'Free and open access under the Copernicus data policy' };

export const SAMPLE_COLLECTIONS: SampleCollection[] = [
  {
    identifier: 'sample-sentinel2-l1c', title: 'Sentinel-2 MSI Level-1C (sample)', platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', productType: 'S2MSI1C', processingLevel: 'LEVEL1C', resolution: 10, size: 1,
    tracks: 143, processorName: 'Sentinel-2 IPF', processingCenter: 'ESRIN',
    collection: { ...COPERNICUS, doi: '10.5270/S2_-742ikth', minimumWavelength: 442.7, maximumWavelength: 2202.4, publicationDate: '2015-06-23T00:00:00.000Z', lineage: 'Top-of-atmosphere reflectances in cartographic geometry, processed by the Sentinel-2 IPF.' },
  },
  {
    identifier: 'sample-sentinel2-l2a', title: 'Sentinel-2 MSI Level-2A (sample)', platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', productType: 'S2MSI2A', processingLevel: 'LEVEL2A', resolution: 10, size: 1,
    tracks: 143, processorName: 'Sentinel-2 IPF', processingCenter: 'ESRIN',
    collection: { ...COPERNICUS, doi: '10.5270/S2_-znk9xsj', minimumWavelength: 442.7, maximumWavelength: 2202.4, publicationDate: '2018-03-26T00:00:00.000Z', lineage: 'Bottom-of-atmosphere reflectances from Level-1C by Sen2Cor.' },
  },
  {
    identifier: 'sample-sentinel1-grd', title: 'Sentinel-1 SAR GRD (sample)', platform: 'SENTINEL-1', instrument: 'SAR-C', sensorType: 'RADAR', productType: 'GRD', processingLevel: 'LEVEL1', resolution: 20, size: 2.5, polarisationChannels: 'VV, VH',
    tracks: 175, processorName: 'Sentinel-1 IPF', processingCenter: 'ESRIN',
    collection: { ...COPERNICUS, spectralRange: 'MICROWAVE', publicationDate: '2014-10-03T00:00:00.000Z', lineage: 'Focused, multi-looked and projected to ground range by the Sentinel-1 IPF.' },
  },
  {
    identifier: 'sample-landsat8-l1tp', title: 'Landsat 8 OLI/TIRS Level-1 (sample)', platform: 'LANDSAT-8', instrument: 'OLI_TIRS', sensorType: 'OPTICAL', productType: 'L1TP', processingLevel: 'LEVEL1', resolution: 30, size: 1.8,
    tracks: 233, processorName: 'LPGS', processingCenter: 'USGS EROS',
    collection: { doi: '10.5066/P975CC9B', minimumWavelength: 433, maximumWavelength: 12510, organisationName: 'USGS', organisationRole: 'originator', accessConstraint: 'otherRestrictions', useLimitation: 'Public domain', publicationDate: '2013-05-30T00:00:00.000Z', lineage: 'Precision and terrain corrected by the Landsat Product Generation System.' },
  },
];

/** Sentinel-1 ground stations (Matera, Svalbard, Maspalomas, Inuvik). */
const S1_STATIONS = ['MTI', 'SGS', 'MPS', 'INS'];


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
  // The acquisition details draw from their own sequence, so the fields above stay as they were.
  const detail = seededRandom(20160212);
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
    ...c.collection,
    orbitType: 'LEO',
    topicCategory: 'imageryBaseMapsEarthCover',
    language: 'eng',
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
    const product: CatalogueRecordInput = {
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
    addAcquisitionDetails(product, c, detail, start, lat + c.size / 2);
    yield product;
  }
}

/** Upserts the sample records in batches (each batch one transaction). */
export async function loadSampleRecords(catalogue: CatalogueService, products: number): Promise<void> {
  const records = sampleRecords(products);
  for (let i = 0; i < records.length; i += 500) await catalogue.upsert(records.slice(i, i + 500));
}

/** When the second units flew: Sentinel-2B from March 2017, Sentinel-1B from April 2016 to December 2021. */
const S2B_START = Date.UTC(2017, 2, 7);
const S1B_START = Date.UTC(2016, 3, 25);
const S1B_END = Date.UTC(2021, 11, 23);

/**
 * What an acquisition of `c` records beyond place and time: the unit (A/B), track and frame (S1
 * relative orbit and frame, Landsat WRS path and row; S2 relative orbit), sensor mode and swath,
 * SAR polarisation and incidence, the sun for optical sensors (from the latitude), and processing.
 */
function addAcquisitionDetails(p: EoProperties, c: SampleCollection, r: () => number, start: number, lat: number): void {
  // Assigned one by one (no spreads): generating a million of these stays cheap.
  const processed = start + 7_200_000 + Math.floor(r() * 14_400_000);
  p.track = String(1 + Math.floor(r() * c.tracks));
  p.processorName = c.processorName;
  p.processingCenter = c.processingCenter;
  p.processingDate = new Date(processed).toISOString();
  p.availabilityTime = new Date(processed + 600_000).toISOString();
  const degraded = r() < 0.02;
  p.productQualityStatus = degraded ? 'DEGRADED' : 'NOMINAL';
  if (degraded) p.productQualityDegradationTag = r() < 0.5 ? 'RADIOMETRY' : 'GEOLOCATION';
  const year = new Date(start).getUTCFullYear();
  if (c.platform === 'SENTINEL-1') {
    const ew = r() < 0.1;
    p.platformSerialIdentifier = start >= S1B_START && start < S1B_END && r() < 0.5 ? 'B' : 'A';
    p.frame = String(Math.round(((lat + 90) / 180) * 1200));
    p.sensorMode = ew ? 'EW' : 'IW';
    p.swathIdentifier = p.sensorMode;
    p.polarisationMode = 'D';
    p.antennaLookDirection = 'RIGHT';
    p.minimumIncidenceAngle = round(ew ? 18.9 + r() * 0.5 : 29.1 + r() * 1.4, 2);
    p.maximumIncidenceAngle = round(ew ? 47 + r() * 0.3 : 45.9 + r() * 0.4, 2);
    p.acquisitionStation = S1_STATIONS[Math.floor(r() * S1_STATIONS.length)];
    p.productVersion = year < 2019 ? '002.90' : year < 2021 ? '003.20' : '003.40';
    return;
  }
  // The sun: higher near the equator, from the south in the northern hemisphere (and the reverse).
  const elevation = round(Math.min(85, Math.max(5, 75 - Math.abs(lat) * 0.8 + (r() - 0.5) * 20)), 2);
  const azimuth = round(lat >= 0 ? 130 + r() * 40 : 20 + r() * 40, 2);
  if (c.platform === 'SENTINEL-2') {
    p.platformSerialIdentifier = start >= S2B_START && r() < 0.5 ? 'B' : 'A';
    p.sensorMode = 'INS-NOBS';
    p.illuminationZenithAngle = round(90 - elevation, 2);
    p.illuminationAzimuthAngle = azimuth;
    p.productVersion = year < 2018 ? '02.04' : year < 2022 ? '02.09' : '05.00';
    return;
  }
  // WRS-2 rows run from 1 near the north pole to 248 near the south (60 at the equator, descending).
  p.frame = String(Math.min(248, Math.max(1, Math.round(60 - lat / 0.72))));
  p.illuminationElevationAngle = elevation;
  p.illuminationAzimuthAngle = azimuth;
  p.acquisitionStation = 'LGN';
  p.productVersion = 'LPGS_15.3';
}

/** What a collection's products share with it. */
function eoPropertiesOf(c: (typeof SAMPLE_COLLECTIONS)[number]) {
  const { platform, instrument, sensorType, productType, processingLevel, resolution } = c;
  return { platform, instrument, sensorType, productType, processingLevel, resolution };
}
