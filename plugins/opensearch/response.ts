/** What a search response says in either encoding (Atom feed, GeoJSON FeatureCollection) besides its entries. */
import type { Link } from './links.js';

export interface SearchResponseHead {
  /** The request as an absolute URL (the response's id). */
  id: string;
  title: string;
  author: string;
  updated: string;
  links: Link[];
  /** The OpenSearch response elements (OGC 10-032r8, 17-047). */
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  /** The applied parameters by qualified name (os:Query attributes, queries.request); the encoders add count and startIndex. */
  query: Array<[string, string]>;
}
