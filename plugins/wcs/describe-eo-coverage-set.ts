/**
 * DescribeEOCoverageSet (EO-WCS, OGC 10-140r1 §7.5): the EO coverages an eoId stands for (a
 * dataset series' granules, or a granule itself) that meet the request's lat/long/phenomenonTime
 * trims, with `overlaps` (default) or `contains` containment, at most `count` of them; and the
 * descriptions of the dataset series named.
 */
import { el, invalidParameterValue, parseInstant, serializeXml, type XmlElement } from '../../core/ows/index.js';
import type { Bbox, CoverageDescription, GranuleQuery } from '../coverages/types.js';
import { crsAxes, crsDefinition, roleOfAxisName } from './axes.js';
import type { WcsEnv, WcsResponse } from './context.js';
import { XML_CONTENT_TYPE } from './context.js';
import { coverageDescriptionXml } from './describe-coverage.js';
import { timePeriodOf, timePeriodXml } from './eo-metadata.js';
import { wcsException } from './exceptions.js';
import { boundedByXml } from './gml.js';
import { wcsNamespaceAttrs, WCS_SCHEMA_LOCATION } from './namespaces.js';
import type { DescribeEOCoverageSetRequest, DimensionSubset } from './requests.js';

const SECTIONS = ['CoverageDescriptions', 'DatasetSeriesDescriptions'] as const;

interface EoSubset {
  bbox?: Bbox;
  time?: { begin: string; end: string };
  containment: 'overlaps' | 'contains';
}

function number(text: string | undefined, axis: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) throw wcsException('InvalidSubsetting', `'${text}' is not a coordinate on ${axis}`, 'subset');
  return n;
}

function instant(text: string | undefined, axis: string, side: 'begin' | 'end'): string | undefined {
  if (text === undefined) return undefined;
  const parsed = parseInstant(text);
  if (!parsed) throw wcsException('InvalidSubsetting', `'${text}' is not an ISO 8601 time on ${axis}`, 'subset');
  return parsed[side].toISOString();
}

/** The trims, in WGS 84 and UTC; each of lat, long and phenomenonTime at most once (Req. 51). */
function eoSubset(subsets: readonly DimensionSubset[], containmentText: string | undefined): EoSubset {
  let containment: EoSubset['containment'] = 'overlaps';
  if (containmentText !== undefined) {
    const key = containmentText.trim().toLowerCase();
    if (key !== 'overlaps' && key !== 'contains') throw invalidParameterValue('containment', `containment must be overlaps or contains; got '${containmentText}'`);
    containment = key;
  }
  const out: EoSubset = { containment };
  const seen = new Set<string>();
  let [minx, miny, maxx, maxy] = [-180, -90, 180, 90];
  for (const s of subsets) {
    const role = roleOfAxisName(s.axis);
    if (!role) throw wcsException('InvalidAxisLabel', `'${s.axis}' is not one of lat, long, phenomenonTime`, s.axis);
    if (seen.has(role)) throw wcsException('InvalidAxisLabel', `Axis '${s.axis}' is subset more than once`, s.axis);
    seen.add(role);
    const low = s.kind === 'slice' ? s.point : s.low;
    const high = s.kind === 'slice' ? s.point : s.high;
    if (role === 'time') {
      const begin = instant(low, s.axis, 'begin') ?? '0001-01-01T00:00:00.000Z';
      const end = instant(high, s.axis, 'end') ?? '9999-12-31T23:59:59.999Z';
      if (begin > end) throw wcsException('InvalidSubsetting', `The trim on ${s.axis} ends before it begins`, 'subset');
      out.time = { begin, end };
      continue;
    }
    const [a, b] = role === 'x' ? [number(low, s.axis, -180), number(high, s.axis, 180)] : [number(low, s.axis, -90), number(high, s.axis, 90)];
    if (a > b) throw wcsException('InvalidSubsetting', `The trim on ${s.axis} has its low bound above its high bound`, 'subset');
    if (role === 'x') [minx, maxx] = [a, b];
    else [miny, maxy] = [a, b];
  }
  if (seen.has('x') || seen.has('y')) out.bbox = [minx, miny, maxx, maxy];
  return out;
}

/** Whether a coverage itself meets the subset (for eoIds naming a granule, and for series). */
function meets(d: CoverageDescription, s: EoSubset): boolean {
  const b = d.wgs84Bbox;
  if (s.bbox) {
    const q = s.bbox;
    const ok = s.containment === 'contains' ? b[0] >= q[0] && b[1] >= q[1] && b[2] <= q[2] && b[3] <= q[3] : b[0] <= q[2] && b[2] >= q[0] && b[1] <= q[3] && b[3] >= q[1];
    if (!ok) return false;
  }
  if (s.time) {
    const p = timePeriodOf(d);
    const [begin, end] = [Date.parse(p.begin), Date.parse(p.end)];
    const [qb, qe] = [Date.parse(s.time.begin), Date.parse(s.time.end)];
    const ok = s.containment === 'contains' ? begin >= qb && end <= qe : begin <= qe && end >= qb;
    if (!ok) return false;
  }
  return true;
}

function datasetSeriesDescriptionXml(d: CoverageDescription): XmlElement {
  const wgs84 = crsAxes(crsDefinition('EPSG:4326'));
  return el(
    'wcseo:DatasetSeriesDescription',
    { 'gml:id': d.id },
    boundedByXml(wgs84, d.wgs84Bbox),
    el('wcseo:DatasetSeriesId', null, d.id),
    timePeriodXml(`${d.id}_timeperiod`, timePeriodOf(d)),
  );
}

export async function describeEOCoverageSet(request: DescribeEOCoverageSetRequest, env: WcsEnv): Promise<WcsResponse> {
  const names = (request.sections ?? []).filter((s) => s !== '');
  for (const n of names) {
    if (n !== 'All' && !(SECTIONS as readonly string[]).includes(n)) throw invalidParameterValue('sections', `Unknown section '${n}'; sections are CoverageDescriptions, DatasetSeriesDescriptions, All`);
  }
  const all = names.length === 0 || names.includes('All');
  const sections = new Set<string>(all ? SECTIONS : names);
  const subset = eoSubset(request.subsets, request.containment);
  const count = request.count ?? env.config.countDefault;

  const coverages = new Map<string, CoverageDescription>();
  const series: CoverageDescription[] = [];
  const query: GranuleQuery = { bbox: subset.bbox, time: subset.time, containment: subset.containment, limit: env.config.maxMatched };
  for (const eoId of request.eoIds) {
    const d = await env.coverages.get(eoId, env.subject);
    if (!d || (d.kind !== 'series' && d.kind !== 'granule')) {
      throw wcsException('NoSuchDatasetSeriesOrCoverage', d ? `'${eoId}' is a coverage but not an EO coverage or dataset series` : `No EO coverage or dataset series '${eoId}' is offered`, eoId);
    }
    if (d.kind === 'granule') {
      if (meets(d, subset)) coverages.set(d.id, d);
      continue;
    }
    if (meets(d, { ...subset, containment: 'overlaps' }) && !series.some((s) => s.id === d.id)) series.push(d);
    // The subset is applied again here: containment must hold in both space and time, whatever the engine's prefilter did.
    for (const g of await env.coverages.granules(d.id, query, env.subject)) if (meets(g, subset)) coverages.set(g.id, g);
  }
  const matched = [...coverages.values()];
  const returned = sections.has('CoverageDescriptions') ? matched.slice(0, count) : [];
  const root = el(
    'wcseo:EOCoverageSetDescription',
    {
      ...wcsNamespaceAttrs({ eo: true }),
      'xsi:schemaLocation': WCS_SCHEMA_LOCATION.wcseo,
      numberMatched: matched.length,
      numberReturned: returned.length,
    },
    sections.has('CoverageDescriptions') && el('wcs:CoverageDescriptions', null, returned.map(coverageDescriptionXml)),
    sections.has('DatasetSeriesDescriptions') && el('wcseo:DatasetSeriesDescriptions', null, series.map(datasetSeriesDescriptionXml)),
  );
  return { contentType: XML_CONTENT_TYPE, body: serializeXml(root) };
}
