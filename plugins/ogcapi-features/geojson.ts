/**
 * GeoJSON encoding of features (RFC 7946 members plus the OGC API ones). A page is written as it
 * is read from the engine: the FeatureCollection's head, each feature, then the counts and links
 * (which depend on how many were written); a small page is held and sent at once, a large one
 * streams, so memory stays flat however large the page.
 */
import type { Readable } from 'node:stream';
import { textResponse } from '../../core/server/text-response.js';
import type { Feature } from '../features/types.js';
import { swapAxes } from './crs.js';
import type { Link } from './links.js';

export interface GeoJsonFeature {
  type: 'Feature';
  id: string;
  geometry: Feature['geometry'];
  properties: Record<string, unknown>;
  links?: Link[];
}

/** A feature as GeoJSON, its positions in the response CRS's axis order. */
export function featureToGeoJson(feature: Feature, swap: boolean, links?: Link[]): GeoJsonFeature {
  const out: GeoJsonFeature = {
    type: 'Feature',
    id: feature.id,
    geometry: feature.geometry && swap ? swapAxes(feature.geometry) : feature.geometry,
    properties: feature.properties ?? {},
  };
  if (links) out.links = links;
  return out;
}

/**
 * The first result of a stream read before any byte is sent, so an error the engine raises on
 * its first read (a bad filter, a database error) still goes out as a problem document.
 */
export async function primed<T>(source: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  let pending: IteratorResult<T> | undefined = first;
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        if (pending) {
          const r = pending;
          pending = undefined;
          return Promise.resolve(r);
        }
        return iterator.next();
      },
      return: async (value?: unknown) => {
        pending = undefined;
        if (iterator.return) await iterator.return(value);
        return { done: true as const, value: undefined as unknown as T };
      },
    }),
  };
}

/** Text pieces gathered into chunks of about this size, so a page is not written a feature per syscall. */
const CHUNK = 64 * 1024;

/**
 * Writes `head` (an object of members before `features`), the features, then the members `tail`
 * returns once the number written is known.
 */
export function featureCollectionBody(
  features: AsyncIterable<Feature>,
  options: { swap: boolean; head: Record<string, unknown>; tail: (numberReturned: number) => Record<string, unknown> },
): Promise<string | Readable> {
  async function* chunks(): AsyncGenerator<string> {
    const head = JSON.stringify({ type: 'FeatureCollection', ...options.head });
    let buffer = `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"features":[`;
    let n = 0;
    for await (const feature of features) {
      buffer += (n++ === 0 ? '' : ',') + JSON.stringify(featureToGeoJson(feature, options.swap));
      if (buffer.length >= CHUNK) {
        yield buffer;
        buffer = '';
      }
    }
    const tail = JSON.stringify(options.tail(n));
    buffer += `]${tail.length > 2 ? `,${tail.slice(1)}` : '}'}`;
    yield buffer;
  }
  return textResponse(chunks());
}
