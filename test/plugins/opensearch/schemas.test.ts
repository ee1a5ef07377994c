import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateRncAll } from '../../helpers/relaxng.js';
import { SCHEMAS_SOURCE } from '../../helpers/xsd.js';

const ROOT = 'ogc/opensearchgeo/1.0';

/** The official examples each grammar must refuse (the rest must pass), and why. */
const INVALID: Record<string, Record<string, RegExp>> = {
  osddgeo: { 'osddgeo03_invalid_nogeobox.xml': /geo:box/ },
  osddtime: {},
  atomgeo: {
    'atomgeo01_invalid_nogeorss.xml': /georss/,
    'atomgeotime01_invalid_nogeorss.xml': /georss/,
    'atomgeotime01_invalid_nogeorss_noauthor.xml': /georss/,
    'atomgeotime01_invalid_nogeorss_noauthor_noalternate.xml': /content/,
    'atomgeotime01_invalid_noid.xml': /"id"/,
    // A non-namespaced os:Query attribute (datasetId) is not an extension attribute.
    'cwic_landsat8.xml': /datasetId/,
  },
  atomtime: {
    'atomgeotime01_invalid_nogeorss_noauthor_noalternate.xml': /content/,
    'atomgeotime01_invalid_noid.xml': /"id"/,
    'cwic_landsat8.xml': /datasetId/,
  },
};

describe('the OpenSearch Geo and Time validators (jing and the grammars\' Schematron rules)', function () {
  this.timeout(60_000);
  for (const [grammar, invalid] of Object.entries(INVALID)) {
    it(`${grammar}.rnc accepts the official valid examples and refuses the invalid ones`, () => {
      const dir = path.join(SCHEMAS_SOURCE, ROOT, 'examples', grammar.startsWith('osdd') ? 'osd' : 'atom');
      const files = readdirSync(dir).sort();
      const errors = validateRncAll(files.map((f) => readFileSync(path.join(dir, f), 'utf8')), `${ROOT}/schemas/${grammar}.rnc`);
      files.forEach((f, i) => {
        const why = invalid[f];
        if (why) assert.match(errors[i]!.join('\n'), why, `${f} should be refused`);
        else assert.deepEqual(errors[i], [], `${f} should pass`);
      });
    });
  }
});
