/**
 * OGC 17-003 / 17-084 `properties.links`: links grouped by relation ("alternates", "previews",
 * "data", ...) instead of one list with `rel`. Assets become enclosures ("data") and previews, so
 * a 17-003 client sees every file to download.
 */
import type { Asset, CatalogueRecord, RecordLink } from '../types.js';
import type { EncodeOptions } from './types.js';
import { JsonReader, invalidRecord, type JsonObject } from './json-document.js';

/** Relation -> 17-003 group; relations not listed keep their name as the group's. */
const GROUP_OF_REL: Record<string, string> = {
  alternate: 'alternates',
  icon: 'previews',
  preview: 'previews',
  thumbnail: 'previews',
  enclosure: 'data',
  via: 'via',
  up: 'up',
  // The caller's link to a product's collection is its way up.
  collection: 'up',
  parent: 'up',
  related: 'related',
  describedby: 'describedby',
  search: 'search',
  profile: 'profiles',
  qualityReport: 'qualityReport',
};
/** Group -> the relation it decodes to ('previews' are Atom/OpenSearch-EO `icon` links). */
const REL_OF_GROUP: Record<string, string> = {
  alternates: 'alternate',
  previews: 'icon',
  data: 'enclosure',
  profiles: 'profile',
};

/** STAC tree links: 17-003 has the caller's `up` link instead. */
const TREE_RELS = new Set(['self', 'root', 'parent', 'collection', 'child', 'item', 'items']);

const LINK_CATEGORIES = new Set(['THUMBNAIL', 'QUICKLOOK', 'ALBUM', 'CLOUD', 'SNOW', 'QUALITY']);

function isAbsoluteUri(href: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(href) && !/\s/.test(href);
}

/** A 17-003 Link: only the members its schema allows, each only when valid. */
function linkObject(l: { href: string; type?: unknown; title?: unknown; length?: unknown; category?: unknown; expression?: unknown; conformsTo?: unknown }): JsonObject {
  const out: JsonObject = { href: l.href };
  if (typeof l.type === 'string') out.type = l.type;
  if (typeof l.title === 'string') out.title = l.title;
  if (Number.isInteger(l.length) && (l.length as number) >= 0) out.length = l.length;
  if (typeof l.category === 'string' && LINK_CATEGORIES.has(l.category)) out.category = l.category;
  if (l.expression === 'full' || l.expression === 'sample') out.expression = l.expression;
  if (typeof l.conformsTo === 'string' && isAbsoluteUri(l.conformsTo)) out.conformsTo = l.conformsTo;
  return out;
}

/** The group an asset's file is listed in, by its STAC roles. */
function assetGroup(asset: Asset): string {
  const roles = asset.roles ?? [];
  if (roles.includes('thumbnail') || roles.includes('overview')) return 'previews';
  if (roles.includes('metadata')) return 'via';
  if (roles.length === 0 || roles.includes('data') || roles.includes('visual')) return 'data';
  return 'related';
}

/**
 * The caller's links, the record's own and its assets, grouped; links without an absolute href
 * (relative hrefs of a STAC file) are left out, as 17-003 links are URIs.
 */
export function linksObject(record: CatalogueRecord, options: EncodeOptions): JsonObject {
  const groups: Record<string, JsonObject[]> = {};
  const seen = new Set<string>();
  const add = (group: string, link: JsonObject & { href: string }) => {
    const key = `${group} ${link.href} ${String(link.type)}`;
    if (seen.has(key) || !isAbsoluteUri(link.href)) return;
    seen.add(key);
    (groups[group] ??= []).push(link);
  };
  for (const l of options.links ?? []) if (l.rel !== 'self') add(GROUP_OF_REL[l.rel] ?? l.rel, linkObject(l) as JsonObject & { href: string });
  for (const l of record.links ?? []) if (!TREE_RELS.has(l.rel) && l.rel !== 'self') add(GROUP_OF_REL[l.rel] ?? l.rel, linkObject(l) as JsonObject & { href: string });
  for (const [key, asset] of Object.entries(record.assets ?? {})) add(assetGroup(asset), linkObject({ ...asset, title: asset.title ?? key }) as JsonObject & { href: string });
  return groups;
}

/** `properties.links` back into record links; links listing an asset's file are the asset, not a link. */
export function readLinks(p: JsonReader, assets: Record<string, Asset> | undefined): RecordLink[] | undefined {
  const links = p.object('links');
  if (!links) return undefined;
  const assetHrefs = new Set(Object.values(assets ?? {}).map((a) => a.href));
  const out: RecordLink[] = [];
  for (const [group, list] of Object.entries(links.value)) {
    if (group === 'type') continue;
    if (!Array.isArray(list)) throw invalidRecord(`${links.locator(group)} must be a list of links`, links.locator(group));
    list.forEach((value, i) => {
      const l = JsonReader.of(value, `${links.locator(group)}[${i}]`, 'A link');
      const href = l.requiredString('href');
      if (assetHrefs.has(href)) return;
      out.push({ ...(l.value as object), href, rel: REL_OF_GROUP[group] ?? group } as RecordLink);
    });
  }
  return out;
}

/** `properties.assets` (Meridian keeps STAC-style assets there, beside their enclosure links). */
export function readAssets(p: JsonReader): Record<string, Asset> | undefined {
  const assets = p.object('assets');
  if (!assets) return undefined;
  const out: Record<string, Asset> = {};
  for (const [key, value] of Object.entries(assets.value)) {
    const a = JsonReader.of(value, assets.locator(key), 'An asset');
    out[key] = { ...(a.value as object), href: a.requiredString('href') } as Asset;
  }
  return out;
}

/** OWS Context offerings (OGC 14-055r2): each needs a `code`; operations need code, method and href. */
export function readOfferings(p: JsonReader): CatalogueRecord['offerings'] {
  const list = p.array('offerings');
  if (!list) return undefined;
  return list.map((value, i) => {
    const o = JsonReader.of(value, `${p.locator('offerings')}[${i}]`, 'An offering');
    o.requiredString('code');
    (o.array('operations') ?? []).forEach((op, j) => {
      const r = JsonReader.of(op, `${o.locator('operations')}[${j}]`, 'An operation');
      r.requiredString('code');
      r.requiredString('method');
      r.requiredString('href');
    });
    return o.value as unknown as NonNullable<CatalogueRecord['offerings']>[number];
  });
}

