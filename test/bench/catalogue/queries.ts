/**
 * The benchmark's product searches: an optical collection, a 20° x 20° box, one year, cloud cover
 * at most 30 %, 20 results with the total, newest first. Deterministic (seeded), so every target
 * answers the same list of queries.
 */
import { seededRandom } from '../../../core/seeded-random.js';
import { SAMPLE_COLLECTIONS } from '../../../plugins/catalogue/sample-data.js';

export interface ProductSearch {
  collection: string;
  bbox: [number, number, number, number];
  /** ISO 8601 instants, inclusive. */
  start: string;
  end: string;
  maxCloudCover: number;
  count: number;
}

const OPTICAL = SAMPLE_COLLECTIONS.filter((c) => c.sensorType === 'OPTICAL').map((c) => c.identifier);
const BOX_DEGREES = 20;

export function productSearches(n: number, seed = 4242): ProductSearch[] {
  const next = seededRandom(seed);
  const out: ProductSearch[] = [];
  for (let i = 0; i < n; i++) {
    const minx = Math.round(-180 + next() * (360 - BOX_DEGREES));
    const miny = Math.round(-60 + next() * (120 - BOX_DEGREES));
    const year = 2015 + Math.floor(next() * 9);
    const month = 1 + Math.floor(next() * 12);
    const start = new Date(Date.UTC(year, month - 1, 1));
    const end = new Date(Date.UTC(year + 1, month - 1, 1) - 1);
    out.push({
      collection: OPTICAL[Math.floor(next() * OPTICAL.length)]!,
      bbox: [minx, miny, minx + BOX_DEGREES, miny + BOX_DEGREES],
      start: start.toISOString(),
      end: end.toISOString(),
      maxCloudCover: 30,
      count: 20,
    });
  }
  return out;
}

/** p-th percentile (0..100) of sorted-or-not values, by nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
