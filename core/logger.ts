import { pino, type Logger } from 'pino';
import type { LogConfig } from './config/types.js';

/** Bindings on every line of every Meridian log. */
export const LOG_BASE = { service: 'meridian' };

/** Structured JSON logs on stdout; secrets in common places are redacted. */
export function createLogger(config: Partial<LogConfig> = {}, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level: config.level ?? 'info',
      base: LOG_BASE,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.password', '*.secretAccessKey'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
