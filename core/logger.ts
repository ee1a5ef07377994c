import { pino, type Logger } from 'pino';
import type { LogConfig } from './config/types.js';

/** Structured JSON logs on stdout; secrets in common places are redacted. */
export function createLogger(config: Partial<LogConfig> = {}, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level: config.level ?? 'info',
      base: { service: 'meridian' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie', '*.password', '*.secretAccessKey'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
