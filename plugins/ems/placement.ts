/**
 * Which ADES runs a step: the endpoint nearest the data the step's workflow inputs name, else the
 * default. Each File/Directory input given by the caller votes for the endpoint its data lives
 * at (see README "Placement"); the endpoint with most votes wins, ties going to the first input's.
 * Inputs produced by earlier steps do not vote: they are passed by reference wherever the step runs.
 * A refused endpoint (a discovered one on an internal network) gets no votes: the next one near
 * the data does, and the placement's reason says why the refused one was passed by.
 */
import type { Subject } from '../../core/auth/types.js';
import type { CatalogueService } from '../catalogue/types.js';
import { dataAsset } from '../processing/stage-in.js';
import type { AdesEndpoint } from './endpoints.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Placement {
  endpoint: AdesEndpoint;
  reason: string;
}

/** The first usable endpoint that `matches`; refused ones it passes by are noted. */
function usable(endpoints: AdesEndpoint[], matches: (e: AdesEndpoint) => boolean, notes: Set<string>): AdesEndpoint | undefined {
  for (const e of endpoints) {
    if (!matches(e)) continue;
    if (!e.refused) return e;
    notes.add(`'${e.id}' not used: ${e.refused}`);
  }
  return undefined;
}

function byHost(url: string, endpoints: AdesEndpoint[], notes: Set<string>): AdesEndpoint | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  return usable(endpoints, (e) => e.dataHosts.some((h) => h.toLowerCase() === u.host.toLowerCase() || h.toLowerCase() === u.hostname.toLowerCase()), notes);
}

/** Where one input value's data lives, and why; undefined when the value does not say. `notes`: refused endpoints passed by. */
export async function locate(value: unknown, endpoints: AdesEndpoint[], catalogue: CatalogueService | undefined, subject: Subject, notes = new Set<string>()): Promise<{ endpoint: AdesEndpoint; why: string } | undefined> {
  const local = endpoints.find((e) => e.kind === 'local');
  const ref = typeof value === 'string' ? value : isObject(value) && typeof value.href === 'string' ? value.href : undefined;
  if (!ref) return undefined;
  if (/^https?:\/\//i.test(ref)) {
    const e = byHost(ref, endpoints, notes);
    return e ? { endpoint: e, why: `${new URL(ref).host} is a data host of '${e.id}'` } : undefined;
  }
  if (ref.startsWith('blob:')) return local ? { endpoint: local, why: `${ref} is in this server's blob store` } : undefined;
  const id = ref.startsWith('catalogue:') ? ref.slice('catalogue:'.length) : ref;
  const product = catalogue ? await catalogue.get(id, subject).catch(() => undefined) : undefined;
  if (!product) return undefined;
  const collection = product.parentIdentifier;
  const serving = collection ? usable(endpoints, (e) => e.collections.includes(collection), notes) : undefined;
  if (serving) return { endpoint: serving, why: `product '${id}' is in collection '${collection}', served by '${serving.id}'` };
  const asset = dataAsset(product, undefined);
  if (asset && /^https?:\/\//i.test(asset.href)) {
    const e = byHost(asset.href, endpoints, notes);
    return e ? { endpoint: e, why: `product '${id}': ${new URL(asset.href).host} is a data host of '${e.id}'` } : undefined;
  }
  return local ? { endpoint: local, why: `product '${id}' is in this server's catalogue with its data here` } : undefined;
}

/**
 * `given`: the File/Directory workflow input values the step (or scatter element) reads, with the
 * workflow input each comes from.
 */
export async function placeStep(
  given: Array<{ input: string; value: unknown }>,
  endpoints: AdesEndpoint[],
  fallback: AdesEndpoint,
  catalogue: CatalogueService | undefined,
  subject: Subject,
): Promise<Placement> {
  const votes = new Map<string, { endpoint: AdesEndpoint; count: number; why: string[] }>();
  const notes = new Set<string>();
  for (const { input, value } of given) {
    const at = await locate(value, endpoints, catalogue, subject, notes);
    if (!at) continue;
    const entry = votes.get(at.endpoint.id) ?? { endpoint: at.endpoint, count: 0, why: [] };
    entry.count++;
    entry.why.push(`input '${input}': ${at.why}`);
    votes.set(at.endpoint.id, entry);
  }
  let best: { endpoint: AdesEndpoint; count: number; why: string[] } | undefined;
  for (const v of votes.values()) if (!best || v.count > best.count) best = v;
  const passed = notes.size > 0 ? ` (${[...notes].join('; ')})` : '';
  if (best) return { endpoint: best.endpoint, reason: `nearest the data (${best.why.join('; ')})${passed}` };
  return { endpoint: fallback, reason: `no input says where its data lives: the default ADES${passed}` };
}
