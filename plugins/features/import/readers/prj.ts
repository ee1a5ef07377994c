/**
 * The CRS of a .prj file (WKT 1, usually in ESRI's dialect, without an authority code) as an
 * identifier of the core CRS registry. In order: an EPSG authority in the WKT; the CRS name
 * matched against the EPSG names (ESRI spells 'WGS_1984_UTM_Zone_32N' for 'WGS 84 / UTM zone
 * 32N'); then the projection's parameters (ellipsoid, origin, scale, false easting/northing,
 * unit) compared with every EPSG CRS's, ties broken by the datum's name. Undefined when none fits:
 * the caller asks for the CRS instead of guessing.
 */
import { createRequire } from 'node:module';
import proj4 from 'proj4';
import { lookupCrs } from '../../../../core/ows/crs/registry.js';
import type { EpsgRecord } from '../../../../core/ows/crs/epsg-source.js';

interface WktNode {
  keyword: string;
  args: Array<string | number | WktNode>;
}

/** Parses WKT 1 (also tolerates WKT 2 keywords) into nested nodes. Throws on malformed text. */
export function parseWktCrs(text: string): WktNode {
  let i = 0;
  const s = text.trim();
  const space = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const node = (): WktNode => {
    space();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (!m) throw new Error(`WKT: a keyword expected at character ${i + 1}`);
    i += m[0].length;
    space();
    const open = s[i];
    if (open !== '[' && open !== '(') return { keyword: m[0].toUpperCase(), args: [] };
    const close = open === '[' ? ']' : ')';
    i++;
    const args: WktNode['args'] = [];
    for (;;) {
      space();
      const c = s[i];
      if (c === undefined) throw new Error('WKT: unclosed bracket');
      if (c === '"') {
        let j = i + 1;
        let str = '';
        for (;;) {
          const q = s.indexOf('"', j);
          if (q < 0) throw new Error('WKT: unclosed string');
          str += s.slice(j, q);
          if (s[q + 1] === '"') {
            str += '"';
            j = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        args.push(str);
      } else if (/[-+.\d]/.test(c)) {
        const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(i));
        if (!n) throw new Error(`WKT: a number expected at character ${i + 1}`);
        args.push(Number(n[0]));
        i += n[0].length;
      } else args.push(node());
      space();
      if (s[i] === ',') i++;
      else if (s[i] === close) {
        i++;
        break;
      } else throw new Error(`WKT: ',' or '${close}' expected at character ${i + 1}`);
    }
    return { keyword: m[0].toUpperCase(), args };
  };
  return node();
}

const child = (n: WktNode, keyword: string) => n.args.find((a): a is WktNode => typeof a === 'object' && a.keyword === keyword);
const nameOf = (n: WktNode | undefined) => (n && typeof n.args[0] === 'string' ? n.args[0] : '');

/** A name reduced to what ESRI's and EPSG's spellings share ('WGS_1984' and 'WGS 84' are 'wgs84'). */
export function normaliseCrsName(name: string): string {
  let s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/^(gcs|d)_/, '');
  for (const [from, to] of ALIASES) s = s.replace(from, to);
  return s.replace(/([a-z]+)[ _]?19(\d\d)(?![0-9])/g, '$1$2').replace(/[^a-z0-9]/g, '');
}

const ALIASES: Array<[RegExp, string]> = [
  [/north_american_1983/g, 'nad83'],
  [/north_american_1927/g, 'nad27'],
  [/european_1950/g, 'ed50'],
  [/european_terrestrial_reference_system_1989/g, 'etrs89'],
  [/world_geodetic_system_1984/g, 'wgs84'],
];

let epsgRecords: EpsgRecord[] | undefined;
let byName: Map<string, EpsgRecord[]> | undefined;

/** Every EPSG record (the package's 8 MB index, read once, only when a .prj needs matching). */
function records(): EpsgRecord[] {
  if (!epsgRecords) {
    const require = createRequire(import.meta.url);
    const all = require('epsg-index/all.json') as Record<string, EpsgRecord>;
    epsgRecords = Object.values(all).filter((r) => r.proj4 && (r.kind === 'CRS-PROJCRS' || r.kind === 'CRS-GEOGCRS'));
  }
  return epsgRecords;
}

function recordsNamed(name: string): EpsgRecord[] {
  if (!byName) {
    byName = new Map();
    for (const r of records()) {
      const key = normaliseCrsName(r.name);
      byName.set(key, [...(byName.get(key) ?? []), r]);
    }
  }
  return byName.get(normaliseCrsName(name)) ?? [];
}

interface Params {
  projName?: string;
  a?: number;
  b?: number;
  rf?: number;
  lat0?: number;
  lat1?: number;
  lat2?: number;
  long0?: number;
  longc?: number;
  alpha?: number;
  k0?: number;
  x0?: number;
  y0?: number;
  to_meter?: number;
  units?: string;
  zone?: number;
  utmSouth?: boolean;
}

function params(definition: string): Params | undefined {
  try {
    return (proj4 as unknown as { Proj(d: string): Params }).Proj(definition);
  } catch {
    return undefined;
  }
}

/** Projection method families as proj4js names them from WKT and from proj strings. */
const FAMILIES: Record<string, string> = {
  transverse_mercator: 'tmerc', tmerc: 'tmerc', utm: 'tmerc', gauss_kruger: 'tmerc',
  lambert_conformal_conic: 'lcc', lambert_conformal_conic_2sp: 'lcc', lambert_conformal_conic_1sp: 'lcc', lcc: 'lcc',
  lambert_azimuthal_equal_area: 'laea', laea: 'laea',
  albers: 'aea', albers_conic_equal_area: 'aea', aea: 'aea',
  mercator: 'merc', mercator_1sp: 'merc', mercator_2sp: 'merc', merc: 'merc',
  hotine_oblique_mercator_azimuth_center: 'omerc', hotine_oblique_mercator: 'omerc', omerc: 'omerc', somerc: 'omerc', swiss_oblique_cylindrical: 'omerc',
  oblique_stereographic: 'sterea', double_stereographic: 'sterea', sterea: 'sterea',
  polar_stereographic: 'stere', stereographic: 'stere', stere: 'stere',
  cassini: 'cass', cassini_soldner: 'cass', cass: 'cass',
  equidistant_conic: 'eqdc', eqdc: 'eqdc',
  krovak: 'krovak',
  longlat: 'longlat',
};

const family = (p: Params) => {
  const name = (p.projName ?? '').toLowerCase();
  return FAMILIES[name] ?? name;
};

function close(a: number | undefined, b: number | undefined, tolerance: number): boolean {
  return Math.abs((a ?? 0) - (b ?? 0)) <= tolerance;
}

function metres(p: Params): number {
  if (p.to_meter && p.units !== 'degree') return p.to_meter;
  const u = (p.units ?? 'm').toLowerCase();
  if (u === 'm' || u === 'meter' || u === 'metre') return 1;
  if (u === 'ft' || u === 'foot') return 0.3048;
  if (u === 'us-ft' || u === 'foot_us') return 1200 / 3937;
  return p.to_meter ?? 1;
}

/** Same ellipsoid, origin, scale, offsets and unit (angles in radians, to ~1e-9 rad; lengths to 1 mm). */
function sameParams(p: Params, q: Params): boolean {
  if (family(p) !== family(q)) return false;
  if (!close(p.a, q.a, 0.01)) return false;
  const bp = p.b ?? (p.a && p.rf ? p.a * (1 - 1 / p.rf) : p.a);
  const bq = q.b ?? (q.a && q.rf ? q.a * (1 - 1 / q.rf) : q.a);
  if (!close(bp, bq, 0.01)) return false;
  if (family(p) === 'longlat') return true;
  const angle = 1e-9;
  const lat1 = (x: Params) => x.lat1 ?? x.lat0;
  const long0 = (x: Params) => x.long0 ?? x.longc;
  return (
    close(p.lat0, q.lat0, angle) &&
    close(lat1(p), lat1(q), angle) &&
    close(p.lat2 ?? lat1(p), q.lat2 ?? lat1(q), angle) &&
    close(long0(p), long0(q), angle) &&
    close(p.k0 ?? 1, q.k0 ?? 1, 1e-10) &&
    close(p.x0, q.x0, 0.001) &&
    close(p.y0, q.y0, 0.001) &&
    close(metres(p), metres(q), 1e-9)
  );
}

/** The part of an EPSG name before ' / ': its geographic CRS ('WGS 84 / UTM zone 32N' -> 'WGS 84'). */
const baseName = (name: string) => name.split(' / ')[0]!;

/** The CRS identifier of a .prj text, or undefined when it matches no EPSG CRS. */
export function crsFromPrj(text: string): string | undefined {
  let root: WktNode;
  try {
    root = parseWktCrs(text);
  } catch {
    return undefined;
  }
  const authority = child(root, 'AUTHORITY') ?? child(root, 'ID');
  if (authority && String(authority.args[0]).toUpperCase() === 'EPSG') {
    const ref = lookupCrs(`EPSG:${String(authority.args[1])}`);
    if (ref) return ref.crs.id;
  }
  const projected = root.keyword === 'PROJCS' || root.keyword === 'PROJCRS';
  if (!projected && root.keyword !== 'GEOGCS' && root.keyword !== 'GEOGCRS') return undefined;
  const projection = nameOf(child(root, 'PROJECTION')).toLowerCase();
  // ESRI's Web Mercator (auxiliary sphere) is EPSG's Pseudo-Mercator.
  if (projection === 'mercator_auxiliary_sphere') return 'EPSG:3857';
  const mine = params(text);
  if (!mine) return undefined;
  const kind = projected ? 'CRS-PROJCRS' : 'CRS-GEOGCRS';
  const fits = (r: EpsgRecord) => {
    if (r.kind !== kind) return false;
    const theirs = params(r.proj4!);
    return theirs !== undefined && sameParams(mine, theirs);
  };
  const named = recordsNamed(nameOf(root)).filter(fits);
  if (named.length > 0) return `EPSG:${lowest(named).code}`;
  // By parameters: cheap textual checks first, proj4 parsing only for what passes them.
  const geogcs = normaliseCrsName(nameOf(projected ? child(root, 'GEOGCS') ?? child(root, 'BASEGEOGCRS') : root));
  const candidates = records().filter((r) => r.kind === kind && (projected ? offsetsMatch(r.proj4!, mine) : true) && fits(r));
  if (candidates.length === 0) return undefined;
  const sameDatum = candidates.filter((r) => geogcs !== '' && normaliseCrsName(baseName(r.name)).startsWith(geogcs));
  return sameDatum.length > 0 ? `EPSG:${lowest(sameDatum).code}` : undefined;
}

function offsetsMatch(proj: string, p: Params): boolean {
  const num = (key: string) => {
    const m = new RegExp(`\\+${key}=([-+.\\deE]+)`).exec(proj);
    return m ? Number(m[1]) : undefined;
  };
  if (/\+proj=utm\b/.test(proj)) return close(p.x0, 500000, 0.001) && (close(p.y0, 0, 0.001) || close(p.y0, 10000000, 0.001));
  return close(num('x_0') ?? 0, p.x0, 0.01) && close(num('y_0') ?? 0, p.y0, 0.01);
}

function lowest(rs: EpsgRecord[]): EpsgRecord {
  return rs.reduce((a, b) => (Number(b.code) < Number(a.code) ? b : a));
}
