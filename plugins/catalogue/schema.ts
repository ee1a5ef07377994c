/** Table names and the queryable → column mapping shared by migrations, writes and searches. */
import type { QueryableColumn, QueryableType } from '../../core/filter/index.js';
import { EO_FIELDS } from './eo-fields.js';
import type { QueryableDescription } from './types.js';

export const RECORDS_TABLE = 'catalogue_records';
/** SQLite FTS5 table; its rowid is the record's id. */
export const FTS_TABLE = 'catalogue_records_fts';
/** One row per (record, keyword): makes keyword facets a GROUP BY. */
export const KEYWORDS_TABLE = 'catalogue_record_keywords';
/** One row per (record, group) of a record visible to a list of groups. */
export const GROUPS_TABLE = 'catalogue_record_groups';
/** The records' spatial index also indexes their time extent (a search by place and time narrows by both). */
export const SPATIAL_INDEX_OPTIONS = { time: { start: 'start_time', end: 'end_time' } } as const;
/** PostgreSQL generated tsvector column. */
export const TSVECTOR_COLUMN = 'search_vector';

interface QueryableSpec {
  column: string;
  type: QueryableType;
  description: string;
  facet?: boolean;
}

const spec = (column: string, type: QueryableType, description: string, facet = false): QueryableSpec => ({ column, type, description, facet });

/** The EO fields (eo-fields.ts) as queryables: integers are numbers to a filter. */
function eoQueryables(): Record<string, QueryableSpec> {
  return Object.fromEntries(EO_FIELDS.map((f) => [f.name, spec(f.column, f.type === 'integer' ? 'number' : f.type, f.description, f.facet === true)]));
}

/** Every searchable property: its column in RECORDS_TABLE, type and meaning. */
export const QUERYABLES: Record<string, QueryableSpec> = {
  identifier: spec('identifier', 'string', 'Unique identifier of the record'),
  type: spec('type', 'string', "Record type: 'collection', 'product', 'service' or 'application'", true),
  parentIdentifier: spec('parent_identifier', 'string', 'Identifier of the collection a product belongs to', true),
  title: spec('title', 'string', 'Title'),
  abstract: spec('abstract', 'string', 'Abstract'),
  ...eoQueryables(),
  start: spec('start_time', 'timestamp', 'Start of the temporal extent'),
  end: spec('end_time', 'timestamp', 'End of the temporal extent'),
  created: spec('created', 'timestamp', 'When the record was first stored'),
  updated: spec('updated', 'timestamp', 'When the record was last stored'),
  owner: spec('owner', 'string', 'Subject id of the owner'),
  // The keyword list as one text (keywords joined by spaces), so filters can LIKE-match keywords
  // ('%Paris%'); facets count the keywords one by one (KEYWORDS_TABLE).
  keywords: spec('keywords_text', 'string', 'Keywords, joined by spaces for filtering (LIKE finds a keyword containing a text); counted one by one by facets', true),
  visibility: spec('visibility', 'string', "'public' or 'private' as the reader sees it: a record visible to a list of groups is 'public' to their members, 'private' to others"),
  geometry: spec('geometry', 'geometry', 'Footprint (CRS:84)'),
};

/** The queryable whose facets count keyword rows (one per keyword) rather than column values. */
export const KEYWORDS_FACET = 'keywords';

/** Column of the reader's visibility in searches for a subject with groups (see search.ts). */
export const EFFECTIVE_VISIBILITY_COLUMN = 'effective_visibility';

/** Queryable name → qualified column, as core/filter's translateFilter takes them. */
export function queryableColumns(effectiveVisibility = false): Record<string, QueryableColumn> {
  const out: Record<string, QueryableColumn> = {};
  for (const [name, q] of Object.entries(QUERYABLES)) out[name] = { column: `${RECORDS_TABLE}.${q.column}`, type: q.type };
  if (effectiveVisibility) out.visibility = { column: `${RECORDS_TABLE}.${EFFECTIVE_VISIBILITY_COLUMN}`, type: 'string' };
  return out;
}

export function describeQueryables(): QueryableDescription[] {
  return Object.entries(QUERYABLES).map(([name, q]) => ({ name, type: q.type, description: q.description, facet: q.facet === true }));
}

export function queryableSpec(name: string): QueryableSpec | undefined {
  return Object.prototype.hasOwnProperty.call(QUERYABLES, name) ? QUERYABLES[name] : undefined;
}
