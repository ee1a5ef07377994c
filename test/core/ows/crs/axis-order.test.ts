import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'mocha';
import { epsgIndexCodes } from '../../../../core/ows/crs/epsg-source.js';
import { lookupCrs } from '../../../../core/ows/crs/registry.js';

/** PROJ's database (Debian proj-data): an independent copy of the EPSG axis definitions. */
const PROJ_DB = process.env.MERIDIAN_PROJ_DB ?? '/usr/share/proj/proj.db';

/** The part of better-sqlite3 used here (it ships no types; knex is its usual user). */
interface SqliteStatement<R> {
  all(...params: string[]): R[];
  get(...params: string[]): R | undefined;
}
interface SqliteDatabase {
  prepare<R>(sql: string): SqliteStatement<R>;
  close(): void;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string, options: { readonly: boolean }) => SqliteDatabase;

interface Axis {
  orientation: string;
  abbrev: string;
}

/** Whether EPSG says the first axis is northing-like, relative to proj4's easting-first order. */
function epsgNorthFirst(axes: Axis[], proj4: string): boolean {
  if (/\+axis=/.test(proj4)) return false; // proj4 applies the authority order itself
  const first = axes[0];
  const orientation = first.orientation.toLowerCase();
  // Polar CRSs whose axes run along meridians: the abbreviation tells which is the northing.
  if (orientation.includes('along')) return first.abbrev === 'N';
  return orientation.startsWith('north') || orientation.startsWith('south');
}

describe('core/ows/crs/axis-order against PROJ', function () {
  before(function () {
    if (!existsSync(PROJ_DB)) this.skip();
  });

  it("derives the EPSG axis order of at least 98% of geographic and projected CRSs from epsg-index's data", () => {
    const db = new Database(PROJ_DB, { readonly: true });
    try {
      const axesOf = db.prepare<Axis>(
        "SELECT orientation, abbrev FROM axis WHERE coordinate_system_auth_name = 'EPSG' AND coordinate_system_code = ? ORDER BY coordinate_system_order",
      );
      const csOf = db.prepare<{ cs: string }>(
        "SELECT coordinate_system_code AS cs FROM projected_crs WHERE auth_name = 'EPSG' AND code = ? UNION ALL " +
          "SELECT coordinate_system_code FROM geodetic_crs WHERE auth_name = 'EPSG' AND code = ? AND type IN ('geographic 2D', 'geographic 3D')",
      );
      let compared = 0;
      const mismatches: string[] = [];
      for (const n of epsgIndexCodes()) {
        const code = String(n);
        const crs = lookupCrs(`EPSG:${code}`)?.crs;
        if (!crs?.proj4 || crs.authority !== 'EPSG' || !['projected', 'geographic', 'geographic-3d'].includes(crs.kind)) continue;
        const cs = csOf.get(code, code)?.cs;
        if (!cs) continue;
        const axes = axesOf.all(cs);
        if (axes.length < 2) continue;
        compared += 1;
        if (epsgNorthFirst(axes, crs.proj4) !== crs.northFirst) mismatches.push(`EPSG:${code} ${crs.name}`);
      }
      assert.ok(compared > 5000, `compared ${compared} CRSs`);
      const rate = mismatches.length / compared;
      if (process.env.MERIDIAN_VERBOSE) console.log(`${mismatches.length} of ${compared}:`, mismatches);
      assert.ok(rate < 0.02, `${mismatches.length} of ${compared} disagree:\n${mismatches.join('\n')}`);
    } finally {
      db.close();
    }
  });
});
