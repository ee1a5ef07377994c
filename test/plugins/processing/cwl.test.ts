/**
 * Deploy-time validation of CWL packages against `cwltool --validate` (Debian's cwltool): on good
 * and bad packages both must agree, and ours must say where the problem is. Also the mapping of
 * CWL inputs and outputs to OGC process descriptions (types, cardinality, formats).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describePackage } from '../../../plugins/processing/cwl/describe.js';
import { InvalidPackage, parseCwlText, readCwlPackage } from '../../../plugins/processing/cwl/parse.js';

const ADES_FIXTURES = fileURLToPath(new URL('../ades/fixtures/', import.meta.url));
const translate = readFileSync(join(ADES_FIXTURES, 'translate.cwl'), 'utf8');
const workflow = readFileSync(join(ADES_FIXTURES, 'workflow.cwl'), 'utf8');

const tool = (inputs: string, outputs = 'outputs: []', extra = 'baseCommand: echo') => `cwlVersion: v1.2\nclass: CommandLineTool\nid: t\n${extra}\n${inputs}\n${outputs}\n`;

/** Each case: the document, and the location our validation must report (undefined: valid). */
const CASES: Array<{ name: string; text: string; path?: string }> = [
  { name: 'the gdal_translate tool', text: translate },
  { name: 'the $graph workflow', text: workflow },
  { name: 'optional, array, enum and record inputs', text: tool('inputs:\n  a: File?\n  b: string[]\n  c:\n    type: {type: enum, symbols: [x, y]}\n  d:\n    type: {type: array, items: File}\n  e:\n    type:\n      type: record\n      fields:\n        f: int', 'outputs:\n  o: stdout\nstdout: o.txt') },
  { name: 'an inline step tool', text: 'cwlVersion: v1.2\nclass: Workflow\nid: w\ninputs: {m: string}\noutputs:\n  o:\n    type: File\n    outputSource: s/o\nsteps:\n  s:\n    run:\n      class: CommandLineTool\n      baseCommand: echo\n      inputs: {m: {type: string, inputBinding: {position: 1}}}\n      outputs: {o: stdout}\n    in: {m: m}\n    out: [o]\n' },
  { name: 'no cwlVersion', text: translate.replace('cwlVersion: v1.2\n', ''), path: 'cwlVersion' },
  { name: 'an unknown cwlVersion', text: translate.replace('cwlVersion: v1.2', 'cwlVersion: v9.9'), path: 'cwlVersion' },
  { name: 'an unknown class', text: translate.replace('class: CommandLineTool', 'class: CommandLine'), path: 'class' },
  { name: 'no inputs', text: tool('', 'outputs: []'), path: 'inputs' },
  { name: 'no outputs', text: tool('inputs: []', ''), path: 'outputs' },
  { name: 'an unknown input type', text: tool('inputs:\n  a: Fiel'), path: 'inputs.a.type' },
  { name: 'an unknown type inside an array', text: tool('inputs:\n  a:\n    type: {type: array, items: nope}'), path: 'inputs.a.type.items' },
  { name: 'an input without a type', text: tool('inputs:\n  a:\n    label: A'), path: 'inputs.a.type' },
  // cwltool reads such an output from cwl.output.json, so it is valid.
  { name: 'a file output without outputBinding', text: tool('inputs: []', 'outputs:\n  o:\n    type: File') },
  { name: 'a step source that names nothing', text: workflow.replace('in: {source: first/result}', 'in: {source: first/nothing}'), path: '$graph[0].steps.second.in.source' },
  { name: 'a run reference to no process', text: workflow.replace("run: '#halve'\n        in: {source: source}", "run: '#halv'\n        in: {source: source}"), path: '$graph[0].steps.first.run' },
  { name: 'an outputSource that names nothing', text: workflow.replace('outputSource: second/result', 'outputSource: third/result'), path: '$graph[0].outputs.smaller.outputSource' },
  { name: 'a step output its tool lacks', text: workflow.replace('out: [result]\n      second', 'out: [other]\n      second'), path: '$graph[0].steps.first.out[0]' },
];

function cwltoolAccepts(text: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cwl-validate-'));
  const file = join(dir, 'package.cwl');
  writeFileSync(file, text);
  const r = spawnSync('cwltool', ['--validate', '--disable-color', file], { encoding: 'utf8', timeout: 60_000 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function ours(text: string): { ok: true } | { ok: false; paths: string[]; message: string } {
  try {
    readCwlPackage(parseCwlText(text));
    return { ok: true };
  } catch (err) {
    if (!(err instanceof InvalidPackage)) throw err;
    return { ok: false, paths: err.issues.map((i) => i.path), message: err.message };
  }
}

describe('processing: CWL validation agrees with cwltool --validate', function () {
  this.timeout(120_000);
  for (const c of CASES) {
    it(`${c.path ? 'refuses' : 'accepts'} ${c.name}`, () => {
      const theirs = cwltoolAccepts(c.text);
      const mine = ours(c.text);
      assert.equal(mine.ok, theirs.ok, `ours: ${JSON.stringify(mine)}\ncwltool: ${theirs.output.slice(-800)}`);
      assert.equal(mine.ok, c.path === undefined);
      if (!mine.ok) assert.ok(mine.paths.includes(c.path!), `expected an issue at ${c.path}, got ${mine.paths.join(', ')}: ${mine.message}`);
    });
  }

  it('refuses text that is not YAML, naming the line', () => {
    assert.throws(() => parseCwlText('cwlVersion: v1.2\nclass: [\n'), (err: InvalidPackage) => /not YAML or JSON at line \d+/.test(err.message));
    assert.throws(() => parseCwlText('- a\n- b\n'), /must be a mapping/);
  });
});

describe('processing: OGC process descriptions of CWL packages', () => {
  it('maps types, cardinality, defaults and formats', () => {
    const pkg = readCwlPackage(parseCwlText(tool('inputs:\n  a: File?\n  b: string[]\n  c:\n    type: {type: enum, symbols: [x, y]}\n  n:\n    type: double\n    default: 0.5\n  flag: boolean\n  img:\n    type: File\n    format: iana:image/png', 'outputs:\n  o: stdout\nstdout: o.txt', 'baseCommand: echo\n$namespaces: {iana: "https://www.iana.org/assignments/media-types/"}')));
    const d = describePackage(pkg);
    assert.equal(d.id, 't');
    assert.deepEqual(d.inputs.a, { schema: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream', contentEncoding: 'binary' }, minOccurs: 0, maxOccurs: 1 });
    assert.deepEqual(d.inputs.b, { schema: { type: 'string' }, minOccurs: 1, maxOccurs: 'unbounded' });
    assert.deepEqual(d.inputs.c!.schema, { type: 'string', enum: ['x', 'y'] });
    assert.deepEqual(d.inputs.n, { schema: { type: 'number', default: 0.5 }, minOccurs: 0, maxOccurs: 1 });
    assert.deepEqual(d.inputs.flag!.schema, { type: 'boolean' });
    assert.equal(d.inputs.img!.schema.contentMediaType, 'image/png');
    assert.equal(d.outputs.o!.schema.contentMediaType, 'application/octet-stream');
    assert.deepEqual(d.jobControlOptions, ['async-execute', 'sync-execute', 'dismiss']);
  });

  it('takes the Workflow of a $graph as the process, with the workflow\'s inputs and outputs', () => {
    const d = describePackage(readCwlPackage(parseCwlText(workflow)));
    assert.equal(d.id, 'main');
    assert.deepEqual(Object.keys(d.inputs), ['source']);
    assert.deepEqual(Object.keys(d.outputs), ['smaller']);
    assert.equal(d.inputs.source!.schema.contentMediaType, 'image/tiff');
  });
});
