import assert from 'node:assert/strict';
import { ANONYMOUS, authenticatedSubject, claimAt, groupsFromClaims, inAnyGroup, inGroup, isAnonymous } from '../../../core/auth/subjects.js';
import { bearerChallenge, credentialsOf, joinChallenges, quoteParam } from '../../../core/auth/challenge.js';
import { seededRandom } from '../../../core/seeded-random.js';

describe('core/auth/subjects', () => {
  it('ANONYMOUS is a frozen subject without groups', () => {
    assert.deepEqual({ ...ANONYMOUS }, { id: 'anonymous', issuer: '', claims: {}, groups: [], anonymous: true, method: 'anonymous' });
    assert.equal(isAnonymous(ANONYMOUS), true);
    assert.throws(() => ANONYMOUS.groups.push('admin'), TypeError);
  });

  it('authenticatedSubject deduplicates groups and answers group questions', () => {
    const s = authenticatedSubject({ id: 'a', issuer: 'i', method: 'jwt', groups: ['x', 'y', 'x'] });
    assert.deepEqual(s.groups, ['x', 'y']);
    assert.equal(isAnonymous(s), false);
    assert.equal(inGroup(s, 'y'), true);
    assert.equal(inAnyGroup(s, ['z', 'x']), true);
    assert.equal(inAnyGroup(s, ['z']), false);
  });

  it('reads claims by dotted path, and whole namespaced claim names first', () => {
    const claims = { realm_access: { roles: ['r1'] }, 'https://example.org/groups': ['g1'], scope: 'a b', n: 3 };
    assert.deepEqual(claimAt(claims, 'realm_access.roles'), ['r1']);
    assert.deepEqual(groupsFromClaims(claims, 'https://example.org/groups'), ['g1']);
    assert.deepEqual(groupsFromClaims(claims, 'scope'), ['a', 'b']);
    assert.deepEqual(groupsFromClaims(claims, 'n'), []);
    assert.deepEqual(groupsFromClaims(claims, 'missing.path'), []);
    assert.deepEqual(groupsFromClaims({ groups: ['a', 7, '', 'b'] }, 'groups'), ['a', 'b']);
  });
});

describe('core/auth/challenge', () => {
  it('builds RFC 6750 Bearer challenges with only allowed characters in quoted values', () => {
    assert.equal(bearerChallenge('meridian'), 'Bearer realm="meridian"');
    assert.equal(
      bearerChallenge('meridian', 'invalid_token', 'bad "quoted" \\ value\u00e9'),
      'Bearer realm="meridian", error="invalid_token", error_description="bad \'quoted\' \' value\'"',
    );
    assert.equal(quoteParam('plain'), '"plain"');
    assert.equal(joinChallenges(['Bearer realm="a"', 'Basic realm="a"']), 'Bearer realm="a", Basic realm="a"');
  });

  it('extracts credentials of one scheme, the scheme case-insensitive', () => {
    assert.equal(credentialsOf('Bearer abc.def', 'Bearer'), 'abc.def');
    assert.equal(credentialsOf('bearer   abc', 'Bearer'), 'abc');
    assert.equal(credentialsOf('Basic xyz', 'Bearer'), null);
    assert.equal(credentialsOf(undefined, 'Bearer'), null);
    assert.equal(credentialsOf('Bearer', 'Bearer'), null);
  });

  it('reads credentials as the RFC 7235 grammar does (scheme token, spaces or tabs, the rest trimmed)', () => {
    // The grammar as a regular expression, checked against the hand-written scanner on generated headers.
    const grammar = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)[ \t]+(.*)$/s;
    const reference = (header: string, scheme: string) => {
      const m = grammar.exec(header.trim());
      return m && m[1]!.toLowerCase() === scheme.toLowerCase() ? m[2]!.trim() : null;
    };
    const random = seededRandom(7235);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const starts = ['Bearer ', 'bearer\t', ' Bearer  ', 'BEARER ', 'Bearer', 'Basic ', 'ApiKey ', 'Bear er ', ''];
    const chars = ['a', 'Z', '9', ' ', '\t', '.', '~', '-', '_', '"', '(', ':', '/', '=', ',', '\n', '\r', '\u00e9', '\u00a0'];
    let compared = 0;
    for (let i = 0; i < 20_000; i++) {
      let header = pick(starts);
      for (let n = Math.floor(random() * 10); n > 0; n--) header += pick(chars);
      for (const scheme of ['Bearer', 'Basic', 'ApiKey']) {
        assert.equal(credentialsOf(header, scheme), reference(header, scheme), `${JSON.stringify(header)} as ${scheme}`);
        compared++;
      }
    }
    assert.equal(compared, 60_000);
  });
});
