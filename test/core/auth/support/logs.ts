import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface CapturedLogs {
  logger: Logger;
  /** Parsed log records, in order. */
  records: Array<Record<string, unknown> & { level: number; msg?: string }>;
  /** Every record as written, for "the secret appears nowhere" checks. */
  text(): string;
}

/** A real pino logger whose JSON lines are kept in memory. */
export function captureLogs(level: pino.LevelWithSilent = 'debug'): CapturedLogs {
  const lines: string[] = [];
  const records: CapturedLogs['records'] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        lines.push(line);
        records.push(JSON.parse(line) as CapturedLogs['records'][number]);
      }
      done();
    },
  });
  // pino writes synchronously to a plain Writable, so records are there as soon as a call returns.
  const logger = pino({ level }, stream);
  return { logger, records, text: () => lines.join('\n') };
}

export const WARN = 40;
