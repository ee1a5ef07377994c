import { pino, type Logger } from 'pino';
import type { LogConfig } from './config/types.js';

const base = { service: 'meridian' };

/** Structured JSON logs on stdout; secrets in common places are redacted. */
export function createLogger(config: Partial<LogConfig> = {}, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level: config.level ?? 'info',
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.password', '*.secretAccessKey'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}

/**
 * The access log: one line per request, so it is on the hot path. Its lines hold no secrets
 * (no headers but User-Agent), so it skips redaction, and it writes asynchronously (lines queue
 * while a write is in flight) instead of one blocking write per request. `flush` before exit.
 */
export function createAccessLogger(config: Partial<LogConfig> = {}, destination?: pino.DestinationStream): { logger: Logger; flush(): void } {
  const dest = destination ?? pino.destination({ dest: 1, sync: false });
  const logger = pino({ level: config.level ?? 'info', base: { ...base, log: 'access' }, timestamp: pino.stdTimeFunctions.isoTime }, dest);
  return {
    logger,
    flush() {
      const d = dest as pino.DestinationStream & { flushSync?: () => void };
      try {
        d.flushSync?.();
      } catch {
        // Nothing is buffered, or the stream is already closed.
      }
    },
  };
}
