/** The quotation handed to the decision point: resources from CWL ResourceRequirement, input counts. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describePackage } from '../../../plugins/processing/cwl/describe.js';
import { parseCwlText, readCwlPackage } from '../../../plugins/processing/cwl/parse.js';
import { quote } from '../../../plugins/processing/quotation.js';
import type { ProcessRecord } from '../../../plugins/processing/types.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../ades/fixtures/${name}`, import.meta.url)), 'utf8');

function record(text: string): ProcessRecord {
  const pkg = readCwlPackage(parseCwlText(text));
  return { id: pkg.main.id, kind: 'cwl', description: describePackage(pkg), cwl: pkg.document, visibility: 'private', created: '', updated: '' };
}

describe('processing: quotation', () => {
  it('takes the declared resources of a tool, CWL defaults otherwise', () => {
    const plain = quote(record(fixture('translate.cwl')), { source: 'scene-1', percent: 25 });
    assert.deepEqual(plain, { processId: 'translate', cores: 1, ramMiB: 256, diskMiB: 2048, steps: 1, fileInputs: 1, inlineBytes: 2 });
    const heavy = fixture('translate.cwl').replace('requirements:\n', 'requirements:\n  ResourceRequirement: {coresMin: 4, ramMin: 8192, tmpdirMin: 100, outdirMin: 50}\n');
    assert.deepEqual(quote(record(heavy), { source: 'x' }), { processId: 'translate', cores: 4, ramMiB: 8192, diskMiB: 150, steps: 1, fileInputs: 1, inlineBytes: 0 });
  });

  it('takes the largest step of a workflow, the disk of all steps, and the workflow\'s own requirement for steps without one', () => {
    const wf = fixture('workflow.cwl').replace("    label: Downsample twice\n", "    label: Downsample twice\n    requirements:\n      - class: ResourceRequirement\n        coresMin: 2\n        ramMin: 1024\n");
    const q = quote(record(wf), { source: { href: 'http://example.com/a.tif' } });
    assert.equal(q.steps, 2);
    assert.equal(q.cores, 2);
    assert.equal(q.ramMiB, 1024);
    assert.equal(q.diskMiB, 4096);
    assert.equal(q.fileInputs, 1);
  });
});
