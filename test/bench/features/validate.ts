// Checked before any load, and the run fails otherwise: for a sample of each sequence both
// servers answer a 200 of the format asked, with a full page (or, for a box holding fewer, the
// same number), the same features (by their `code` attribute, in the same order) and, in GeoJSON,
// the same attributes and coordinates. A benchmark of errors or empty answers is worthless.
import { eachLimited } from '../coverages/each-limited.js';
import { PAGE, type BboxQuery, type OutputFormat } from './requests.js';

export interface ServerEndpoint {
  name: string;
  /** origin + path, to which '?' + query is appended. */
  url: string;
}

interface Answer {
  codes: number[];
  /** code -> attributes and coordinates, as comparable text (GeoJSON only). */
  detail: Map<number, string>;
}

interface GeoJsonFeature {
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}

const round = (value: unknown): unknown => (Array.isArray(value) ? value.map(round) : typeof value === 'number' ? Math.round(value * 1e5) / 1e5 : value);

function readGeoJson(body: string): Answer {
  const fc = JSON.parse(body) as { type?: string; features?: GeoJsonFeature[] };
  if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error(`not a GeoJSON FeatureCollection: ${body.slice(0, 300)}`);
  const detail = new Map<number, string>();
  const codes = fc.features.map((f) => {
    const code = Number(f.properties.code);
    const props = Object.fromEntries(Object.entries(f.properties).sort(([a], [b]) => a.localeCompare(b)));
    detail.set(code, JSON.stringify({ props, type: f.geometry.type, coordinates: round(f.geometry.coordinates) }));
    return code;
  });
  return { codes, detail };
}

function readGml(body: string): Answer {
  if (!/<wfs:FeatureCollection[\s>]/.test(body)) throw new Error(`not a wfs:FeatureCollection: ${body.slice(0, 300)}`);
  const returned = /numberReturned="(\d+)"/.exec(body);
  const codes = [...body.matchAll(/<\w+:code>(\d+)<\/\w+:code>/g)].map((m) => Number(m[1]));
  if (!returned || Number(returned[1]) !== codes.length) throw new Error(`numberReturned ${returned?.[1]} but ${codes.length} features`);
  const members = (body.match(/<wfs:member>/g) ?? []).length;
  if (members !== codes.length) throw new Error(`${members} wfs:member but ${codes.length} codes`);
  const positions = (body.match(/<gml:(pos|posList)[\s>]/g) ?? []).length;
  if (positions < codes.length) throw new Error(`${codes.length} features but ${positions} gml:pos/posList`);
  return { codes, detail: new Map() };
}

async function fetchAnswer(server: ServerEndpoint, q: BboxQuery, format: OutputFormat): Promise<Answer> {
  const url = `${server.url}?${q.query}`;
  const res = await fetch(url);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${server.name} answered ${res.status} to ${url}: ${body.slice(0, 500)}`);
  const type = res.headers.get('content-type') ?? '';
  const expected = format === 'geojson' ? /json/ : /xml/;
  if (!expected.test(type)) throw new Error(`${server.name} answered ${type} to ${url}`);
  try {
    return format === 'geojson' ? readGeoJson(body) : readGml(body);
  } catch (err) {
    throw new Error(`${server.name}'s answer to ${url}: ${(err as Error).message}`);
  }
}

export interface ValidationSummary {
  checked: number;
  fullPages: number;
  features: number;
}

/** Compares both servers' answers to every `step`-th query; throws on the first difference. */
export async function validateSequence(servers: [ServerEndpoint, ServerEndpoint], queries: BboxQuery[], format: OutputFormat, step: number): Promise<ValidationSummary> {
  const sample = queries.filter((_, i) => i % step === 0);
  const summary: ValidationSummary = { checked: 0, fullPages: 0, features: 0 };
  await eachLimited(sample, 4, async (q) => {
    const [a, b] = await Promise.all(servers.map((s) => fetchAnswer(s, q, format)));
    const where = `${q.query} (${servers[0].name} vs ${servers[1].name})`;
    if (a!.codes.length === 0) throw new Error(`empty answers to ${where}: the boxes must hold features`);
    if (a!.codes.length !== b!.codes.length) throw new Error(`${a!.codes.length} vs ${b!.codes.length} features for ${where}`);
    if (a!.codes.length > PAGE) throw new Error(`more than COUNT=${PAGE} features for ${where}`);
    if (a!.codes.join() !== b!.codes.join()) throw new Error(`different features for ${where}: ${a!.codes.slice(0, 10).join()}... vs ${b!.codes.slice(0, 10).join()}...`);
    for (const [code, text] of a!.detail) {
      if (b!.detail.get(code) !== text) throw new Error(`feature code=${code} differs for ${where}:\n${text}\n${b!.detail.get(code)}`);
    }
    summary.checked++;
    summary.features += a!.codes.length;
    if (a!.codes.length === PAGE) summary.fullPages++;
  });
  return summary;
}
