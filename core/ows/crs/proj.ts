import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Proj4 from 'proj4';
import type { Converter } from 'proj4';
import type { CrsDefinition } from './registry.js';

const require = createRequire(import.meta.url);
let proj4Module: typeof Proj4 | undefined;

/** proj4 is loaded on the first transformation, keeping it off the server's start-up path. */
function proj4(): typeof Proj4 {
  proj4Module ??= require('proj4') as typeof Proj4;
  return proj4Module;
}

/**
 * proj4 converters between CRSs, with NTv2 grid handling. About 300 EPSG definitions name a
 * datum-shift grid (+nadgrids=BETA2007.gsb, OSTN15, NTv2_0...). The grids are not shipped; a
 * deployment may register them (registerGrid, registerGridDirectory, e.g. the Debian proj-data
 * folder /usr/share/proj). A grid that is not registered is dropped from the definition, so the
 * CRS still transforms, without that datum shift (errors up to a few hundred metres); proj4
 * would otherwise fail every point. `missingGrids` tells which CRSs are affected.
 */

const registeredGrids = new Set<string>();
const gridFiles = new Map<string, string>();
const converters = new Map<string, Converter>();
const MAX_CONVERTERS = 512;

/** Registers an NTv2 grid (.gsb content) under the name definitions use ('BETA2007.gsb'). */
export function registerGrid(name: string, data: ArrayBuffer): void {
  proj4().nadgrid(name, data);
  registeredGrids.add(name.toLowerCase());
  converters.clear();
}

/** Makes every *.gsb file of a folder available; each is read the first time a CRS needs it. */
export function registerGridDirectory(dir: string): number {
  let count = 0;
  for (const file of readdirSync(dir)) {
    if (!/\.gsb$/i.test(file)) continue;
    gridFiles.set(file.toLowerCase(), path.join(dir, file));
    count += 1;
  }
  converters.clear();
  return count;
}

function gridAvailable(name: string): boolean {
  const key = name.toLowerCase();
  if (registeredGrids.has(key)) return true;
  const file = gridFiles.get(key);
  if (!file) return false;
  const bytes = readFileSync(file);
  registerGrid(name, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return true;
}

/** The grids a definition names that are not available (its transformations skip that shift). */
export function missingGrids(crs: CrsDefinition): string[] {
  return gridsOf(crs.proj4).filter((g) => !g.startsWith('@') && !gridAvailable(g));
}

function gridsOf(definition: string | undefined): string[] {
  const value = definition ? /\+nadgrids=(\S+)/.exec(definition)?.[1] : undefined;
  return value ? value.split(',') : [];
}

/** The proj4 text to use: grids that are not available are removed. */
export function effectiveProj4(crs: CrsDefinition): string | undefined {
  const definition = crs.proj4;
  if (!definition) return undefined;
  const grids = gridsOf(definition);
  if (grids.length === 0) return definition;
  const usable = grids.filter((g) => g === '@null' || (/^[\w.@-]+$/.test(g) && gridAvailable(g.replace(/^@/, ''))));
  const replacement = usable.length > 0 ? ` +nadgrids=${usable.join(',')}` : '';
  return definition.replace(/\s*\+nadgrids=\S+/, replacement);
}

/** A cached proj4 converter; throws when proj4 cannot build one (unsupported projection). */
export function converterBetween(from: CrsDefinition, to: CrsDefinition): Converter {
  const key = `${from.id}>${to.id}`;
  let converter = converters.get(key);
  if (converter) return converter;
  const source = effectiveProj4(from);
  const target = effectiveProj4(to);
  if (!source) throw new Error(`${from.id} (${from.name}) has no proj4 definition`);
  if (!target) throw new Error(`${to.id} (${to.name}) has no proj4 definition`);
  try {
    converter = proj4()(source, target);
  } catch (err) {
    // proj4 throws strings as well as Errors.
    throw new Error(err instanceof Error ? err.message : String(err));
  }
  if (converters.size >= MAX_CONVERTERS) converters.delete(converters.keys().next().value as string);
  converters.set(key, converter);
  return converter;
}
