/**
 * The TIME dimension of a vector layer (WMS 1.3.0 annex C): a collection with a temporal property
 * has a continuous time extent, from its earliest to its latest value. TIME selects the features
 * whose time falls in each item: an instant at the precision written (`2020-05` is May), an
 * interval (open ends with `..`), a period `start/end/P…` as its whole range (features are not
 * sampled at the period's instants), `current` as the latest time. Without TIME every feature
 * is drawn: the advertised default is the whole extent (unless TIME is required by config, then
 * its absence is MissingDimensionValue). An item selecting no feature draws nothing; text that
 * is no time is InvalidDimensionValue. TIME on a layer without time is ignored (C.4.1).
 */
import { OwsException, parseTime, type TimeValue } from '../../../core/ows/index.js';
import type { CollectionDescription } from '../../features/types.js';

/** As the features query takes it: ISO 8601 ends, null for open. */
export interface DatetimeRange {
  start: string | null;
  end: string | null;
}

export function hasTime(collection: Pick<CollectionDescription, 'temporalProperty'>): boolean {
  return collection.temporalProperty !== undefined;
}

/**
 * The ranges to draw the layer at, in the order written (none: nothing to draw), or undefined for
 * every feature (a layer without time, or no TIME on a layer whose TIME is not required).
 */
export function vectorTimes(collection: CollectionDescription, timeParam: string | undefined, required: boolean): DatetimeRange[] | undefined {
  if (!hasTime(collection)) return undefined;
  if (timeParam === undefined || timeParam.trim() === '') {
    if (required) throw new OwsException('MissingDimensionValue', `Layer '${collection.id}' needs a TIME value`, { locator: 'TIME' });
    return undefined;
  }
  if (timeParam.trim().toLowerCase() === 'current') {
    const latest = collection.temporal?.end ?? null;
    // An empty collection has no latest time: nothing to draw.
    return latest ? [{ start: latest, end: latest }] : [];
  }
  let values: TimeValue[];
  try {
    values = parseTime(timeParam, { locator: 'TIME' });
  } catch (err) {
    throw new OwsException('InvalidDimensionValue', (err as Error).message, { locator: 'TIME' });
  }
  return values.map((v) => ({ start: v.begin ? v.begin.toISOString() : null, end: v.end ? v.end.toISOString() : null }));
}

/** The Dimension's extent: `start/end/resolution`, a second (a day for date properties), or undefined for an empty collection. */
export function timeExtent(collection: CollectionDescription): { extent: string; start: string; end: string } | undefined {
  const t = collection.temporal;
  if (!hasTime(collection) || !t || !t.start || !t.end) return undefined;
  const type = collection.properties.find((p) => p.name === collection.temporalProperty)?.type;
  const resolution = type === 'date' ? 'P1D' : 'PT1S';
  return { extent: `${t.start}/${t.end}/${resolution}`, start: t.start, end: t.end };
}
