/** The instant a file's name gives, through a configured pattern with a named group `time`. */
import { basename } from 'node:path';

/** yyyymmdd, yyyymmddThhmmss or any ISO 8601 form Date parses; undefined when none matches. */
export function timeFromName(path: string, pattern: RegExp): string | undefined {
  const match = pattern.exec(basename(path));
  const raw = match?.groups?.time;
  if (!raw) return undefined;
  const compact = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?Z?$/.exec(raw);
  const iso = compact ? `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4] ?? '00'}:${compact[5] ?? '00'}:${compact[6] ?? '00'}Z` : raw;
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) || !iso.includes('T') ? iso : iso + 'Z');
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
