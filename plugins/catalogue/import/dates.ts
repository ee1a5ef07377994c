/** Acquisition times read from GeoTIFF tags, GDAL metadata items and file names. */

/** GDAL metadata items that hold the acquisition (start) time, most specific first. */
const START_KEYS = ['ACQUISITIONDATETIME', 'ACQUISITION_DATETIME', 'ACQUISITION_START_TIME', 'ACQUISITIONSTARTTIME', 'START_DATETIME', 'PRODUCT_START_TIME', 'SENSING_TIME', 'SENSINGTIME', 'DATATAKE_SENSING_START', 'ACQUISITION_DATE', 'ACQUISITIONDATE', 'DATETIME', 'DATE_TIME', 'DATE'];
const END_KEYS = ['ACQUISITIONENDDATETIME', 'ACQUISITION_END_DATETIME', 'ACQUISITION_END_TIME', 'END_DATETIME', 'PRODUCT_STOP_TIME'];

/** An instant in ISO 8601 form from the spellings metadata uses, or undefined. */
export function parseInstant(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/\0/g, '').trim();
  // TIFF DateTime: 'YYYY:MM:DD HH:MM:SS' (local time of an unknown zone; read as UTC).
  const tiff = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (tiff) return fromParts(tiff.slice(1));
  const compact = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2}))?Z?$/.exec(text);
  if (compact) return fromParts(compact.slice(1));
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  // A date and time without a zone is read as UTC, as STAC and 17-003 do.
  const iso = /[T ]\d{2}:\d{2}/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function fromParts(parts: Array<string | undefined>): string | undefined {
  const [y, mo, d, h = '00', mi = '00', s = '00'] = parts.map((p) => p ?? undefined);
  const year = Number(y);
  if (year < 1900 || year > 2200) return undefined;
  const date = new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  // Reject 2020-13-45 and the like, which Date would roll over.
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return date.toISOString();
}

/** Start and end from GDAL metadata items (dataset level), matching keys regardless of case. */
export function timeFromGdalMetadata(items: Record<string, unknown> | null | undefined): { start?: string; end?: string } {
  if (!items) return {};
  const byKey = new Map(Object.entries(items).map(([k, v]) => [k.toUpperCase(), v]));
  const first = (keys: string[]) => {
    for (const k of keys) {
      const t = parseInstant(byKey.get(k));
      if (t) return t;
    }
    return undefined;
  };
  return { start: first(START_KEYS), end: first(END_KEYS) };
}

/**
 * A date (and time) in a file name: 20200615T103021 (Sentinel), 2020-06-15, or 20200615
 * standing alone (LC08_L1TP_199026_20200615_...). The first valid one wins.
 */
export function timeFromFileName(name: string): string | undefined {
  const patterns = [
    /(?<!\d)(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?!\d)/,
    /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T_ ](\d{2})[:-]?(\d{2})[:-]?(\d{2}))?(?!\d)/,
    /(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/,
  ];
  for (const pattern of patterns) {
    const global = new RegExp(pattern.source, 'g');
    for (const m of name.matchAll(global)) {
      const t = fromParts(m.slice(1));
      if (t) return t;
    }
  }
  return undefined;
}
