/** The WCPS plugin's config (`plugins.wcps`): limits checked before a query runs, and its time limit. */
import type { JSONSchema } from '../../core/plugin.js';

export interface WcpsConfig {
  title: string;
  /** Largest result, in cells (cells x bands), a query may return. */
  maxResultCells: number;
  /** Largest number of cells a query may read or hold (every read and whole intermediate, summed). */
  maxIntermediateCells: number;
  /** Largest number of iterations of a constructor or condenser evaluated cell by cell. */
  maxIterations: number;
  /** Seconds a query may run; then it stops with QueryTimeout. */
  timeoutSeconds: number;
  /** Longest query text, in characters. */
  maxQueryLength: number;
  /** Cells computed per block (memory per operand of a running query). */
  blockCells: number;
}

export const wcpsConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string', default: 'Meridian coverage processing (WCPS)' },
    maxResultCells: { type: 'integer', minimum: 1, default: 100_000_000, description: 'Largest result (cells x bands) of a query; more is refused before it runs.' },
    maxIntermediateCells: { type: 'integer', minimum: 1, default: 1_000_000_000, description: 'Most cells a query may read or hold in total; more is refused before it runs.' },
    maxIterations: { type: 'integer', minimum: 1, default: 100_000, description: 'Most iterations of a constructor or condenser evaluated cell by cell.' },
    timeoutSeconds: { type: 'number', exclusiveMinimum: 0, default: 120, description: 'Time limit per query.' },
    maxQueryLength: { type: 'integer', minimum: 1, default: 100_000, description: 'Longest query text in characters.' },
    blockCells: { type: 'integer', minimum: 1024, default: 1_048_576, description: 'Cells evaluated per block.' },
  },
};
