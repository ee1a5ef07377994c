/**
 * The features a GetFeature (or GetPropertyValue) page holds, across its queries: how many match
 * each query (one COUNT each), which part of each the page takes (STARTINDEX and COUNT apply to
 * the queries' results one after the other), and the features themselves, read from the engine
 * in pages of at most its maxLimit and handed on one by one, so a response of any size streams
 * with flat memory. The first engine page of the first query is asked for before anything is
 * written, so a bad query still gets an exception report.
 */
import type { Feature } from '../features/types.js';
import type { WfsEnv } from './context.js';
import { withEngineErrors } from './exceptions.js';
import type { PlannedQuery } from './query-plan.js';

export interface PageSegment {
  plan: PlannedQuery;
  offset: number;
  limit: number;
}

export interface ResultPage {
  /** Matches of every query together. */
  numberMatched: number;
  /** Features the page holds (the writers never write more). */
  numberReturned: number;
  segments: PageSegment[];
  /** The page's features, segment after segment, with the plan each belongs to. */
  features(): AsyncGenerator<{ feature: Feature; plan: PlannedQuery }>;
}

export async function countMatches(plan: PlannedQuery, env: WfsEnv): Promise<number> {
  if (plan.empty) return 0;
  return withEngineErrors(plan.locators, () => env.features.count(plan.collection.id, plan.query, env.subject));
}

/** Reads `limit` features from `offset` on, in engine-sized pages; `first` is the first page, already asked for. */
async function* segmentFeatures(segment: PageSegment, env: WfsEnv, first?: AsyncIterable<Feature>): AsyncGenerator<Feature> {
  const pageSize = Math.max(1, env.features.limits.maxLimit);
  let done = 0;
  let page = first;
  while (done < segment.limit) {
    const wanted = Math.min(pageSize, segment.limit - done);
    const features = page ?? (await env.features.query(segment.plan.collection, { ...segment.plan.query, limit: wanted, offset: segment.offset + done }, env.subject)).features;
    page = undefined;
    let got = 0;
    for await (const f of features) {
      if (got >= wanted) break;
      yield f;
      got++;
    }
    done += got;
    if (got < wanted) return;
  }
}

/** The page `startIndex`..`startIndex + count` of the queries' concatenated results. */
export async function openPage(plans: readonly PlannedQuery[], startIndex: number, count: number, env: WfsEnv): Promise<ResultPage> {
  const pageSize = Math.max(1, env.features.limits.maxLimit);
  let first: AsyncIterable<Feature> | undefined;
  let counts: number[];
  if (plans.length === 1 && !plans[0]!.empty && count > 0) {
    // One query: the count comes with its first page.
    const plan = plans[0]!;
    const result = await withEngineErrors(plan.locators, () =>
      env.features.query(plan.collection, { ...plan.query, limit: Math.min(pageSize, count), offset: startIndex }, env.subject, { count: true }),
    );
    first = result.features;
    counts = [result.numberMatched ?? (await countMatches(plan, env))];
  } else {
    counts = [];
    for (const plan of plans) counts.push(await countMatches(plan, env));
  }
  const segments: PageSegment[] = [];
  let skip = startIndex;
  let left = count;
  for (const [i, plan] of plans.entries()) {
    const matched = counts[i]!;
    if (skip >= matched) {
      skip -= matched;
      continue;
    }
    const take = Math.min(matched - skip, left);
    if (take > 0) segments.push({ plan, offset: skip, limit: take });
    skip = 0;
    left -= take;
    if (left === 0) break;
  }
  const numberMatched = counts.reduce((a, b) => a + b, 0);
  const numberReturned = segments.reduce((a, s) => a + s.limit, 0);
  // The first page was read for the first plan at startIndex: it belongs to the first segment only when that segment is it.
  const firstBelongs = first !== undefined && segments[0]?.plan === plans[0] && segments[0]?.offset === startIndex;
  // An engine stream that will not be read is closed now (a cursor or connection behind it).
  if (first !== undefined && !firstBelongs) await first[Symbol.asyncIterator]().return?.();
  return {
    numberMatched,
    numberReturned,
    segments,
    async *features() {
      for (const [i, segment] of segments.entries()) {
        for await (const feature of segmentFeatures(segment, env, i === 0 && firstBelongs ? first : undefined)) yield { feature, plan: segment.plan };
      }
    },
  };
}
