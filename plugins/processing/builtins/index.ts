import { clipProcess } from './clip.js';
import { ndviProcess } from './ndvi.js';
import { reprojectProcess } from './reproject.js';
import type { BuiltinProcess } from './types.js';

/** The processes every platform has, by id. */
export const BUILTIN_PROCESSES: ReadonlyMap<string, BuiltinProcess> = new Map([ndviProcess, clipProcess, reprojectProcess].map((p) => [p.description.id, p]));
export type { BuiltinProcess } from './types.js';
