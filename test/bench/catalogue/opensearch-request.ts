/**
 * The benchmark's product search as an OpenSearch request to the OpenSearch plugin: the second
 * step of a two-step search, GeoJSON response (OGC 17-047), EO range syntax for cloud cover,
 * newest first through sortKeys.
 */
import type { ProductSearch } from './queries.js';

export function openSearchUrl(baseUrl: string, q: ProductSearch): string {
  const params = new URLSearchParams({
    bbox: q.bbox.join(','),
    start: q.start,
    end: q.end,
    cloudCover: `${q.maxCloudCover}]`,
    count: String(q.count),
    sortKeys: 'start,,0',
    httpAccept: 'application/geo+json',
  });
  return `${baseUrl}/opensearch/collections/${encodeURIComponent(q.collection)}/products?${params}`;
}

export async function openSearchRequest(baseUrl: string, q: ProductSearch): Promise<{ total: number; identifiers: string[] }> {
  const url = openSearchUrl(baseUrl, q);
  const res = await fetch(url);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
  const doc = JSON.parse(body) as { totalResults?: number; features?: Array<{ id?: string; properties?: { identifier?: string } }> };
  return { total: Number(doc.totalResults), identifiers: (doc.features ?? []).map((f) => f.properties?.identifier ?? String(f.id)) };
}
