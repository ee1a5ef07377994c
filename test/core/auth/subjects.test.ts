import assert from 'node:assert/strict';
import { ANONYMOUS, authenticatedSubject, claimAt, groupsFromClaims, inAnyGroup, inGroup, isAnonymous } from '../../../core/auth/subjects.js';
import { bearerChallenge, credentialsOf, joinChallenges, quoteParam } from '../../../core/auth/challenge.js';

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
});
