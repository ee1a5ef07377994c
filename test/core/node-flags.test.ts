import assert from 'node:assert/strict';
import { nodeFlagGiven } from '../../core/node-flags.js';

describe('core nodeFlagGiven', () => {
  let options: string | undefined;
  let argv: string[];
  beforeEach(() => {
    options = process.env.NODE_OPTIONS;
    argv = [...process.execArgv];
    // This process's own flags set aside: each test says what it was started with.
    delete process.env.NODE_OPTIONS;
    process.execArgv.splice(0, process.execArgv.length);
  });
  afterEach(() => {
    if (options === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = options;
    process.execArgv.splice(0, process.execArgv.length, ...argv);
  });

  it('finds a flag on the command line, with or without a value, in either spelling', () => {
    assert.equal(nodeFlagGiven('--max-semi-space-size'), false);
    process.execArgv.push('--max_semi_space_size=64');
    assert.equal(nodeFlagGiven('--max-semi-space-size'), true);
    assert.equal(nodeFlagGiven('--max_semi_space_size'), true);
    assert.equal(nodeFlagGiven('--max-semi-space'), false, 'a prefix is another flag');
  });

  it('finds a flag in NODE_OPTIONS among others', () => {
    process.env.NODE_OPTIONS = '--enable-source-maps  --initial-old-space-size=128';
    assert.equal(nodeFlagGiven('--initial-old-space-size'), true);
    assert.equal(nodeFlagGiven('--max-old-space-size'), false);
  });
});
