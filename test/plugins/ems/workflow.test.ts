/**
 * The EMS's reading of workflows at deploy (scatter, when, valueFrom, several sources, linkMerge,
 * pickValue, sub-workflows) checked against `cwltool --validate` on good and bad packages: both
 * must agree, and ours must name the CWL path. JavaScript in the EMS's own expressions is refused (cwltool would
 * run it with node; the EMS evaluates parameter references only). And the parameter references.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, ExpressionError } from '../../../plugins/ems/expressions.js';
import { readWorkflowPlan } from '../../../plugins/ems/workflow.js';
import { InvalidPackage, parseCwlText } from '../../../plugins/processing/cwl/parse.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const good = readFileSync(join(FIXTURES, 'scatter-when.cwl'), 'utf8');
const edit = (from: string, to: string) => {
  assert.ok(good.includes(from), from);
  return good.replace(from, to);
};
const HALVE_IN = 'scatter: source\n        in: {source: sources}';

// Sub-workflows (SubworkflowFeatureRequirement): inline, scattered, and '#id' of the $graph.
const nested = readFileSync(join(FIXTURES, 'nested.cwl'), 'utf8');
const nestedScatter = readFileSync(join(FIXTURES, 'nested-scatter.cwl'), 'utf8');
const GRAPH = `cwlVersion: v1.2
$graph:
  - class: Workflow
    id: main
    requirements:
      SubworkflowFeatureRequirement: {}
      ScatterFeatureRequirement: {}
    inputs:
      words: string[]
    outputs:
      first: {type: 'File[]', outputSource: one/said}
      second: {type: 'File[]', outputSource: two/said}
    steps:
      one: {run: '#sub', in: {words: words}, out: [said]}
      two: {run: '#sub', in: {words: words}, out: [said]}
  - class: Workflow
    id: sub
    inputs:
      words: string[]
    outputs:
      said: {type: 'File[]', outputSource: say/said}
    steps:
      say: {run: '#say', scatter: words, in: {words: words}, out: [said]}
  - class: CommandLineTool
    id: say
    baseCommand: echo
    inputs:
      words: {type: string, inputBinding: {position: 1}}
    outputs:
      said: stdout
`;
const change = (text: string, from: string, to: string) => {
  assert.ok(text.includes(from), from);
  return text.replace(from, to);
};
const NESTED_REQ = '    requirements:\n      SubworkflowFeatureRequirement: {}\n';

const CASES: Array<{ name: string; text: string; path?: string }> = [
  { name: 'scatter, when, valueFrom, linkMerge and pickValue', text: good },
  { name: 'dotproduct over two inputs', text: edit(HALVE_IN, 'scatter: [source, extra]\n        scatterMethod: dotproduct\n        in: {source: sources, extra: sources}') },
  { name: 'flat_crossproduct over two inputs', text: edit(HALVE_IN, 'scatter: [source, extra]\n        scatterMethod: flat_crossproduct\n        in: {source: sources, extra: sources}') },
  { name: 'a step input its tool lacks (seen by when only)', text: edit('in: {source: sources}', 'in: {source: sources, unused: reproject}') },
  { name: 'scatter without ScatterFeatureRequirement', text: edit('      ScatterFeatureRequirement: {}\n', ''), path: '$graph[0].steps.halve.scatter' },
  { name: 'scatter over an input the step lacks', text: edit(HALVE_IN, 'scatter: [nope]\n        in: {source: sources}'), path: '$graph[0].steps.halve.scatter[0]' },
  { name: 'two scattered inputs without scatterMethod', text: edit(HALVE_IN, 'scatter: [source, extra]\n        in: {source: sources, extra: sources}'), path: '$graph[0].steps.halve.scatterMethod' },
  { name: 'an unknown scatterMethod', text: edit(HALVE_IN, 'scatter: source\n        scatterMethod: zip\n        in: {source: sources}'), path: '$graph[0].steps.halve.scatterMethod' },
  { name: 'scatter over an input that is not an array', text: edit('      sources: File[]', '      sources: File'), path: '$graph[0].steps.halve.scatter' },
  { name: 'when in CWL v1.1', text: good.replace('cwlVersion: v1.2', 'cwlVersion: v1.1'), path: '$graph[0].steps.warp.when' },
  { name: 'an unknown linkMerge', text: edit('linkMerge: merge_flattened', 'linkMerge: merge_deep'), path: '$graph[0].outputs.present.linkMerge' },
  { name: 'an unknown pickValue', text: edit('pickValue: all_non_null', 'pickValue: all_nonnull'), path: '$graph[0].outputs.present.pickValue' },
  { name: 'an inline sub-workflow (a step default, the same tool inside and out)', text: nested },
  { name: 'a scattered sub-workflow step with when, valueFrom and the sub-workflow\'s own default', text: nestedScatter },
  { name: 'a sub-workflow without SubworkflowFeatureRequirement', text: change(nested, NESTED_REQ, ''), path: '$graph[0].steps.reproject.run' },
  { name: 'SubworkflowFeatureRequirement on the sub-workflow only', text: change(change(nested, NESTED_REQ, ''), '          id: warp-then-halve\n', '          id: warp-then-halve\n          requirements:\n            SubworkflowFeatureRequirement: {}\n'), path: '$graph[0].steps.reproject.run' },
  { name: 'SubworkflowFeatureRequirement as a hint of the step', text: change(change(nested, NESTED_REQ, ''), '      reproject:\n', '      reproject:\n        hints:\n          SubworkflowFeatureRequirement: {}\n') },
  { name: 'a sub-workflow of the $graph run by two steps (ScatterFeatureRequirement inherited)', text: GRAPH },
  { name: 'a sub-workflow of the $graph without SubworkflowFeatureRequirement', text: change(GRAPH, '      SubworkflowFeatureRequirement: {}\n', ''), path: '$graph[0].steps.one.run' },
  { name: 'a scatter in a sub-workflow of the $graph without ScatterFeatureRequirement', text: change(GRAPH, '      ScatterFeatureRequirement: {}\n', ''), path: '$graph[1].steps.say.scatter' },
  { name: 'a sub-workflow that runs the workflow that runs it', text: change(GRAPH, "      say: {run: '#say', scatter: words, in: {words: words}, out: [said]}", "      say: {run: '#say', scatter: words, in: {words: words}, out: [said]}\n      again: {run: '#main', in: {words: words}, out: [first]}"), path: '$graph[1].steps.again.run' },
];

function cwltoolAccepts(text: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ems-validate-'));
  const file = join(dir, 'package.cwl');
  writeFileSync(file, text);
  const r = spawnSync('cwltool', ['--validate', '--disable-color', file], { encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function ours(text: string): { ok: true } | { ok: false; paths: string[]; message: string } {
  try {
    readWorkflowPlan(parseCwlText(text) as Record<string, unknown>);
    return { ok: true };
  } catch (err) {
    if (!(err instanceof InvalidPackage)) throw err;
    return { ok: false, paths: err.issues.map((i) => i.path), message: err.message };
  }
}

describe('ems: workflow validation agrees with cwltool --validate', function () {
  this.timeout(600_000);
  for (const c of CASES) {
    it(c.name, () => {
      const mine = ours(c.text);
      const theirs = cwltoolAccepts(c.text);
      assert.equal(mine.ok, theirs.ok, `ours: ${JSON.stringify(mine)}\ncwltool: ${theirs.output.slice(-800)}`);
      if (c.path === undefined) assert.equal(mine.ok, true, JSON.stringify(mine));
      else {
        assert.equal(mine.ok, false);
        if (!mine.ok) assert.ok(mine.paths.includes(c.path), `expected ${c.path} among ${mine.paths.join(', ')}: ${mine.message}`);
      }
    });
  }

  it('reads the plan: scatter, when, valueFrom, sources, linkMerge, pickValue', () => {
    const plan = readWorkflowPlan(parseCwlText(good) as Record<string, unknown>);
    const byId = Object.fromEntries(plan.steps.map((s) => [s.id, s]));
    assert.deepEqual(byId.halve!.scatter, ['source']);
    assert.equal(byId.warp!.when, '$(inputs.reproject)');
    assert.deepEqual(byId.warp!.after, ['halve']);
    assert.deepEqual(byId.warp!.inputs.map((i) => [i.id, i.toTool]), [['source', true], ['reproject', false]]);
    assert.match(byId.name!.inputs[0]!.valueFrom!, /self\[0\]\.basename/);
    assert.deepEqual(plan.outputs.find((o) => o.id === 'present'), { id: 'present', sources: [{ step: 'warp', output: 'result' }, { step: 'halve', output: 'result' }], linkMerge: 'merge_flattened', pickValue: 'all_non_null' });
    assert.deepEqual(plan.inputDefaults, { reproject: false });
  });

  it('reads sub-workflows into the plan: their steps, inputs, defaults and outputs', () => {
    const plan = readWorkflowPlan(parseCwlText(nested) as Record<string, unknown>);
    assert.deepEqual(plan.steps.map((s) => [s.id, s.after, Boolean(s.workflow)]), [['halve', [], false], ['reproject', ['halve'], true]]);
    const reproject = plan.steps[1]!;
    assert.equal(reproject.toolId, 'warp-then-halve');
    assert.deepEqual(reproject.inputs.map((i) => [i.id, i.toTool, i.default ?? null]), [['source', true, null], ['title', true, 'warped and halved']]);
    assert.deepEqual(reproject.workflow!.steps.map((s) => [s.id, s.toolId, s.after]), [['warp', 'warp', []], ['say', 'say', []], ['halve', 'halve', ['warp']]]);
    assert.deepEqual(reproject.workflow!.outputs.map((o) => [o.id, o.sources]), [['warped', [{ step: 'warp', output: 'result' }]], ['halved', [{ step: 'halve', output: 'result' }]], ['note', [{ step: 'say', output: 'said' }]]]);
    // The same tool inside and out: one package (deployed once per ADES).
    assert.deepEqual(reproject.workflow!.steps[2]!.package, plan.steps[0]!.package);
    const each = readWorkflowPlan(parseCwlText(nestedScatter) as Record<string, unknown>).steps[0]!;
    assert.deepEqual([each.scatter, each.scatterMethod, each.when], [['words', 'go'], 'dotproduct', '$(inputs.go)']);
    assert.deepEqual(each.inputs.map((i) => [i.id, i.toTool, i.valueFrom ?? null]), [['words', true, 'w-$(self)'], ['go', false, null]]);
    assert.deepEqual(each.workflow!.inputDefaults, { suffix: '!' });
    const graph = readWorkflowPlan(parseCwlText(GRAPH) as Record<string, unknown>);
    assert.deepEqual(graph.steps.map((s) => [s.id, s.workflow?.id, s.workflow?.steps.map((x) => x.id)]), [['one', 'sub', ['say']], ['two', 'sub', ['say']]]);
  });

  it('refuses sub-workflows that expand beyond 1000 steps (each level running the next twice)', () => {
    const levels = (n: number) => {
      const level = (i: number) => `  - class: Workflow
    id: ${i === 0 ? 'main\n    requirements: {SubworkflowFeatureRequirement: {}}' : `w${i}`}
    inputs: {w: string}
    outputs: {o: {type: File, outputSource: a/o}}
    steps:
      a: {run: '#w${i + 1}', in: {w: w}, out: [o]}
      b: {run: '#w${i + 1}', in: {w: w}, out: [o]}
`;
      return `cwlVersion: v1.2\n$graph:\n${Array.from({ length: n }, (_, i) => level(i)).join('')}  - class: Workflow
    id: w${n}
    inputs: {w: string}
    outputs: {o: {type: File, outputSource: a/said}}
    steps:
      a: {run: '#say', in: {words: w}, out: [said]}
  - class: CommandLineTool
    id: say
    baseCommand: echo
    inputs: {words: string}
    outputs: {said: stdout}
`;
    };
    // 4 levels: 2 + 4 + 8 + 16 + 16 steps.
    assert.deepEqual(ours(levels(4)), { ok: true });
    // 12: 2^13 - 2 + 2^12 steps if read whole.
    const mine = ours(levels(12));
    assert.equal(mine.ok, false);
    if (!mine.ok) assert.match(mine.message, /runs more than 1000 steps/);
  });

  it('refuses JavaScript in a sub-workflow and on its step, naming the path', () => {
    const js = [
      { text: change(nestedScatter, "valueFrom: '$(self)$(inputs.suffix)'", "valueFrom: '${ return self + inputs.suffix; }'"), path: '$graph[0].steps.each.run.steps.shout.in.words.valueFrom' },
      { text: change(nestedScatter, 'when: $(inputs.go)', 'when: $(inputs.go === true)'), path: '$graph[0].steps.each.when' },
      { text: change(GRAPH, "in: {words: words}, out: [said]}\n  - class: CommandLineTool", "in: {words: {source: words, valueFrom: '$(self.toUpperCase())'}}, out: [said]}\n  - class: CommandLineTool"), path: '$graph[1].steps.say.in.words.valueFrom' },
    ];
    for (const c of js) {
      const mine = ours(c.text);
      assert.equal(mine.ok, false);
      if (!mine.ok) {
        assert.deepEqual(mine.paths, [c.path]);
        assert.match(mine.message, /JavaScript/);
      }
    }
  });

  it('refuses JavaScript in when and valueFrom, naming the path (cwltool would run it with node)', () => {
    const js = [
      { text: edit('when: $(inputs.reproject)', 'when: $(inputs.reproject && true)'), path: '$graph[0].steps.warp.when' },
      { text: edit('when: $(inputs.reproject)', 'when: ${ return inputs.reproject; }'), path: '$graph[0].steps.warp.when' },
      { text: edit("valueFrom: 'first:", "valueFrom: '$(self.map(function (f) { return f.basename; }))"), path: '$graph[0].steps.name.in.words.valueFrom' },
    ];
    for (const c of js) {
      const mine = ours(c.text);
      assert.equal(mine.ok, false);
      if (!mine.ok) {
        assert.deepEqual(mine.paths, [c.path]);
        assert.match(mine.message, /JavaScript/);
      }
    }
  });
});

describe('ems: CWL parameter references', () => {
  const file = { class: 'File', location: 'http://x/a/scene.tif', basename: 'scene.tif', nameroot: 'scene', nameext: '.tif' };
  const ctx = { inputs: { x: 3, s: 'hi', f: file, list: [file, null], 'a b': true, nested: { k: [1, 2] } }, self: [file] };
  it('evaluates references and interpolates them', () => {
    assert.equal(evaluate('$(inputs.x)', ctx), 3);
    assert.equal(evaluate('$(inputs.f.basename)', ctx), 'scene.tif');
    assert.equal(evaluate('$(self[0].nameroot)', ctx), 'scene');
    assert.equal(evaluate("$(inputs['a b'])", ctx), true);
    assert.equal(evaluate('$(inputs["nested"].k[1])', ctx), 2);
    assert.equal(evaluate('$(inputs.list.length)', ctx), 2);
    assert.equal(evaluate('$(inputs.s.length)', ctx), 2);
    assert.deepEqual(evaluate('$(inputs.nested)', ctx), { k: [1, 2] });
    assert.equal(evaluate('$(inputs.missing)', ctx), null);
    assert.equal(evaluate('n=$(inputs.x) s=$(inputs.s) k=$(inputs.nested.k)', ctx), 'n=3 s=hi k=[1,2]');
    assert.equal(evaluate('\\$(inputs.x) is $(inputs.x)', ctx), '$(inputs.x) is 3');
    assert.equal(evaluate('plain', ctx), 'plain');
  });
  it('says what is wrong', () => {
    assert.throws(() => evaluate('$(inputs.list[1].basename)', ctx), (e: Error) => e instanceof ExpressionError && /inputs.list\[1\] is null/.test(e.message));
    assert.throws(() => evaluate('$(inputs.x.y)', ctx), /is a number/);
    assert.throws(() => evaluate('$(inputs.x + 1)', ctx), /JavaScript/);
    assert.throws(() => evaluate('$(other.x)', ctx), /JavaScript/);
    assert.throws(() => evaluate('${ return 1; }', ctx), /JavaScript/);
  });
});
