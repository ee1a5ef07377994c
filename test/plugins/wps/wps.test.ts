/**
 * WPS 2.0 end to end on every database kind, over the same engine as the ADES: capabilities per
 * user, descriptions, Execute sync (raw and document, outputs by value and by reference) and
 * async (GetStatus polling, GetResult), inputs by blob key, catalogue product and http URL, a
 * CWL package deployed over WPS-T (by href, inline, and as an OWS Context) run and undeployed,
 * Dismiss of a running job and of ended ones (gone with their results), the WPS 2.0 exception codes (every reachable one of OGC 14-065r2's
 * tables 41, 46, 48 and 50 and of OWS Common 2.0, with its locator and HTTP status, also as
 * OWSLib's OWS 2.0 exception reader reads it), one user's jobs hidden from another,
 * and jobs shared with OGC API Processes both ways. Every answer is checked against the
 * official WPS 2.0 / OWS 2.0 schemas (the WPS-T results, which have no official schema, are
 * checked by content).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticatedSubject, LOCAL_USER_ISSUER } from '../../../core/auth/index.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { makeCog, type ApiResponse } from '../ades/support.js';
import {
  assertException,
  assertWps,
  deployXml,
  executeXml,
  fixture,
  jobRequest,
  literal,
  pollStatus,
  reference,
  startWps,
  undeployXml,
  xpath,
  type WpsHarness,
} from './support.js';

const TIFF_MAGIC = /^(49492a00|4d4d002a|49492b00)/;
const isTiff = (b: Buffer) => TIFF_MAGIC.test(b.subarray(0, 4).toString('hex'));
const BBOX = '<wps:Data><ows:BoundingBox crs="http://www.opengis.net/def/crs/OGC/1.3/CRS84"><ows:LowerCorner>10.2 49.2</ows:LowerCorner><ows:UpperCorner>10.6 49.6</ows:UpperCorner></ows:BoundingBox></wps:Data>';
const CAPS = 'service=WPS&request=GetCapabilities';
const alice = authenticatedSubject({ id: 'alice', issuer: LOCAL_USER_ISSUER, method: 'apikey', groups: [] });
const OWSLIB_EXCEPTIONS = fileURLToPath(new URL('./owslib_exceptions.py', import.meta.url));

/** What OWSLib's OWS Common 2.0 reader (owslib.ows.ExceptionReport) reads in each ExceptionReport. */
function owslibExceptions(docs: string[]): Array<{ version: string; exceptions: Array<{ exceptionCode: string; locator: string | null; ExceptionText: string | null }> }> {
  return JSON.parse(execFileSync('/usr/bin/python3', [OWSLIB_EXCEPTIONS], { input: JSON.stringify(docs), encoding: 'utf8' }));
}

function gdalSize(bytes: Buffer): [number, number] {
  const file = join(tmpdir(), `wps-${process.pid}-${Math.random().toString(36).slice(2)}.tif`);
  writeFileSync(file, bytes);
  const info = JSON.parse(execFileSync('gdalinfo', ['-json', file], { encoding: 'utf8' }));
  return info.size;
}

for (const kind of testDatabaseKinds()) {
  describe(`wps (${kind.name})`, function () {
    this.timeout(180_000);
    let h: WpsHarness;
    let cog: string;
    let files: Server;
    let filesUrl: string;

    before(async () => {
      h = await startWps(kind);
      cog = makeCog();
      const blobs = h.server.meridian.stores.blobs as typeof h.server.meridian.stores.blobs & { localPath(key: string): string };
      await blobs.put('workspaces/alice/scene.tif', readFileSync(cog), { contentType: 'image/tiff; application=geotiff' });
      await h.catalogue.upsert([
        { identifier: 'scenes', type: 'collection', title: 'Scenes', visibility: 'public' },
        { identifier: 'scene-1', type: 'product', parentIdentifier: 'scenes', title: 'Scene 1', start: '2026-06-01T10:00:00Z', geometry: { type: 'Polygon', coordinates: [[[10, 49], [11, 49], [11, 50], [10, 50], [10, 49]]] }, visibility: 'public', assets: { data: { href: blobs.localPath('workspaces/alice/scene.tif'), type: 'image/tiff; application=geotiff', roles: ['data'] } } },
      ]);
      files = createServer((req, res) => {
        if (req.url === '/scene.tif') {
          res.setHeader('Content-Type', 'image/tiff');
          return res.end(readFileSync(cog));
        }
        if (req.url === '/translate.cwl') return res.end(fixture('translate.cwl'));
        if (req.url === '/context.xml') {
          res.setHeader('Content-Type', 'application/atom+xml');
          return res.end(owsContext(`<owc:content type="application/cwl" href="${filesUrl}/translate.cwl"/>`));
        }
        res.statusCode = 404;
        res.end('no');
      });
      await new Promise<void>((r) => files.listen(0, '127.0.0.1', () => r()));
      filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    });

    after(async () => {
      await h?.close();
      await new Promise((r) => files?.close(r));
    });

    function owsContext(content: string): string {
      return `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:owc="http://www.opengis.net/owc/1.0"><title>Translate</title><id>urn:test:ctx</id><updated>2026-01-01T00:00:00Z</updated><entry><id>urn:test:translate</id><title>translate</title><updated>2026-01-01T00:00:00Z</updated><owc:offering code="http://www.opengis.net/eoc/applicationContext/cwl">${content}</owc:offering></entry></feed>`;
    }

    it('GetCapabilities: valid, the built-ins, the operations with WPS-T; deployed processes per user', async () => {
      const res = await h.kvp(CAPS);
      assertWps(res);
      const ids = xpath(res.text, '/wps:Capabilities/wps:Contents/wps:ProcessSummary/ows:Identifier');
      for (const id of ['ndvi', 'clip', 'reproject']) assert.ok(ids.includes(id), ids.join());
      const ops = xpath(res.text, '//ows:OperationsMetadata/ows:Operation/@name');
      assert.deepEqual(ops, ['GetCapabilities', 'DescribeProcess', 'Execute', 'GetStatus', 'GetResult', 'Dismiss', 'DeployProcess', 'UndeployProcess']);
      assert.deepEqual(xpath(res.text, '//wps:ProcessSummary[ows:Identifier="clip"]/@jobControlOptions'), ['async-execute sync-execute dismiss']);
      // A private package deployed by alice: listed for her and for the admin, not for bob or anonymous callers.
      const deployed = await h.post(deployXml(`<wps:Data mimeType="application/cwl+yaml"><![CDATA[${fixture('sleeper.cwl').replace('id: sleeper', 'id: wps-caps-sleeper')}]]></wps:Data>`), 'alice');
      assert.equal(deployed.status, 200, deployed.text);
      for (const [as, sees] of [['alice', true], ['admin', true], ['bob', false], [undefined, false]] as const) {
        const caps = await h.kvp(CAPS, as);
        assertWps(caps);
        assert.equal(xpath(caps.text, '//wps:ProcessSummary/ows:Identifier').includes('wps-caps-sleeper'), sees, `${as}`);
      }
      // XML GetCapabilities with Sections, AcceptVersions negotiation.
      const xml = await h.post(`<wps:GetCapabilities service="WPS" xmlns:wps="http://www.opengis.net/wps/2.0" xmlns:ows="http://www.opengis.net/ows/2.0"><ows:AcceptVersions><ows:Version>2.0.0</ows:Version></ows:AcceptVersions><ows:Sections><ows:Section>ServiceIdentification</ows:Section><ows:Section>Contents</ows:Section></ows:Sections></wps:GetCapabilities>`);
      assertWps(xml);
      assert.deepEqual(xpath(xml.text, '/wps:Capabilities/ows:OperationsMetadata'), []);
      // OWS Common 2.0 table 27: VersionNegotiationFailed omits the locator.
      assert.equal(assertException(await h.kvp(`${CAPS}&AcceptVersions=0.9.0`), 400, 'VersionNegotiationFailed'), undefined);
      // AcceptVersions in the client's order; a 2.0 document when 2.0.0 comes first.
      assertWps(await h.kvp(`${CAPS}&AcceptVersions=2.0.0,1.0.0`));
      // The conformance classes of 14-065r2 table 1 (and WPS-T's, with transactions).
      const profiles = xpath((await h.kvp(CAPS)).text, '//ows:Profile');
      const WPS20 = 'http://www.opengis.net/spec/WPS/2.0/conf';
      assert.deepEqual(profiles.filter((p) => p.startsWith(WPS20)), ['service/synchronous-wps', 'service/asynchronous-wps', 'service/profile/basic-wps', 'service/dismiss-extension', 'process-model-encoding'].map((c) => `${WPS20}/${c}`));
    });

    it('DescribeProcess: KVP, XML and ALL, valid; literal, bounding box and complex data', async () => {
      const res = await h.kvp('service=WPS&version=2.0.0&request=DescribeProcess&identifier=clip,reproject');
      assertWps(res);
      assert.deepEqual(xpath(res.text, '//wps:ProcessOffering/wps:Process/ows:Identifier'), ['clip', 'reproject']);
      assert.deepEqual(xpath(res.text, '//wps:Process[ows:Identifier="clip"]/wps:Input[ows:Identifier="bbox"]/wps:BoundingBoxData/wps:SupportedCRS[@default="true"]'), ['http://www.opengis.net/def/crs/OGC/1.3/CRS84']);
      assert.deepEqual(xpath(res.text, '//wps:Process[ows:Identifier="clip"]/wps:Input[ows:Identifier="image"]/wps:ComplexData/wps:Format[@default="true"]/@mimeType'), ['image/tiff; application=geotiff']);
      const all = await h.post(`<wps:DescribeProcess service="WPS" version="2.0.0" xmlns:wps="http://www.opengis.net/wps/2.0" xmlns:ows="http://www.opengis.net/ows/2.0"><ows:Identifier>ALL</ows:Identifier></wps:DescribeProcess>`);
      assertWps(all);
      assert.ok(xpath(all.text, '//wps:Process/ows:Identifier').includes('ndvi'));
      assert.equal(assertException(await h.kvp('service=WPS&version=2.0.0&request=DescribeProcess&identifier=nothing'), 400, 'NoSuchProcess'), 'nothing');
      assert.equal(assertException(await h.kvp('service=WPS&request=DescribeProcess&identifier=clip'), 400, 'MissingParameterValue'), 'version');
      assert.equal(assertException(await h.kvp('service=WPS&version=2.0.0&request=DescribeProcess'), 400, 'MissingParameterValue'), 'identifier');
      assertException(await h.kvp('service=WPS&version=2.0.0&request=Frobnicate'), 501, 'OperationNotSupported');
      assertException(await h.kvp('service=WPS&version=1.1.0&request=DescribeProcess&identifier=clip'), 400, 'InvalidParameterValue');
      // GetStatus does not exist in 1.0.0.
      assert.equal((await h.kvp('service=WPS&version=1.0.0&request=GetStatus&jobId=x')).status, 501);
    });

    it('Execute sync: document with the output by reference and by value, and raw', async () => {
      const inputs = { image: reference('blob:workspaces/alice/scene.tif'), bbox: BBOX };
      const doc = await h.post(executeXml({ process: 'clip', inputs, outputs: [{ id: 'clipped', transmission: 'reference' }] }), 'alice');
      assertWps(doc);
      const [href] = xpath(doc.text, '/wps:Result/wps:Output[@id="clipped"]/wps:Reference/@xlink:href');
      assert.match(href!, /\/wps\/jobs\/[^/]+\/files\/clipped\//);
      const file = await h.request('GET', href!, { as: 'alice' });
      assert.equal(file.status, 200);
      assert.ok(isTiff(file.bytes));
      const [w, hh] = gdalSize(file.bytes);
      assert.ok(w > 20 && w < 30 && hh > 20 && hh < 30, `${w}x${hh}`); // 0.4° of a 64 px / 1° raster
      // The file is the caller's: bob cannot read it.
      assert.equal((await h.request('GET', href!, { as: 'bob' })).status, 400);

      const inline = await h.post(executeXml({ process: 'clip', inputs, outputs: [{ id: 'clipped', transmission: 'value' }] }), 'alice');
      assertWps(inline);
      const [b64] = xpath(inline.text, '/wps:Result/wps:Output[@id="clipped"]/wps:Data[@encoding="base64"]');
      assert.ok(isTiff(Buffer.from(b64!, 'base64')));

      const raw = await h.post(executeXml({ process: 'clip', response: 'raw', inputs, outputs: [{ id: 'clipped' }] }), 'alice');
      assert.equal(raw.status, 200);
      assert.match(raw.headers.get('content-type') ?? '', /image\/tiff/);
      assert.ok(isTiff(raw.bytes));
      assert.deepEqual(gdalSize(raw.bytes), [w, hh]);
    });

    it('Execute errors: the WPS 2.0 codes', async () => {
      const ok = { image: reference('blob:workspaces/alice/scene.tif'), bbox: BBOX };
      assert.equal(assertException(await h.post(executeXml({ process: 'nothing' }), 'alice'), 400, 'NoSuchProcess'), 'nothing');
      assert.equal(assertException(await h.post(executeXml({ process: 'clip', inputs: { image: ok.image } }), 'alice'), 400, 'MissingParameterValue'), 'bbox');
      assert.equal(assertException(await h.post(executeXml({ process: 'clip', inputs: { ...ok, colour: literal('red') } }), 'alice'), 400, 'NoSuchInput'), 'colour');
      assert.equal(assertException(await h.post(executeXml({ process: 'clip', inputs: ok, outputs: [{ id: 'nope' }] }), 'alice'), 400, 'NoSuchOutput'), 'nope');
      assert.equal(assertException(await h.post(executeXml({ process: 'clip', inputs: { ...ok, image: reference('ftp://example.com/x.tif') } }), 'alice'), 400, 'DataNotAccessible'), 'image');
      assert.equal(assertException(await h.post(executeXml({ process: 'clip', inputs: { ...ok, bbox: '<wps:Data><ows:BoundingBox><ows:LowerCorner>1</ows:LowerCorner></ows:BoundingBox></wps:Data>' } }), 'alice'), 400, 'WrongInputData'), 'bbox');
      assert.equal(assertException(await h.post(executeXml({ process: 'clip', mode: 'eventually' as never, inputs: ok }), 'alice'), 400, 'NoSuchMode'), 'eventually');
      assert.equal(assertException(await h.post(executeXml({ process: 'clip', inputs: { image: [ok.image, ok.image], bbox: BBOX } }), 'alice'), 400, 'TooManyInputs'), 'image');
      assertException(await h.post('<wps:Execute xmlns:wps="http://www.opengis.net/wps/2.0" service="WPS" version="2.0.0"><unclosed>', 'alice'), 400, 'InvalidParameterValue');
      assertException(await h.post('<!DOCTYPE x [<!ENTITY e "x">]><x/>', 'alice'), 400, 'InvalidParameterValue');
      // KVP has no Execute; anonymous callers may not execute (401 with the challenge).
      assertException(await h.kvp('service=WPS&version=2.0.0&request=Execute&identifier=clip'), 501, 'OperationNotSupported');
      const anon = await h.post(executeXml({ process: 'clip', inputs: ok }));
      assertException(anon, 401, 'NoApplicableCode');
    });

    it('the exception tables (14-065r2 tables 41, 46, 48; OWS Common 2.0 tables 27-28): code, locator and status of each, valid, as OWSLib reads them', async () => {
      const ok = { image: reference('blob:workspaces/alice/scene.tif'), bbox: BBOX };
      const V = 'service=WPS&version=2.0.0';
      const HEAD = `service="WPS" version="2.0.0" xmlns:wps="http://www.opengis.net/wps/2.0" xmlns:ows="http://www.opengis.net/ows/2.0" xmlns:xlink="http://www.w3.org/1999/xlink"`;
      const withBody = `<wps:Reference xlink:href="${filesUrl}/scene.tif"><wps:Body>x</wps:Body></wps:Reference>`;
      // [what, request, status, exceptionCode, locator (undefined: none)]
      const cases: Array<[string, () => Promise<ApiResponse>, number, string, string | undefined]> = [
        ['DescribeProcess of unknown ids', () => h.kvp(`${V}&request=DescribeProcess&identifier=nothing,clip,nada`, 'alice'), 400, 'NoSuchProcess', 'nothing,nada'],
        ['DescribeProcess without identifier', () => h.kvp(`${V}&request=DescribeProcess`, 'alice'), 400, 'MissingParameterValue', 'identifier'],
        ['XML DescribeProcess without ows:Identifier', () => h.post(`<wps:DescribeProcess ${HEAD}/>`, 'alice'), 400, 'MissingParameterValue', 'Identifier'],
        ['a version not served', () => h.kvp('service=WPS&version=1.1.0&request=DescribeProcess&identifier=clip', 'alice'), 400, 'InvalidParameterValue', 'version'],
        ['no version', () => h.kvp('service=WPS&request=GetStatus&jobId=x', 'alice'), 400, 'MissingParameterValue', 'version'],
        ['another service', () => h.kvp('service=WFS&version=2.0.0&request=DescribeProcess&identifier=clip', 'alice'), 400, 'InvalidParameterValue', 'service'],
        ['an unknown operation', () => h.kvp(`${V}&request=Frobnicate`, 'alice'), 501, 'OperationNotSupported', 'Frobnicate'],
        ['Execute over KVP', () => h.kvp(`${V}&request=Execute&identifier=clip`, 'alice'), 501, 'OperationNotSupported', 'Execute'],
        ['AcceptVersions without 2.0.0', () => h.kvp(`${CAPS}&AcceptVersions=0.9.0`), 400, 'VersionNegotiationFailed', undefined],
        ['GetStatus of an unknown job', () => h.kvp(`${V}&request=GetStatus&jobId=no-such-job`, 'alice'), 400, 'NoSuchJob', 'no-such-job'],
        ['GetResult of an unknown job', () => h.post(jobRequest('GetResult', 'no-such-job'), 'alice'), 400, 'NoSuchJob', 'no-such-job'],
        ['Dismiss of an unknown job', () => h.post(jobRequest('Dismiss', 'no-such-job'), 'alice'), 400, 'NoSuchJob', 'no-such-job'],
        ['GetStatus without JobID', () => h.kvp(`${V}&request=GetStatus`, 'alice'), 400, 'MissingParameterValue', 'JobID'],
        ['Execute of an unknown process', () => h.post(executeXml({ process: 'nothing', inputs: ok }), 'alice'), 400, 'NoSuchProcess', 'nothing'],
        ['Execute without mode', () => h.post(executeXml({ process: 'clip', inputs: ok }).replace(' mode="sync"', ''), 'alice'), 400, 'MissingParameterValue', 'mode'],
        ['a mode that does not exist', () => h.post(executeXml({ process: 'clip', mode: 'later' as never, inputs: ok }), 'alice'), 400, 'NoSuchMode', 'later'],
        ['a required input missing', () => h.post(executeXml({ process: 'clip', inputs: { image: ok.image } }), 'alice'), 400, 'MissingParameterValue', 'bbox'],
        ['unknown inputs', () => h.post(executeXml({ process: 'clip', inputs: { ...ok, colour: literal('red'), size: literal(3) } }), 'alice'), 400, 'NoSuchInput', 'colour,size'],
        ['unknown outputs', () => h.post(executeXml({ process: 'clip', inputs: ok, outputs: [{ id: 'nope' }, { id: 'clipped' }, { id: 'nada' }] }), 'alice'), 400, 'NoSuchOutput', 'nope,nada'],
        ['more values than maxOccurs', () => h.post(executeXml({ process: 'clip', inputs: { image: [ok.image, ok.image], bbox: BBOX } }), 'alice'), 400, 'TooManyInputs', 'image'],
        ['two outputs in a raw response', () => h.post(executeXml({ process: 'clip', response: 'raw', inputs: ok, outputs: [{ id: 'clipped' }, { id: 'clipped' }] }), 'alice'), 400, 'TooManyOutputs', 'clipped'],
        ['an input format not offered', () => h.post(executeXml({ process: 'clip', inputs: { ...ok, image: '<wps:Reference xlink:href="blob:workspaces/alice/scene.tif" mimeType="image/png"/>' } }), 'alice'), 400, 'NoSuchFormat', 'image'],
        ['an output format not offered', () => h.post(executeXml({ process: 'clip', inputs: ok, outputs: [{ id: 'clipped', mimeType: 'image/png' }] }), 'alice'), 400, 'NoSuchFormat', 'clipped'],
        ['a transmission not offered', () => h.post(executeXml({ process: 'clip', inputs: ok, outputs: [{ id: 'clipped', transmission: 'sideways' as never }] }), 'alice'), 400, 'InvalidParameterValue', 'clipped'],
        ['a bounding box that does not read', () => h.post(executeXml({ process: 'clip', inputs: { ...ok, bbox: '<wps:Data><ows:BoundingBox><ows:LowerCorner>1 x</ows:LowerCorner><ows:UpperCorner>2 2</ows:UpperCorner></ows:BoundingBox></wps:Data>' } }), 'alice'), 400, 'WrongInputData', 'bbox'],
        ['a reference of a scheme not fetched', () => h.post(executeXml({ process: 'clip', inputs: { ...ok, image: reference('ftp://example.com/x.tif') } }), 'alice'), 400, 'DataNotAccessible', 'image'],
        ['a blob that does not exist', () => h.post(executeXml({ process: 'clip', inputs: { ...ok, image: reference('blob:workspaces/alice/none.tif') } }), 'alice'), 400, 'DataNotAccessible', 'image'],
        ["another user's blob", () => h.post(executeXml({ process: 'clip', inputs: ok }), 'bob'), 400, 'DataNotAccessible', 'image'],
        ['a reference with a request body', () => h.post(executeXml({ process: 'clip', inputs: { ...ok, image: withBody } }), 'alice'), 501, 'OptionNotSupported', 'image'],
        ['XML that is not well-formed', () => h.post(`<wps:Execute ${HEAD} mode="sync"><unclosed>`, 'alice'), 400, 'InvalidParameterValue', 'request'],
        ['an anonymous Execute', () => h.post(executeXml({ process: 'clip', inputs: ok })), 401, 'NoApplicableCode', undefined],
      ];
      const docs: string[] = [];
      for (const [what, send, status, code, locator] of cases) {
        const res = await send();
        assert.equal(assertException(res, status, code), locator, what);
        docs.push(res.text);
      }
      // An independent reader: OWSLib's OWS Common 2.0 ExceptionReport parser finds the same code and locator.
      const parsed = owslibExceptions(docs);
      assert.deepEqual(
        parsed.map((p) => [p.version, p.exceptions.map((e) => [e.exceptionCode, e.locator ?? undefined])]),
        cases.map(([, , , code, locator]) => ['2.0.0', [[code, locator]]]),
      );
      assert.ok(parsed.every((p) => (p.exceptions[0]!.ExceptionText ?? '').length > 0));
      // A format given without its parameters (image/tiff for the GeoTIFF the output is) is the one offered.
      const tiff = await h.post(executeXml({ process: 'clip', inputs: { ...ok, image: '<wps:Reference xlink:href="blob:workspaces/alice/scene.tif" mimeType="image/tiff"/>' }, outputs: [{ id: 'clipped', transmission: 'reference', mimeType: 'image/tiff' }] }), 'alice');
      assertWps(tiff);
    });

    describe('SizeExceeded: a referenced input over the stage-in limit (14-065r2 table 46)', () => {
      let small: WpsHarness;
      before(async () => {
        small = await startWps(kind, { processing: { stageIn: { allowPrivateNetworks: true, maxBytes: 1024 } } });
      });
      after(async () => small?.close());

      it('fails the job at stage-in: SizeExceeded of that input, 400, for the synchronous Execute and for GetResult', async () => {
        const inputs = { image: reference(`${filesUrl}/scene.tif`), bbox: BBOX };
        const sync = await small.post(executeXml({ process: 'clip', inputs }), 'alice');
        assert.equal(assertException(sync, 400, 'SizeExceeded'), 'image');
        assert.match(xpath(sync.text, '//ows:ExceptionText')[0]!, /larger than 1024 bytes/);
        const started = await small.post(executeXml({ process: 'clip', mode: 'async', inputs }), 'alice');
        assertWps(started);
        const [jobId] = xpath(started.text, '/wps:StatusInfo/wps:JobID');
        assert.equal((await pollStatus(small, jobId!, 'alice')).final, 'Failed');
        assert.equal(assertException(await small.post(jobRequest('GetResult', jobId!), 'alice'), 400, 'SizeExceeded'), 'image');
      });
    });

    it('DeployProcess (CWL by href), async Execute on a catalogue product, GetStatus to Succeeded, GetResult; seen over the ADES', async () => {
      const offering = `<wps:ProcessOffering jobControlOptions="async-execute dismiss" outputTransmission="reference" processVersion="2.0.1"><wps:Process><ows:Title>Translate over WPS</ows:Title><ows:Identifier>wps-translate</ows:Identifier><wps:Output><ows:Title>x</ows:Title><ows:Identifier>result</ows:Identifier><wps:ComplexData><wps:Format mimeType="image/tiff"/></wps:ComplexData></wps:Output></wps:Process></wps:ProcessOffering>`;
      const deployed = await h.post(deployXml(reference(`${filesUrl}/translate.cwl`), offering), 'alice');
      assert.equal(deployed.status, 200, deployed.text);
      assert.deepEqual(xpath(deployed.text, '/wps:DeployResult/wps:DeploymentDone'), ['true']);
      assert.deepEqual(xpath(deployed.text, '/wps:DeployResult/wps:ProcessSummary/ows:Identifier'), ['wps-translate']);
      assert.deepEqual(xpath(deployed.text, '/wps:DeployResult/wps:ProcessSummary/@processVersion'), ['2.0.1']);
      // A second deploy of the same id is refused.
      assert.equal(assertException(await h.post(deployXml(reference(`${filesUrl}/translate.cwl`), offering), 'alice'), 409, 'DuplicatedProcess'), 'wps-translate');

      const described = await h.kvp('service=WPS&version=2.0.0&request=DescribeProcess&identifier=wps-translate', 'alice');
      assertWps(described);
      assert.deepEqual(xpath(described.text, '//wps:Process/ows:Title'), ['Translate over WPS']);
      assert.deepEqual(xpath(described.text, '//wps:Input/ows:Identifier'), ['source', 'percent']);
      assert.deepEqual(xpath(described.text, '//wps:Input[ows:Identifier="percent"]/@minOccurs'), ['0']);
      assert.deepEqual(xpath(described.text, '//wps:Input[ows:Identifier="percent"]//ows:DataType'), ['integer']);
      // A sync execution of an async-only process is refused.
      // 14-065r2 table 46: NoSuchMode's locator is the mode value; a literal that is no integer is WrongInputData.
      assert.equal(assertException(await h.post(executeXml({ process: 'wps-translate', mode: 'sync', inputs: { source: reference('catalogue:scene-1') } }), 'alice'), 400, 'NoSuchMode'), 'sync');
      assert.equal(assertException(await h.post(executeXml({ process: 'wps-translate', mode: 'async', inputs: { source: reference('catalogue:scene-1'), percent: literal('half') } }), 'alice'), 400, 'WrongInputData'), 'percent');
      assert.equal(assertException(await h.post(executeXml({ process: 'wps-translate', mode: 'async', inputs: { source: reference('catalogue:no-such-scene') } }), 'alice'), 400, 'DataNotAccessible'), 'source');

      const started = await h.post(executeXml({ process: 'wps-translate', mode: 'async', inputs: { source: reference('catalogue:scene-1'), percent: literal(25) }, outputs: [{ id: 'result' }] }), 'alice');
      assertWps(started);
      const [jobId] = xpath(started.text, '/wps:StatusInfo/wps:JobID');
      assert.ok(['Accepted', 'Running'].includes(xpath(started.text, '/wps:StatusInfo/wps:Status')[0]!));
      const { final } = await pollStatus(h, jobId!, 'alice');
      assert.equal(final, 'Succeeded');
      const done = await h.kvp(`service=WPS&version=2.0.0&request=GetStatus&jobId=${jobId}`, 'alice');
      assert.deepEqual(xpath(done.text, '/wps:StatusInfo/wps:PercentCompleted'), ['100']);
      const result = await h.post(jobRequest('GetResult', jobId!), 'alice');
      assertWps(result);
      assert.deepEqual(xpath(result.text, '/wps:Result/wps:JobID'), [jobId]);
      const [href] = xpath(result.text, '/wps:Result/wps:Output[@id="result"]/wps:Reference/@xlink:href');
      const file = await h.request('GET', href!, { as: 'alice' });
      assert.deepEqual(gdalSize(file.bytes), [16, 16]); // 25% of 64 px

      // The same job through OGC API Processes.
      const ades = await h.request('GET', `/jobs/${jobId}`, { as: 'alice' });
      assert.equal(ades.status, 200);
      assert.equal(ades.json.status, 'successful');
      assert.equal(ades.json.processID, 'wps-translate');
      const adesResults = await h.request('GET', `/jobs/${jobId}/results`, { as: 'alice' });
      assert.equal(adesResults.status, 200);
      assert.ok(adesResults.json.result.href);
      // The ADES lists it too.
      const listed = await h.request('GET', '/processes/wps-translate', { as: 'alice' });
      assert.equal(listed.json.title, 'Translate over WPS');

      // Undeploy; then the process is gone for WPS and the ADES; the finished job stays readable.
      const undeployed = await h.post(undeployXml('wps-translate'), 'alice');
      assert.equal(undeployed.status, 200, undeployed.text);
      assert.deepEqual(xpath(undeployed.text, '/wps:UndeployResult/wps:UndeploymentDone'), ['true']);
      assertException(await h.kvp('service=WPS&version=2.0.0&request=DescribeProcess&identifier=wps-translate', 'alice'), 400, 'NoSuchProcess');
      assert.equal((await h.request('GET', '/processes/wps-translate', { as: 'alice' })).status, 404);
      assertWps(await h.post(jobRequest('GetResult', jobId!), 'alice'));
      assert.equal(assertException(await h.post(undeployXml('wps-translate'), 'alice'), 400, 'NoSuchProcess'), 'wps-translate');
      assert.equal(assertException(await h.post(undeployXml('clip'), 'admin'), 403, 'ImmutableProcess'), 'clip');
    });

    it('DeployProcess of an OWS Context (inline with the CWL inline, and by reference), run on an http URL input', async () => {
      const cwl = fixture('translate.cwl').replace('id: translate', 'id: wps-ctx-inline');
      const escaped = cwl.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      const inline = await h.post(deployXml(owsContext(`<owc:content type="application/cwl">\n${escaped}</owc:content>`)), 'alice');
      assert.equal(inline.status, 200, inline.text);
      assert.deepEqual(xpath(inline.text, '//wps:ProcessSummary/ows:Identifier'), ['wps-ctx-inline']);

      const offering = `<wps:ProcessOffering jobControlOptions="sync-execute async-execute"><wps:Process><ows:Title>By context</ows:Title><ows:Identifier>wps-ctx-ref</ows:Identifier><wps:Output><ows:Title>r</ows:Title><ows:Identifier>result</ows:Identifier><wps:ComplexData><wps:Format mimeType="image/tiff"/></wps:ComplexData></wps:Output></wps:Process></wps:ProcessOffering>`;
      const byRef = await h.post(deployXml(`<wps:Reference xlink:href="${filesUrl}/context.xml" mimeType="application/atom+xml"/>`, offering), 'alice');
      assert.equal(byRef.status, 200, byRef.text);
      const raw = await h.post(executeXml({ process: 'wps-ctx-ref', mode: 'sync', response: 'raw', inputs: { source: reference(`${filesUrl}/scene.tif`), percent: literal(50) } }), 'alice');
      assert.equal(raw.status, 200, raw.text);
      assert.deepEqual(gdalSize(raw.bytes), [32, 32]);
      // auto: the server picks asynchronous execution when the process allows it.
      const auto = await h.post(executeXml({ process: 'wps-ctx-ref', mode: 'auto', inputs: { source: reference(`${filesUrl}/scene.tif`) } }), 'alice');
      assertWps(auto);
      assert.equal(xpath(auto.text, '/wps:StatusInfo/wps:JobID').length, 1);
      // A remote input that fails once fetched fails the job, with the reason: DataNotAccessible of that input (14-065r2 table 46).
      const missing = await h.post(executeXml({ process: 'wps-ctx-ref', mode: 'sync', inputs: { source: reference(`${filesUrl}/missing.tif`) } }), 'alice');
      assert.match(xpath(missing.text, '//ows:ExceptionText')[0] ?? '', /404/);
      assert.equal(assertException(missing, 400, 'DataNotAccessible'), 'source');

      // Bad packages: what is wrong, as InvalidParameterValue of the execution unit.
      const bad = await h.post(deployXml(`<wps:Data mimeType="application/cwl+yaml">cwlVersion: v1.2\nclass: CommandLineTool\nid: broken\ninputs:\n  x: integer\noutputs: []\n</wps:Data>`), 'alice');
      const locator = assertException(bad, 400, 'InvalidParameterValue');
      assert.match(locator ?? '', /^ExecutionUnit/);
      assert.match(xpath(bad.text, '//ows:ExceptionText')[0]!, /inputs\.x\.type/);
      assertException(await h.post(deployXml(owsContext('<owc:content type="application/cwl"/>')), 'alice'), 400, 'InvalidParameterValue');
      assertException(await h.post(deployXml(reference(`${filesUrl}/none.cwl`)), 'alice'), 400, 'InvalidParameterValue');
      assertException(await h.post(`<wps:DeployProcess service="WPS" version="2.0.0" xmlns:wps="http://www.opengis.net/wps/2.0"/>`, 'alice'), 400, 'MissingParameterValue');
      // Anonymous deploys are refused with the challenge.
      assertException(await h.post(deployXml(reference(`${filesUrl}/translate.cwl`))), 401, 'NoApplicableCode');
    });

    it('Dismiss of a running job; ResultNotReady before; other users see NoSuchJob', async () => {
      const deployed = await h.post(deployXml(`<wps:Data mimeType="application/cwl+yaml">${fixture('sleeper.cwl').replace('id: sleeper', 'id: wps-sleeper')}</wps:Data>`), 'alice');
      assert.equal(deployed.status, 200, deployed.text);
      const tag = `wps-dismiss-${Date.now()}`;
      const started = await h.post(executeXml({ process: 'wps-sleeper', mode: 'async', inputs: { seconds: literal(60), tag: literal(tag) } }), 'alice');
      assertWps(started);
      const [jobId] = xpath(started.text, '/wps:StatusInfo/wps:JobID');
      for (let i = 0; i < 200; i++) {
        const s = await h.kvp(`service=WPS&version=2.0.0&request=GetStatus&jobId=${jobId}`, 'alice');
        if (xpath(s.text, '/wps:StatusInfo/wps:Status')[0] === 'Running') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(assertException(await h.kvp(`service=WPS&version=2.0.0&request=GetResult&jobId=${jobId}`, 'alice'), 400, 'ResultNotReady'), jobId);
      // Bob: as if the job did not exist.
      for (const op of ['GetStatus', 'GetResult', 'Dismiss'] as const) {
        assert.equal(assertException(await h.post(jobRequest(op, jobId!), 'bob'), 400, 'NoSuchJob'), jobId, op);
      }
      assert.equal((await h.request('GET', `/jobs/${jobId}`, { as: 'bob' })).status, 404);
      const dismissed = await h.kvp(`service=WPS&version=2.0.0&request=Dismiss&jobId=${jobId}`, 'alice');
      assertWps(dismissed);
      assert.deepEqual(xpath(dismissed.text, '/wps:StatusInfo/wps:Status'), ['Dismissed']);
      // The tool is gone, the ADES agrees, and there is no result.
      const adesJob = await h.request('GET', `/jobs/${jobId}`, { as: 'alice' });
      assert.equal(adesJob.json.status, 'dismissed');
      // 14-065r2 §12: the JobID is released; any later request with it is NoSuchJob.
      for (const op of ['GetResult', 'GetStatus', 'Dismiss'] as const) {
        assert.equal(assertException(await h.post(jobRequest(op, jobId!), 'alice'), 400, 'NoSuchJob'), jobId, op);
      }
      assertException(await h.kvp('service=WPS&version=2.0.0&request=GetStatus&jobId=no-such-job', 'alice'), 400, 'NoSuchJob');
      assertException(await h.kvp('service=WPS&version=2.0.0&request=GetStatus', 'alice'), 400, 'MissingParameterValue');
    });

    it('Dismiss of an ended job (successful, failed): answered Dismissed, then NoSuchJob everywhere; its files, catalogue products and record are gone', async () => {
      const blobs = h.server.meridian.stores.blobs;
      const jobs = h.server.meridian.stores.jobs;
      const started = await h.post(executeXml({ process: 'clip', mode: 'async', inputs: { image: reference('blob:workspaces/alice/scene.tif'), bbox: BBOX }, outputs: [{ id: 'clipped', transmission: 'reference' }] }), 'alice');
      assertWps(started);
      const [jobId] = xpath(started.text, '/wps:StatusInfo/wps:JobID');
      assert.equal((await pollStatus(h, jobId!, 'alice')).final, 'Succeeded');
      const result = await h.post(jobRequest('GetResult', jobId!), 'alice');
      assertWps(result);
      const [href] = xpath(result.text, '/wps:Result/wps:Output[@id="clipped"]/wps:Reference/@xlink:href');
      assert.equal((await h.request('GET', href!, { as: 'alice' })).status, 200);
      const prefix = `workspaces/alice/jobs/${jobId}/`;
      assert.ok((await blobs.list(prefix)).items.length >= 2, 'the result file and its STAC catalog are stored');
      assert.ok(await h.catalogue.get(`${jobId}-clipped`, alice), 'the result is a catalogue product');
      const prefs = () => h.server.meridian.stores.db.knex('meridian_wps_executions').where({ job_id: jobId });
      assert.equal((await prefs()).length, 1, 'the Execute preferences are kept');

      // Bob may not dismiss it: as if it did not exist; it stays.
      assert.equal(assertException(await h.post(jobRequest('Dismiss', jobId!), 'bob'), 400, 'NoSuchJob'), jobId);
      assert.deepEqual(xpath((await h.kvp(`service=WPS&version=2.0.0&request=GetStatus&jobId=${jobId}`, 'alice')).text, '/wps:StatusInfo/wps:Status'), ['Succeeded']);

      // 14-065r2 §12: the response is a StatusInfo with status Dismissed, and the JobID is released.
      const dismissed = await h.kvp(`service=WPS&version=2.0.0&request=Dismiss&jobId=${jobId}`, 'alice');
      assertWps(dismissed);
      assert.deepEqual(xpath(dismissed.text, '/wps:StatusInfo/wps:JobID'), [jobId]);
      assert.deepEqual(xpath(dismissed.text, '/wps:StatusInfo/wps:Status'), ['Dismissed']);
      for (const op of ['GetStatus', 'GetResult', 'Dismiss'] as const) {
        assert.equal(assertException(await h.post(jobRequest(op, jobId!), 'alice'), 400, 'NoSuchJob'), jobId, op);
      }
      // The job and its results are gone: for the ADES too, the files, the catalogue product, the queue's record.
      const ades = await h.request('GET', `/jobs/${jobId}`, { as: 'alice' });
      assert.equal(ades.status, 404, ades.text);
      assert.equal(ades.json.type, 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-job');
      assert.equal(assertException(await h.request('GET', href!, { as: 'alice' }), 400, 'NoSuchJob'), jobId);
      assert.deepEqual((await blobs.list(prefix)).items.map((i) => i.key), []);
      assert.equal(await h.catalogue.get(`${jobId}-clipped`, alice), undefined);
      assert.equal(await jobs.get(jobId!), null);
      assert.deepEqual(await jobs.logs(jobId!), []);
      assert.deepEqual(await prefs(), []);
      const listed = await h.request('GET', '/jobs?processID=clip&limit=1000', { as: 'alice' });
      assert.ok(!listed.json.jobs.some((j: { jobID: string }) => j.jobID === jobId));

      // A failed job: the same.
      const deployed = await h.post(deployXml(`<wps:Data mimeType="application/cwl+yaml">${fixture('failing.cwl').replace('id: wps-failing', 'id: wps-failing-dismissed')}</wps:Data>`), 'alice');
      assert.equal(deployed.status, 200, deployed.text);
      const failing = await h.post(executeXml({ process: 'wps-failing-dismissed', mode: 'async' }), 'alice');
      const [failedId] = xpath(failing.text, '/wps:StatusInfo/wps:JobID');
      assert.equal((await pollStatus(h, failedId!, 'alice')).final, 'Failed');
      const dismissedFailed = await h.post(jobRequest('Dismiss', failedId!), 'alice');
      assertWps(dismissedFailed);
      assert.deepEqual(xpath(dismissedFailed.text, '/wps:StatusInfo/wps:Status'), ['Dismissed']);
      for (const op of ['GetStatus', 'GetResult', 'Dismiss'] as const) {
        assert.equal(assertException(await h.post(jobRequest(op, failedId!), 'alice'), 400, 'NoSuchJob'), failedId, op);
      }
      assert.equal((await h.request('GET', `/jobs/${failedId}`, { as: 'alice' })).status, 404);
      assert.equal(await jobs.get(failedId!), null);
    });

    it('a job started over OGC API Processes: GetStatus and GetResult over WPS; a failed job', async () => {
      const started = await h.request('POST', '/processes/clip/execution', {
        as: 'alice',
        headers: { Prefer: 'respond-async' },
        body: { inputs: { image: { href: 'blob:workspaces/alice/scene.tif' }, bbox: { bbox: [10.2, 49.2, 10.6, 49.6] } } },
      });
      assert.equal(started.status, 201, started.text);
      const id = started.json.jobID as string;
      assert.equal((await pollStatus(h, id, 'alice')).final, 'Succeeded');
      const result = await h.kvp(`service=WPS&version=2.0.0&request=GetResult&jobId=${id}`, 'alice');
      assertWps(result);
      assert.equal(xpath(result.text, '/wps:Result/wps:Output[@id="clipped"]/wps:Reference/@xlink:href').length, 1);
      assertException(await h.kvp(`service=WPS&version=2.0.0&request=GetResult&jobId=${id}`, 'bob'), 400, 'NoSuchJob');

      const deployed = await h.post(deployXml(`<wps:Data mimeType="application/cwl+yaml">${fixture('failing.cwl')}</wps:Data>`), 'alice');
      assert.equal(deployed.status, 200, deployed.text);
      const failed = await h.post(executeXml({ process: 'wps-failing', mode: 'async' }), 'alice');
      const [jobId] = xpath(failed.text, '/wps:StatusInfo/wps:JobID');
      assert.equal((await pollStatus(h, jobId!, 'alice')).final, 'Failed');
      const res = await h.post(jobRequest('GetResult', jobId!), 'alice');
      // 14-065r2 §9.11.3 and table 46: a cause no other code covers is InternalServerError, 500, without locator.
      assert.equal(assertException(res, 500, 'InternalServerError'), undefined);
      assert.match(xpath(res.text, '//ows:ExceptionText')[0]!, /failed/);
    });
  });
}
