/**
 * OpenSearch description documents: the collection level (collection search, rel="collection")
 * and one per collection (product search in it, rel="results"), each with an Atom and a GeoJSON
 * template declaring every parameter with the Parameter extension (Draft 2): options with the
 * values and counts of what the subject may see, min/max of the data, patterns and profiles, so a
 * client can build its form from the document alone.
 */
import { el, type XmlElement } from '../../core/ows/index.js';
import type { FacetValue, ValueRange } from '../catalogue/types.js';
import { withParams, type ServiceUrls } from './links.js';
import { MEDIA, xmlns, type OsPrefix } from './namespaces.js';
import type { SearchLevel, TemplateParameter } from './params.js';

export interface DescriptionSettings {
  shortName: string;
  longName: string;
  description: string;
  contact?: string;
  attribution?: string;
  tags?: string;
  maxRecords: number;
  defaultRecords: number;
  /** Sortable queryables (the sortKeys parameter's options). */
  sortable: readonly string[];
}

export interface DescriptionInput {
  level: SearchLevel;
  urls: ServiceUrls;
  parameters: readonly TemplateParameter[];
  /** Facet values per queryable, over the records the level searches (as the subject sees them). */
  facets: Record<string, FacetValue[]>;
  /** Min/max per queryable (number and time), same scope. */
  ranges: Record<string, ValueRange>;
  /** The collection whose products the document searches (product level). */
  collection?: { identifier: string; title?: string; abstract?: string };
  settings: DescriptionSettings;
}

/** Cuts `text` to the schema's maximum length (os:ShortName 16, LongName 48, Description 1024...). */
export function fit(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/** `{prefix:name?}` pairs of a template, plus its fixed part (the encoding). */
function template(searchUrl: string, parameters: readonly TemplateParameter[], media: string): string {
  const variable = parameters.map((p) => `${encodeURIComponent(p.name)}={${p.qname}?}`).join('&');
  return `${withParams(searchUrl, { httpAccept: media })}&${variable}`;
}

function number(value: number | string | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/** The value range a parameter advertises: its fixed bounds, else the data's min and max. */
function bounds(p: TemplateParameter, ranges: Record<string, ValueRange>): { min?: string; max?: string } {
  if (p.minInclusive !== undefined || p.maxInclusive !== undefined) return { min: number(p.minInclusive), max: number(p.maxInclusive) };
  if (p.name === 'start' || p.name === 'end') return { min: number(ranges.start?.min), max: number(ranges.end?.max) };
  // A covered range (eo:wavelengths): from the least low bound to the greatest high one.
  if (p.coverage) return { min: number(ranges[p.coverage.min]?.min), max: number(ranges[p.coverage.max]?.max) };
  const r = p.queryable ? ranges[p.queryable] : undefined;
  return { min: number(r?.min), max: number(r?.max) };
}

function parameterElement(p: TemplateParameter, input: DescriptionInput): XmlElement {
  const { min, max } = p.name === 'count' ? { min: '0', max: String(input.settings.maxRecords) } : bounds(p, input.ranges);
  const options: XmlElement[] = [];
  if (p.options) options.push(...p.options.map((o) => el('param:Option', { value: o, label: o })));
  else if (p.name === 'sortKeys') {
    for (const field of input.settings.sortable) {
      options.push(el('param:Option', { value: `${field},,1`, label: `${field} ascending` }), el('param:Option', { value: `${field},,0`, label: `${field} descending` }));
    }
  } else if (p.queryable && input.facets[p.queryable]) {
    // The label carries the count: the Parameter extension has no attribute for it.
    options.push(...input.facets[p.queryable]!.map((f) => el('param:Option', { value: f.value, label: `${f.value} (${f.count})` })));
  }
  const title = p.name === 'count' ? `${p.title} (default ${input.settings.defaultRecords}, at most ${input.settings.maxRecords})` : p.title;
  return el(
    'param:Parameter',
    { name: p.name, value: `{${p.qname}}`, title, minimum: 0, maximum: 1, pattern: p.pattern, minInclusive: min, maxInclusive: max },
    options,
    (p.profiles ?? []).map((l) => el('atom:link', { rel: 'profile', href: l.href, title: l.title })),
  );
}

function urlElement(searchUrl: string, media: string, input: DescriptionInput): XmlElement {
  return el(
    'Url',
    { type: media, rel: input.level === 'collection' ? 'collection' : 'results', indexOffset: 1, pageOffset: 1, template: template(searchUrl, input.parameters, media) },
    input.parameters.map((p) => parameterElement(p, input)),
  );
}

/** The description document of one level, as an element to serialise. */
export function descriptionDocument(input: DescriptionInput): XmlElement {
  const { urls, settings, collection } = input;
  const searchUrl = input.level === 'collection' ? urls.collections() : urls.products(collection!.identifier);
  const selfUrl = input.level === 'collection' ? urls.description() : urls.collectionDescription(collection!.identifier);
  const prefixes: OsPrefix[] = ['geo', 'time', 'eo', 'param', 'atom'];
  if (input.parameters.some((p) => p.qname.startsWith('sru:'))) prefixes.push('sru');
  const longName = collection ? collection.title ?? collection.identifier : settings.longName;
  const description = collection
    ? `Products of ${collection.title ?? collection.identifier}${collection.abstract ? `: ${collection.abstract}` : ''}`
    : settings.description;
  return el(
    'OpenSearchDescription',
    xmlns(prefixes, 'os'),
    el('ShortName', null, fit(settings.shortName, 16)),
    el('LongName', null, fit(longName, 48)),
    el('Description', null, fit(description, 1024)),
    settings.tags ? el('Tags', null, fit(settings.tags, 256)) : null,
    settings.contact ? el('Contact', null, settings.contact) : null,
    urlElement(searchUrl, MEDIA.atom, input),
    urlElement(searchUrl, MEDIA.geojson, input),
    el('Url', { type: MEDIA.description, rel: 'self', template: selfUrl }),
    el('Query', { role: 'example', count: Math.min(10, settings.maxRecords) }),
    el('Developer', null, 'Meridian'),
    settings.attribution ? el('Attribution', null, fit(settings.attribution, 256)) : null,
    el('SyndicationRight', null, 'open'),
    el('AdultContent', null, 'false'),
    el('Language', null, 'en'),
    el('OutputEncoding', null, 'UTF-8'),
    el('InputEncoding', null, 'UTF-8'),
  );
}

