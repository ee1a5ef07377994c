import assert from 'node:assert/strict';
import { filterObligations, obligationsPermit } from '../../../core/auth/obligations.js';
import { captureLogs } from './support/logs.js';

describe('core/auth: fulfilling filter obligations', () => {
  const isPublic = { op: '<>', args: [{ property: 'visibility' }, 'private'] };

  it('parses cql2-json (object or text, as XACML attribute assignments carry it) and cql2-text filters', () => {
    const { logger } = captureLogs();
    const filters = filterObligations(
      [
        { id: 'filter', attributes: { lang: 'cql2-json', filter: isPublic } },
        { id: 'filter', attributes: { lang: 'cql2-json', filter: JSON.stringify(isPublic) } },
        { id: 'filter', attributes: { lang: 'cql2-text', filter: "owner = 'alice'" } },
      ],
      logger,
      'test',
    );
    assert.equal(filters?.length, 3);
    assert.deepEqual(filters![0], filters![1]);
  });

  it('denies on an obligation it does not know and on a filter it cannot read, and says so in the log', () => {
    const logs = captureLogs();
    assert.equal(filterObligations([{ id: 'watermark', attributes: {} }], logs.logger, 'test'), null);
    assert.equal(filterObligations([{ id: 'filter', attributes: { lang: 'cql2-text', filter: 'owner = = x' } }], logs.logger, 'test'), null);
    assert.equal(filterObligations([{ id: 'filter', attributes: { lang: 'xpath', filter: '//x' } }], logs.logger, 'test'), null);
    assert.equal(logs.records.length, 3);
    assert.ok(logs.records.every((r) => /test: (unknown|unusable)/.test(String(r.msg))));
  });

  it('decides one resource by its properties, every filter having to hold', () => {
    const { logger } = captureLogs();
    const obligations = [
      { id: 'filter', attributes: { filter: isPublic } },
      { id: 'filter', attributes: { lang: 'cql2-text', filter: "collection <> 'restricted'" } },
    ];
    assert.equal(obligationsPermit(obligations, { id: 'a', properties: { visibility: 'public', collection: 'open' } }, logger, 'test'), true);
    assert.equal(obligationsPermit(obligations, { id: 'b', properties: { visibility: 'private', collection: 'open' } }, logger, 'test'), false);
    assert.equal(obligationsPermit(obligations, { id: 'c', properties: { visibility: 'public', collection: 'restricted' } }, logger, 'test'), false);
    assert.equal(obligationsPermit([], { properties: {} }, logger, 'test'), true, 'a Permit without obligations permits');
  });
});
