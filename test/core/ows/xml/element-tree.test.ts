import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { parseFesFilter } from '../../../../core/filter/index.js';
import { parseXmlElementTree, resolveQName, serializeXmlTreeNode } from '../../../../core/ows/xml/element-tree.js';
import { OwsException } from '../../../../core/ows/exceptions.js';

const REQUEST = `<?xml version="1.0"?>
<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" xmlns:ogc="http://www.opengis.net/ogc" xmlns:d="http://purl.org/dc/elements/1.1/" service="CSW" version="2.0.2">
  <csw:Query typeNames="csw:Record">
    <csw:Constraint version="1.1.0">
      <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>d:title</ogc:PropertyName><ogc:Literal>A &amp; B</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
    </csw:Constraint>
  </csw:Query>
</csw:GetRecords>`;

describe('core/ows/xml/element-tree', () => {
  it('resolves element namespaces and keeps attributes by local name', () => {
    const root = parseXmlElementTree(REQUEST);
    assert.equal(root.name, 'GetRecords');
    assert.equal(root.namespace, 'http://www.opengis.net/cat/csw/2.0.2');
    assert.equal(root.attrs.version, '2.0.2');
    assert.equal(root.attrs['xmlns:csw'], undefined);
    const query = root.children[0]!;
    assert.equal(query.name, 'Query');
    assert.deepEqual(resolveQName(query.attrs.typeNames!, query), { namespace: 'http://www.opengis.net/cat/csw/2.0.2', local: 'Record' });
    assert.equal(resolveQName('x:Record', query), undefined);
    assert.deepEqual(resolveQName('Record', query, 'urn:default'), { namespace: 'urn:default', local: 'Record' });
  });

  it('gives filter elements in the shape the FES reader takes', () => {
    const root = parseXmlElementTree(REQUEST);
    const filter = root.children[0]!.children[0]!.children[0]!;
    const parsed = parseFesFilter(filter);
    assert.equal(parsed.op, '=');
    assert.deepEqual((parsed as { right: unknown }).right, { kind: 'literal', value: 'A & B' });
  });

  it('refuses an undeclared prefix and a DOCTYPE', () => {
    assert.throws(() => parseXmlElementTree('<a:b/>'), (e: unknown) => e instanceof OwsException && /undeclared namespace prefix 'a'/.test(e.message));
    assert.throws(() => parseXmlElementTree('<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>'), OwsException);
  });

  it('refuses to re-serialise names its writer cannot write, as a client error', () => {
    const root = parseXmlElementTree('<t:a xmlns:t="urn:t"><t:données>x</t:données></t:a>');
    assert.equal(root.children[0]!.name, 'données');
    assert.throws(() => serializeXmlTreeNode(root), (e: unknown) => e instanceof OwsException && e.status === 400);
  });

  it('serialises an embedded element as a standalone document with the declarations it needs', () => {
    const root = parseXmlElementTree(`<t:Transaction xmlns:t="urn:t" xmlns:g="urn:g" xmlns:c="urn:c" xmlns:unused="urn:u">
      <t:Insert><g:MD_Metadata a="1" c:x="2"><g:title>Tom &amp; <g:b>Jerry</g:b> &lt;3</g:title><g:inner xmlns:g="urn:other"><g:leaf/></g:inner></g:MD_Metadata></t:Insert></t:Transaction>`);
    const record = root.children[0]!.children[0]!;
    const text = serializeXmlTreeNode(record);
    assert.equal(text, '<g:MD_Metadata xmlns:g="urn:g" xmlns:c="urn:c" a="1" c:x="2"><g:title>Tom &amp; <g:b>Jerry</g:b> &lt;3</g:title><g:inner xmlns:g="urn:other"><g:leaf/></g:inner></g:MD_Metadata>');
    const again = parseXmlElementTree(text);
    assert.equal(again.namespace, 'urn:g');
    assert.equal(again.children[1]!.namespace, 'urn:other');
    assert.equal(again.children[1]!.children[0]!.namespace, 'urn:other');
  });
});
