/**
 * Feature types are the features engine's collections, named `prefix:id` in the configured
 * namespace, seen as the requesting subject sees them (a collection it may not read does not
 * exist here). Feature identifiers are `collection.id` (gml:id values must be NCNames and say
 * which type they belong to, so RESOURCEID alone finds the feature).
 */
import { invalidParameterValue } from '../../core/ows/index.js';
import type { Subject } from '../../core/auth/types.js';
import type { CollectionDescription, FeaturesService } from '../features/types.js';
import { inNamespace } from './names.js';
import type { WrittenName } from './requests.js';

export class FeatureTypes {
  private list?: Promise<CollectionDescription[]>;
  private readonly one = new Map<string, Promise<CollectionDescription | undefined>>();

  constructor(
    private readonly features: FeaturesService,
    private readonly subject: Subject,
    readonly namespace: { prefix: string; uri: string },
  ) {}

  /** Every collection the subject may read. */
  all(): Promise<CollectionDescription[]> {
    this.list ??= this.features.collections(this.subject);
    return this.list;
  }

  byId(id: string): Promise<CollectionDescription | undefined> {
    let found = this.one.get(id);
    if (!found) {
      // Names and schemas only: a kept registry row serves (a read of its features checks it is still there).
      found = this.features.collection(id, this.subject, { extent: false });
      this.one.set(id, found);
    }
    return found;
  }

  /** The collection a type name names; InvalidParameterValue at `locator` when none the subject may read. */
  async resolve(name: WrittenName, locator: string): Promise<CollectionDescription> {
    const found = inNamespace(name, this.namespace.uri) ? await this.byId(name.local) : undefined;
    if (!found) throw invalidParameterValue(locator, `Unknown feature type '${name.written}'`);
    return found;
  }

  qname(collection: { id: string }): string {
    return `${this.namespace.prefix}:${collection.id}`;
  }

  /** The collection of a resource id (`collection.featureId`), by the longest collection id it starts with. */
  async collectionOfResourceId(rid: string): Promise<CollectionDescription | undefined> {
    const candidates = (await this.all()).filter((c) => rid.startsWith(`${c.id}.`)).sort((a, b) => b.id.length - a.id.length);
    return candidates[0];
  }
}

const NCNAME_REST = /[A-Za-z0-9._-]/;
const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/**
 * The gml:id of a feature. The engine's generated ids are already `collection.n`, and stay as
 * they are; any other id is written `collection.id`, characters an NCName cannot hold as `_xHHHH_`.
 */
export function gmlId(collection: string, featureId: string): string {
  if (featureId.startsWith(`${collection}.`) && NCNAME.test(featureId)) return featureId;
  let out = '';
  for (const ch of featureId) out += NCNAME_REST.test(ch) ? ch : `_x${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}_`;
  return `${collection}.${out}`;
}

/**
 * The engine ids a resource id may name in `collection` (the id as it is, for generated ids, and
 * the part after `collection.`, for ids given at insert); none when it is another type's.
 */
export function featureIdsOf(rid: string, collection: string): string[] {
  const prefix = `${collection}.`;
  if (!rid.startsWith(prefix)) return [];
  const rest = rid.slice(prefix.length).replace(/_x([0-9A-Fa-f]{4,6})_/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
  return rest === rid ? [rid] : [rid, rest];
}
